"""Services of grievance cases: record one at the desk, assign it, move it through its life
cycle, resolve it and record the person's satisfaction.

Each service checks the actor's right in the case's unit (and, for a sensitive case, the
right to see sensitive cases), validates, saves in one transaction and writes a
:class:`GrievanceEvent` (who, when, from which status to which). django-auditlog records
every change as well, personal values masked.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action, may
from barrio.core.grievances import due_at, may_transition
from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.registry.models import Grievance, GrievanceEvent, Household
from barrio.registry.models.grievances import (
    DEADLINE_DAYS,
    SENSITIVE_CATEGORIES,
    GrievanceCategory,
)
from barrio.registry.services.households import check_unit

if TYPE_CHECKING:
    from barrio.accounts.models import Programme
    from barrio.territories.models import TerritorialUnit

DESCRIPTION_MAX = 5000


def may_handle(user: User | AnonymousUser, grievance: Grievance) -> bool:
    """Tell whether ``user`` may assign, move and resolve ``grievance`` (and be assigned it)."""
    programme, unit = grievance.programme, grievance.unit
    if not may(user, Action.GRIEVANCE_HANDLE, programme=programme, unit=unit):
        return False
    return not grievance.sensitive or may(
        user, Action.GRIEVANCE_SENSITIVE, programme=programme, unit=unit
    )


def _require_handle(actor: User | AnonymousUser, grievance: Grievance) -> None:
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may_handle(actor, grievance):
        raise PermissionDenied()


def _event(
    grievance: Grievance,
    actor: User | AnonymousUser,
    from_status: str,
    note: str = "",
) -> GrievanceEvent:
    return GrievanceEvent.objects.create(
        grievance=grievance,
        from_status=from_status,
        to_status=grievance.status,
        assigned_to=grievance.assigned_to,
        note=note.strip()[:2000],
        actor=actor if isinstance(actor, User) else None,
    )


@transaction.atomic
def grievance_record(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    unit: TerritorialUnit | None,
    category: str,
    channel: str,
    description: str,
    household: Household | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    opened_at: dt.datetime | None = None,
) -> Grievance:
    """Record a case brought by a household or by a person not registered.

    The case of a household lies in the household's unit; otherwise ``unit`` says where
    (the person's district, or the orientation centre's). Its deadline follows from the
    category, counted in the programme's time zone. A person not registered must leave a
    name and a way to be reached (phone or e-mail).

    Raises :class:`PermissionDenied` unless the actor may record cases in the unit, and
    :class:`ValidationFailed` listing every problem; nothing is saved on failure.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    errors: list[FieldError] = []
    if household is not None:
        if household.programme_id != programme.pk:
            errors.append(
                FieldError(
                    ("body", "household_id"), _("No household of the programme has this id.")
                )
            )
        unit = household.unit
    if unit is None:
        errors.append(FieldError(("body", "unit_id"), _("Say in which unit the person lives.")))
    elif not may(actor, Action.GRIEVANCE_RECORD, programme=programme, unit=unit):
        raise PermissionDenied()
    else:
        errors += check_unit(programme, unit, ("body", "unit_id"))
    if category not in GrievanceCategory.values:
        errors.append(FieldError(("body", "category"), _("Choose a category of the list.")))
    if channel not in Grievance.Channel.values:
        errors.append(FieldError(("body", "channel"), _("Choose a channel of the list.")))
    if not description.strip():
        errors.append(FieldError(("body", "description"), _("Write what the person says.")))
    elif len(description) > DESCRIPTION_MAX:
        errors.append(
            FieldError(
                ("body", "description"),
                _("Write at most %(count)s characters.") % {"count": DESCRIPTION_MAX},
            )
        )
    if household is None and not contact_name.strip():
        errors.append(
            FieldError(
                ("body", "contact_name"),
                _("A person who is not registered leaves a name to be answered."),
            )
        )
    if household is None and not (contact_phone.strip() or contact_email.strip()):
        errors.append(
            FieldError(
                ("body", "contact_phone"),
                _("A person who is not registered leaves a phone or an e-mail."),
            )
        )
    digits = "".join(ch for ch in contact_phone if ch.isdigit())
    if contact_phone.strip() and not 6 <= len(digits) <= 15:
        errors.append(FieldError(("body", "contact_phone"), _("A phone has 6 to 15 digits.")))
    if contact_email.strip() and "@" not in contact_email:
        errors.append(FieldError(("body", "contact_email"), _("This is not an e-mail address.")))
    if errors:
        raise ValidationFailed(errors=errors)
    assert unit is not None
    opened = opened_at or timezone.now()
    grievance = Grievance.objects.create(
        programme=programme,
        unit=unit,
        household=household,
        category=category,
        sensitive=category in SENSITIVE_CATEGORIES,
        channel=channel,
        description=description.strip(),
        contact_name=contact_name.strip()[:200],
        contact_phone=contact_phone.strip()[:30],
        contact_email=contact_email.strip()[:200],
        opened_at=opened,
        due_at=due_at(opened, DEADLINE_DAYS[category], programme.time_zone),
        created_by=actor if isinstance(actor, User) else None,
    )
    _event(grievance, actor, "")
    return grievance


@transaction.atomic
def grievance_assign(
    *, actor: User | AnonymousUser, grievance: Grievance, assignee: User, note: str = ""
) -> Grievance:
    """Assign a case to a person who may handle it (for a sensitive case: who may see it).

    Raises :class:`PermissionDenied`, :class:`ValidationFailed` (the assignee may not
    handle the case) or :class:`Conflict` (the case is closed or resolved).
    """
    grievance = (
        Grievance.objects.select_for_update(of=("self",))
        .select_related("programme", "unit")
        .get(pk=grievance.pk)
    )
    _require_handle(actor, grievance)
    if not may_transition(grievance.status, Grievance.Status.ASSIGNED):
        raise Conflict(_("A resolved or closed case is not assigned again."))
    if not may_handle(assignee, grievance):
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("body", "assignee_id"),
                    _("This person may not handle this case in its unit."),
                )
            ]
        )
    before = grievance.status
    grievance.assigned_to = assignee
    grievance.status = Grievance.Status.ASSIGNED
    grievance.save(update_fields=["assigned_to", "status", "updated_at"])
    _event(grievance, actor, before, note)
    return grievance


@transaction.atomic
def grievance_change_status(
    *,
    actor: User | AnonymousUser,
    grievance: Grievance,
    status: str,
    note: str = "",
    resolution: str = "",
    satisfaction: int | None = None,
) -> Grievance:
    """Move a case to ``status``: start work, put on hold, resolve, reopen or close.

    Resolving needs the resolution (what was done or answered). The person's satisfaction
    (1 to 5) may be recorded when the case is resolved or closed. Closing an unresolved case
    needs a note saying why (withdrawn, unfounded, a duplicate). Assigning goes through
    :func:`grievance_assign`.

    Raises :class:`PermissionDenied`, :class:`ValidationFailed` or :class:`Conflict` (a
    move the life cycle does not allow, e.g. from a closed case).
    """
    grievance = (
        Grievance.objects.select_for_update(of=("self",))
        .select_related("programme", "unit")
        .get(pk=grievance.pk)
    )
    _require_handle(actor, grievance)
    errors = []
    if status not in Grievance.Status.values or status in {
        Grievance.Status.NEW,
        Grievance.Status.ASSIGNED,
    }:
        errors.append(FieldError(("body", "status"), _("Choose a status of the list.")))
    elif not may_transition(grievance.status, status):
        raise Conflict(
            _("A case that is %(current)s cannot become %(target)s.")
            % {
                "current": Grievance.Status(grievance.status).label,
                "target": Grievance.Status(status).label,
            },
            code="transition_not_allowed",
        )
    if status == Grievance.Status.RESOLVED and not resolution.strip():
        errors.append(FieldError(("body", "resolution"), _("Say how the case was resolved.")))
    if (
        status == Grievance.Status.CLOSED
        and grievance.status != Grievance.Status.RESOLVED
        and not note.strip()
    ):
        errors.append(
            FieldError(("body", "note"), _("Say why the case is closed without a resolution."))
        )
    if satisfaction is not None:
        if status not in {Grievance.Status.RESOLVED, Grievance.Status.CLOSED}:
            errors.append(
                FieldError(
                    ("body", "satisfaction"),
                    _("Satisfaction is recorded when the case is resolved or closed."),
                )
            )
        elif not 1 <= satisfaction <= 5:
            errors.append(FieldError(("body", "satisfaction"), _("Satisfaction goes from 1 to 5.")))
    if len(resolution) > DESCRIPTION_MAX:
        errors.append(
            FieldError(
                ("body", "resolution"),
                _("Write at most %(count)s characters.") % {"count": DESCRIPTION_MAX},
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    before = grievance.status
    now = timezone.now()
    grievance.status = status
    if status == Grievance.Status.RESOLVED:
        grievance.resolution = resolution.strip()
        grievance.resolved_at = now
    elif status == Grievance.Status.CLOSED:
        grievance.closed_at = now
    elif status == Grievance.Status.IN_PROGRESS and before == Grievance.Status.RESOLVED:
        grievance.resolved_at = None  # reopened: the resolution stays, for the record
    if satisfaction is not None:
        grievance.satisfaction = satisfaction
    grievance.save()
    _event(grievance, actor, before, note)
    return grievance
