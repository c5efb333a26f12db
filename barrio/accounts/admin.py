"""Read-only admin of the record of refused accesses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from barrio.accounts.models import AccessDenial


@admin.register(AccessDenial)
class AccessDenialAdmin(admin.ModelAdmin[AccessDenial]):
    """Refused accesses can be read and filtered, never changed or deleted."""

    list_display = ("created_at", "user", "status", "code", "method", "path", "remote_addr")
    list_filter = ("status", "code")
    search_fields = ("user__email", "path")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
