"""The audit record: changes (django-auditlog, automatic) and reads of personal data.

Changes of the registered models are logged by django-auditlog's signals, with the acting
user from its middleware; personal fields are masked in the log. Reads of personal data are
logged here, one entry per object read, with the channel (page, API, export, task), the
programme it belongs to and, for bulk exports, the reason given.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import models

from barrio.accounts.models import (
    AccessDenial,
    ApiToken,
    Organisation,
    Profile,
    Programme,
    RoleGrant,
)


class Channel(StrEnum):
    """How personal data was read."""

    PAGE = "page"
    API = "api"
    EXPORT = "export"
    TASK = "task"


def register_models() -> None:
    """Register the accounts models with django-auditlog (called once, when apps are ready)."""
    auditlog.register(Programme, m2m_fields={"units"})
    auditlog.register(Organisation)
    auditlog.register(RoleGrant)
    auditlog.register(ApiToken, exclude_fields=["digest"])
    auditlog.register(Profile, mask_fields=["phone", "notes"])
    auditlog.register(User, exclude_fields=["password", "last_login"])


def audit_personal_data_read(
    *,
    actor: User | AnonymousUser | None,
    objects: Iterable[models.Model],
    channel: Channel,
    programme: Programme | None = None,
    reason: str = "",
) -> int:
    """Record that ``actor`` read the personal data of each of ``objects``; return how many.

    The entries name no personal value: the model, the object's id, the channel, the
    programme and the reason.
    """
    entries = []
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_id=obj.pk if isinstance(obj.pk, int) else None,
                object_repr=f"{content_type.model} #{obj.pk}",
                action=LogEntry.Action.ACCESS,
                changes=None,
                actor=actor if actor is not None and actor.is_authenticated else None,
                additional_data={
                    "channel": str(channel),
                    "programme": programme.slug if programme else None,
                    "reason": reason,
                },
            )
        )
    LogEntry.objects.bulk_create(entries)
    return len(entries)


def describe_changes(entry: LogEntry) -> str:
    """Say in one line what a change entry changed (field: old → new; or items added)."""
    parts = []
    for field, values in (entry.changes_dict or {}).items():
        if isinstance(values, dict):  # a many-to-many change
            objects = ", ".join(str(o) for o in values.get("objects", []))
            parts.append(f"{field}: {values.get('operation', '')} {objects}".strip())
        else:
            old, new = [*values, "", ""][:2]
            parts.append(f"{field}: {old} → {new}")
    return "; ".join(parts)


def access_denied_record(
    *,
    user: User | AnonymousUser | None,
    method: str,
    path: str,
    status: int,
    code: str,
    remote_addr: str | None,
    credentials_given: bool,
) -> AccessDenial | None:
    """Record a refused request of a signed-in user or of a client that sent credentials.

    Anonymous requests without credentials (the public, crawlers) are not recorded: they
    reveal no misuse of an account and would only fill the table.
    """
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not credentials_given:
        return None
    return AccessDenial.objects.create(
        user=user if signed_in and isinstance(user, User) else None,
        method=method[:10],
        path=path[:500],
        status=status,
        code=code[:60],
        remote_addr=remote_addr or None,
    )


def mask_personal_value(value: str) -> str:
    """How the audit log shows a personal field that changed: that it changed, nothing of it.

    django-auditlog's own mask keeps half of the value (the end of a phone number, say);
    nothing of a personal value may reach the log.
    """
    return "[personal data]" if value not in {"", "None"} else value
