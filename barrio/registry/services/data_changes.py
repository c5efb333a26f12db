"""Data-change requests: a household asks to correct one of its values; a second person
decides, and an approval applies the change through the registry's own services.

The request keeps the value as it was when asked and the new value, both encrypted. The
person who asked never decides. An approval is refused when the record changed since it was
asked (its value no longer is the old one), and when the registry's rules refuse the new
value: then nothing changes, and the request stays waiting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action, may
from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.registry.models import DataChangeRequest, Document, Grievance, Household, Member
from barrio.registry.services.households import (
    document_renumber,
    household_update,
    member_update,
)

Field = DataChangeRequest.Field
MEMBER_FIELDS = {
    Field.PHONE,
    Field.GIVEN_NAMES,
    Field.FAMILY_NAME_1,
    Field.FAMILY_NAME_2,
    Field.BIRTH_DATE,
}
#: Values that may be corrected to nothing.
MAY_BE_EMPTY = {Field.FAMILY_NAME_2, Field.PHONE}


def current_value(
    household: Household, field: str, member: Member | None, document: Document | None
) -> str:
    """The value ``field`` has now, as text (a date in ISO form, empty when none)."""
    if field == Field.ADDRESS:
        return str(household.address or "")
    if field == Field.DOCUMENT_NUMBER:
        assert document is not None
        return str(document.number)
    assert member is not None
    value = getattr(member, field)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def _target_errors(
    household: Household, field: str, member: Member | None, document: Document | None
) -> list[FieldError]:
    if field not in Field.values:
        return [FieldError(("body", "field"), _("Choose a value that can be corrected."))]
    if field in MEMBER_FIELDS and (member is None or member.household_id != household.pk):
        return [FieldError(("body", "member_id"), _("Say which person of the household."))]
    if field == Field.DOCUMENT_NUMBER and (
        document is None or document.member.household_id != household.pk
    ):
        return [FieldError(("body", "document_id"), _("Say which document of the household."))]
    return []


def _parse(field: str, value: str) -> Any:
    if field != Field.BIRTH_DATE:
        return value.strip()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValidationFailed(
            errors=[FieldError(("body", "new_value"), _("Write the date as YYYY-MM-DD."))]
        ) from error


@transaction.atomic
def data_change_request(
    *,
    actor: User | AnonymousUser,
    household: Household,
    field: str,
    new_value: str,
    reason: str,
    member: Member | None = None,
    document: Document | None = None,
    grievance: Grievance | None = None,
) -> DataChangeRequest:
    """Ask to correct one value of ``household`` (its address, a person's name, birth date
    or phone, or a document's number), at the desk or from a grievance case.

    Raises :class:`PermissionDenied` unless the actor may ask in the household's unit, and
    :class:`ValidationFailed` for an unknown field, a person or document of another
    household, an empty or unchanged value, a date that is not one, or no reason.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(
        actor, Action.DATA_CHANGE_REQUEST, programme=household.programme, unit=household.unit
    ):
        raise PermissionDenied()
    if document is not None:
        member = document.member
    errors = _target_errors(household, field, member, document)
    if errors:
        raise ValidationFailed(errors=errors)
    if grievance is not None and grievance.household_id != household.pk:
        errors.append(FieldError(("body", "grievance_id"), _("The case is of another household.")))
    if not new_value.strip() and field not in MAY_BE_EMPTY:
        errors.append(FieldError(("body", "new_value"), _("Write the new value.")))
    if len(new_value) > 500:
        errors.append(FieldError(("body", "new_value"), _("A value has at most 500 characters.")))
    if not reason.strip():
        errors.append(FieldError(("body", "reason"), _("Say why the value is corrected.")))
    old = current_value(household, field, member, document)
    if new_value.strip() == old:
        errors.append(FieldError(("body", "new_value"), _("This is the value already recorded.")))
    if errors:
        raise ValidationFailed(errors=errors)
    _parse(field, new_value)
    return DataChangeRequest.objects.create(
        programme=household.programme,
        household=household,
        member=member if field in MEMBER_FIELDS or document is not None else None,
        document=document,
        grievance=grievance,
        field=field,
        old_value=old,
        new_value=new_value.strip(),
        reason=reason.strip()[:2000],
        requested_by=actor if isinstance(actor, User) else None,
    )


def _apply(actor: User | AnonymousUser, request: DataChangeRequest) -> None:
    household, field = request.household, request.field
    value = _parse(field, request.new_value)
    if field == Field.ADDRESS:
        household_update(
            actor=actor,
            household=household,
            address=value,
            residence_status=household.residence_status,
            arrival_date=household.arrival_date,
            vulnerability=household.vulnerability,
        )
    elif field == Field.DOCUMENT_NUMBER:
        assert request.document is not None
        document_renumber(actor=actor, document=request.document, number=value)
    else:
        assert request.member is not None
        member_update(actor=actor, member=request.member, changes={field: value})


@transaction.atomic
def data_change_decide(
    *,
    actor: User | AnonymousUser,
    request: DataChangeRequest,
    approve: bool,
    note: str = "",
) -> DataChangeRequest:
    """Approve (and apply) or reject a data-change request; the actor is a second person.

    Raises :class:`PermissionDenied` (not allowed in the unit, or the person who asked),
    :class:`Conflict` (already decided, or the record changed since it was asked) and
    whatever the registry's services raise when the new value breaks their rules
    (:class:`ValidationFailed`, :class:`Conflict` for a document already registered). On
    any failure nothing changes and the request stays waiting.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    # Lock the request's own row only: PostgreSQL refuses to lock the nullable side of the
    # outer joins that bring its member and document along.
    request = (
        DataChangeRequest.objects.select_for_update(of=("self",))
        .select_related("household__programme", "household__unit", "member", "document__member")
        .get(pk=request.pk)
    )
    household = request.household
    if not may(
        actor, Action.DATA_CHANGE_DECIDE, programme=household.programme, unit=household.unit
    ):
        raise PermissionDenied()
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(
            _("A second person decides: who asked for a correction cannot approve it."),
            code="second_person_required",
        )
    if request.status != DataChangeRequest.Status.PENDING:
        raise Conflict(_("This request was decided already."))
    if not approve and not note.strip():
        raise ValidationFailed(
            errors=[FieldError(("body", "note"), _("Say why the correction is rejected."))]
        )
    if approve:
        now_value = current_value(household, request.field, request.member, request.document)
        if now_value != request.old_value:
            raise Conflict(
                _("The value changed since the correction was asked; ask again."),
                code="changed_since_asked",
            )
        _apply(actor, request)
    request.status = (
        DataChangeRequest.Status.APPROVED if approve else DataChangeRequest.Status.REJECTED
    )
    request.decided_by = actor if isinstance(actor, User) else None
    request.decided_at = timezone.now()
    request.decision_note = note.strip()[:2000]
    request.save()
    return request
