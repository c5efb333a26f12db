"""Read queries of calls: published ones for everybody, drafts for the programme's staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from barrio.accounts.permissions import Action, may
from barrio.accounts.selectors import programme_list_for_user
from barrio.errors import NotFound
from barrio.participation.models import Call

if TYPE_CHECKING:
    from barrio.accounts.models import Programme

__all__ = ["call_get_for_user", "call_list_for_user", "may_manage_calls", "sees_draft_calls"]


def may_manage_calls(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may create, change and publish the calls of ``programme``."""
    return may(user, Action.CALL_MANAGE, programme=programme)


def sees_draft_calls(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` sees the calls of ``programme`` that are not published."""
    return may_manage_calls(user, programme) or may(
        user, Action.PROPOSAL_STAFF_VIEW, programme=programme
    )


def call_list_for_user(*, user: User | AnonymousUser, programme: Programme) -> QuerySet[Call]:
    """Return the calls of ``programme`` the user may see, newest first."""
    calls = Call.objects.filter(programme=programme).select_related("programme")
    if not sees_draft_calls(user, programme):
        calls = calls.filter(status=Call.Status.PUBLISHED)
    return calls


def call_get_for_user(*, user: User | AnonymousUser, call_id: int) -> Call:
    """Return call ``call_id`` if the user may see it (its programme visible, and published
    or the user on its staff); :class:`NotFound` else."""
    call = (
        Call.objects.filter(pk=call_id, programme__in=programme_list_for_user(user))
        .select_related("programme", "targeting_run")
        .prefetch_related("criteria", "units")
        .first()
    )
    if call is None or (
        call.status != Call.Status.PUBLISHED and not sees_draft_calls(user, call.programme)
    ):
        raise NotFound()
    return call
