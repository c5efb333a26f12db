"""Services that register households and people, record consent and keep the desk's drafts.

Each one checks that the actor may change personal data in the household's unit, validates
with the rules of :mod:`barrio.registry.records`, saves in one transaction and leaves an
audit entry (django-auditlog records every change of these models, values masked).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action, may, scope
from barrio.errors import (
    Conflict,
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from barrio.registry.choices import ConsentPurpose, Relationship
from barrio.registry.models import Consent, Document, Household, Member, RegistrationDraft
from barrio.registry.records import (
    ConsentRecord,
    DocumentRecord,
    HouseholdRecord,
    Loc,
    MemberRecord,
    age_on,
    check_document,
    check_household,
    check_member,
    document_index,
    name_index,
    phone_index,
)

if TYPE_CHECKING:
    from barrio.accounts.models import Programme
    from barrio.territories.models import TerritorialUnit

DRAFT_MAX_CHARS = 200_000


def require(
    actor: User | AnonymousUser,
    action: Action,
    programme: Programme,
    unit: TerritorialUnit | None = None,
) -> None:
    """Raise unless ``actor`` may take ``action`` on an object of ``programme`` in ``unit``."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(actor, action, programme=programme, unit=unit):
        raise PermissionDenied()


def check_unit(programme: Programme, unit: TerritorialUnit, loc: Loc) -> list[FieldError]:
    """A household lives in a unit of its programme's territory."""
    if any(area.contains(unit) for area in programme.units.all()):
        return []
    return [FieldError(loc, _("This unit is outside the programme's territory."))]


def local_today(programme: Programme) -> dt.date:
    """Today in the programme's time zone (a birth date of 'today' in Lima is not future)."""
    from zoneinfo import ZoneInfo

    try:
        zone = ZoneInfo(programme.time_zone)
    except (KeyError, ValueError):
        return timezone.localdate()
    return timezone.now().astimezone(zone).date()


def registered_documents(
    programme: Programme, documents: Sequence[DocumentRecord]
) -> dict[tuple[str, str, str], int]:
    """Find documents already registered in ``programme``: the exact rule, through the
    blind index (same type, same number, same issuing country). Returns, for each key
    ``(type, country, index)`` found, the household it belongs to."""
    indexes = {document_index(d.number) for d in documents}
    found: dict[tuple[str, str, str], int] = {}
    rows = Document.objects.filter(
        number_index__in=indexes,
        member__household__programme=programme,
        member__household__status=Household.Status.ACTIVE,
    ).values_list("type", "issuing_country", "number_index", "member__household_id")
    for kind, country, index, household_id in rows:
        found[(kind, country, index)] = household_id
    return found


def _duplicate_errors(
    programme: Programme, members: Sequence[MemberRecord], places: Sequence[Loc]
) -> list[FieldError]:
    documents = [d for m in members for d in m.documents]
    if not documents:
        return []
    found = registered_documents(programme, documents)
    errors = []
    for member, place in zip(members, places, strict=True):
        for document in member.documents:
            if (document.type, document.country, document_index(document.number)) in found:
                errors.append(
                    FieldError(
                        (*place, "document_number"),
                        _("A person with this document is already registered in the programme."),
                    )
                )
    return errors


def member_build(household: Household, record: MemberRecord) -> Member:
    """Return an unsaved member of ``household`` from a record, with its blind indexes."""
    return Member(
        household=household,
        external_id=record.external_id[:100],
        given_names=record.given_names.strip(),
        family_name_1=record.family_name_1.strip(),
        family_name_2=record.family_name_2.strip(),
        sex=record.sex,
        birth_date=record.birth_date,  # type: ignore[misc]
        nationality=record.nationality,
        relationship=record.relationship,
        disability=record.disability,
        pregnancy=record.pregnancy,
        phone=record.phone.strip(),
        phone_index=phone_index(record.phone),
        name_index=name_index(record.given_names, record.family_name_1, record.family_name_2),
    )


def document_build(member: Member, record: DocumentRecord) -> Document:
    """Return an unsaved document of ``member`` with the blind index of its number."""
    return Document(
        member=member,
        type=record.type,
        number=record.number.strip(),
        number_index=document_index(record.number),
        issuing_country=record.country,
    )


@transaction.atomic
def household_register(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    unit: TerritorialUnit,
    record: HouseholdRecord,
) -> Household:
    """Register a household with its members, documents, roles and consent.

    The actor must be allowed to change personal data in ``unit``. Raises
    :class:`PermissionDenied`, :class:`ValidationFailed` listing every problem (under
    ``body``) or :class:`Conflict` when a member's document (same type, number and issuing
    country) is already registered in the programme. Nothing is saved on failure.
    """
    require(actor, Action.PERSONAL_DATA_CHANGE, programme, unit)
    today = local_today(programme)
    errors = check_unit(programme, unit, ("body", "unit"))
    errors += check_household(record, ("body",), today=today)
    if errors:
        raise ValidationFailed(errors=errors)
    places = [("body", "members", i) for i in range(len(record.members))]
    duplicates = _duplicate_errors(programme, record.members, places)
    if duplicates:
        raise Conflict(
            _("Someone in this household is already registered; search for them first."),
            errors=duplicates,
            code="already_registered",
        )
    household = Household.objects.create(
        programme=programme,
        unit=unit,
        external_id=record.external_id[:100],
        address=record.address.strip(),
        residence_status=record.residence_status,
        arrival_date=record.arrival_date,
        vulnerability=sorted(set(record.vulnerability)),
        created_by=actor if isinstance(actor, User) else None,
    )
    members = []
    for member_record in record.members:
        member = member_build(household, member_record)
        member.save()
        for document in member_record.documents:
            document_build(member, document).save()
        members.append(member)
    household.head = next(m for m in members if m.relationship == Relationship.HEAD)
    if record.primary_collector is not None:
        household.primary_collector = members[record.primary_collector]
    if record.alternate_collector is not None:
        household.alternate_collector = members[record.alternate_collector]
    household.save(update_fields=["head", "primary_collector", "alternate_collector"])
    for consent in record.consents:
        Consent.objects.create(
            household=household,
            member=members[consent.member] if consent.member is not None else None,
            purpose=consent.purpose,
            given_on=consent.given_on,
            recorded_by=actor if isinstance(actor, User) else None,
        )
    return household


@transaction.atomic
def member_add(
    *, actor: User | AnonymousUser, household: Household, record: MemberRecord
) -> Member:
    """Add a person to a household (a second head is refused).

    Raises :class:`PermissionDenied`, :class:`ValidationFailed` or :class:`Conflict` (the
    document is already registered in the programme).
    """
    require(actor, Action.PERSONAL_DATA_CHANGE, household.programme, household.unit)
    today = local_today(household.programme)
    errors = check_member(record, ("body",), today=today)
    if record.relationship == Relationship.HEAD and household.head_id is not None:
        errors.append(FieldError(("body", "relationship"), _("A household has exactly one head.")))
    if errors:
        raise ValidationFailed(errors=errors)
    duplicates = _duplicate_errors(household.programme, [record], [("body",)])
    if duplicates:
        raise Conflict(
            _("This person is already registered; search for them first."),
            errors=duplicates,
            code="already_registered",
        )
    member = member_build(household, record)
    member.save()
    for document in record.documents:
        document_build(member, document).save()
    if record.relationship == Relationship.HEAD:
        household.head = member
        household.save(update_fields=["head", "updated_at"])
    return member


@transaction.atomic
def household_update(
    *,
    actor: User | AnonymousUser,
    household: Household,
    address: str,
    residence_status: str,
    arrival_date: dt.date | None,
    vulnerability: Sequence[str],
) -> Household:
    """Change a household's address, residence status, arrival date and vulnerability."""
    require(actor, Action.PERSONAL_DATA_CHANGE, household.programme, household.unit)
    members = tuple(_member_record(m) for m in household.members.all())
    record = HouseholdRecord(
        residence_status=residence_status,
        members=members,
        address=address,
        arrival_date=arrival_date,
        vulnerability=tuple(vulnerability),
        consents=tuple(_consents_in_force(household)),
    )
    errors = [
        e
        for e in check_household(record, ("body",), today=local_today(household.programme))
        if "members" not in e.loc
    ]
    if errors:
        raise ValidationFailed(errors=errors)
    household.address = address.strip()
    household.residence_status = residence_status
    household.arrival_date = arrival_date
    household.vulnerability = sorted(set(vulnerability))
    household.save()
    return household


def _member_record(member: Member) -> MemberRecord:
    return MemberRecord(
        given_names=member.given_names,
        family_name_1=member.family_name_1,
        family_name_2=member.family_name_2,
        sex=member.sex,
        nationality=member.nationality,
        relationship=member.relationship,
        birth_date=member.birth_date,
    )


def _consents_in_force(household: Household) -> list[ConsentRecord]:
    return [
        ConsentRecord(purpose=c.purpose, given_on=c.given_on)
        for c in household.consents.filter(withdrawn_on__isnull=True)
    ]


@transaction.atomic
def household_set_collectors(
    *,
    actor: User | AnonymousUser,
    household: Household,
    primary: Member | None,
    alternate: Member | None,
) -> Household:
    """Name the members who collect the household's payments (or nobody).

    Raises :class:`ValidationFailed` for a person of another household, a minor, or the
    same person twice.
    """
    require(actor, Action.PERSONAL_DATA_CHANGE, household.programme, household.unit)
    errors = []
    today = local_today(household.programme)
    for role, member in (("primary_collector", primary), ("alternate_collector", alternate)):
        if member is None:
            continue
        if member.household_id != household.pk:
            errors.append(FieldError(("body", role), _("The collector must be a member.")))
        elif member.birth_date is not None and age_on(member.birth_date, today) < 18:
            errors.append(FieldError(("body", role), _("A collector is 18 years old or more.")))
    if primary is not None and alternate is not None and primary.pk == alternate.pk:
        errors.append(
            FieldError(
                ("body", "alternate_collector"),
                _("The alternate collector is another person than the primary one."),
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    household.primary_collector = primary
    household.alternate_collector = alternate
    household.save(update_fields=["primary_collector", "alternate_collector", "updated_at"])
    return household


@transaction.atomic
def consent_record(
    *,
    actor: User | AnonymousUser,
    household: Household,
    purpose: str,
    given_on: dt.date,
    member: Member | None = None,
) -> Consent:
    """Record a consent to one purpose; the actor is who recorded it."""
    require(actor, Action.PERSONAL_DATA_CHANGE, household.programme, household.unit)
    errors = []
    if purpose not in ConsentPurpose.values:
        errors.append(FieldError(("body", "purpose"), _("Unknown purpose.")))
    if given_on > local_today(household.programme):
        errors.append(FieldError(("body", "given_on"), _("Consent cannot be given later.")))
    if member is not None and member.household_id != household.pk:
        errors.append(FieldError(("body", "member"), _("Consent is given by a member.")))
    if errors:
        raise ValidationFailed(errors=errors)
    return Consent.objects.create(
        household=household,
        member=member,
        purpose=purpose,
        given_on=given_on,
        recorded_by=actor if isinstance(actor, User) else None,
    )


@transaction.atomic
def consent_withdraw(
    *, actor: User | AnonymousUser, consent: Consent, withdrawn_on: dt.date
) -> Consent:
    """Record that a consent was withdrawn on a date; withdrawing twice is refused."""
    household = consent.household
    require(actor, Action.PERSONAL_DATA_CHANGE, household.programme, household.unit)
    if consent.withdrawn_on is not None:
        raise Conflict(_("This consent was already withdrawn."))
    if not consent.given_on <= withdrawn_on <= local_today(household.programme):
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("body", "withdrawn_on"),
                    _("A consent is withdrawn between the day it was given and today."),
                )
            ]
        )
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    return consent


@transaction.atomic
def draft_save(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    data: dict[str, Any],
    draft_id: int | None = None,
) -> RegistrationDraft:
    """Keep what the desk has typed so far (encrypted), for its author only.

    Anyone who may register households somewhere in the programme may keep drafts. Raises
    :class:`NotFound` for another person's draft and :class:`ValidationFailed` for a draft
    too large to be a registration.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if scope(actor, Action.PERSONAL_DATA_CHANGE, programme).is_empty:
        raise PermissionDenied()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if len(text) > DRAFT_MAX_CHARS:
        raise ValidationFailed(errors=[FieldError(("body",), _("This draft is too large."))])
    if draft_id is None:
        return RegistrationDraft.objects.create(programme=programme, created_by=actor, data=text)
    draft = RegistrationDraft.objects.filter(
        pk=draft_id, created_by_id=actor.pk, programme=programme
    ).first()
    if draft is None:
        raise NotFound()
    draft.data = text
    draft.save(update_fields=["data", "updated_at"])
    return draft


@transaction.atomic
def draft_delete(*, actor: User | AnonymousUser, draft_id: int) -> None:
    """Discard one of the actor's drafts (deleting it twice is harmless)."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    RegistrationDraft.objects.filter(pk=draft_id, created_by_id=actor.pk).delete()


# Corrections of a person's values and of a document number, used when a data-change
# request is approved (issue 10 part B).

MEMBER_CORRECTABLE = ("given_names", "family_name_1", "family_name_2", "birth_date", "phone")


@transaction.atomic
def member_update(
    *, actor: User | AnonymousUser, member: Member, changes: dict[str, Any]
) -> Member:
    """Correct some of a person's names, birth date and phone; keep the blind indexes true.

    ``changes`` maps fields of :data:`MEMBER_CORRECTABLE` to their new values (a birth date
    as a date). The person is checked again with the registry's rules. Raises
    :class:`PermissionDenied` or :class:`ValidationFailed` (an unknown field, a value the
    rules refuse); nothing is saved on failure.
    """
    household = member.household
    require(actor, Action.PERSONAL_DATA_CHANGE, household.programme, household.unit)
    unknown = sorted(set(changes) - set(MEMBER_CORRECTABLE))
    if unknown:
        raise ValidationFailed(
            errors=[
                FieldError(("body", name), _("This value cannot be corrected here."))
                for name in unknown
            ]
        )
    current = _member_record(member)
    values = {
        "given_names": current.given_names,
        "family_name_1": current.family_name_1,
        "family_name_2": current.family_name_2,
        "birth_date": current.birth_date,
        "phone": member.phone,
        **changes,
    }
    record = MemberRecord(
        given_names=str(values["given_names"]),
        family_name_1=str(values["family_name_1"]),
        family_name_2=str(values["family_name_2"]),
        sex=member.sex,
        nationality=member.nationality,
        relationship=member.relationship,
        birth_date=values["birth_date"],
        phone=str(values["phone"]),
    )
    errors = check_member(record, ("body",), today=local_today(household.programme))
    if errors:
        raise ValidationFailed(errors=errors)
    member.given_names = record.given_names.strip()
    member.family_name_1 = record.family_name_1.strip()
    member.family_name_2 = record.family_name_2.strip()
    member.birth_date = record.birth_date
    member.phone = record.phone.strip()
    member.phone_index = phone_index(record.phone)
    member.name_index = name_index(record.given_names, record.family_name_1, record.family_name_2)
    member.save()
    return member


@transaction.atomic
def document_renumber(*, actor: User | AnonymousUser, document: Document, number: str) -> Document:
    """Correct a document's number (a typing error at the desk), keeping its blind index.

    Raises :class:`PermissionDenied`, :class:`ValidationFailed` (a number the document's
    type refuses) or :class:`Conflict` (another person of the programme holds it).
    """
    household = document.member.household
    require(actor, Action.PERSONAL_DATA_CHANGE, household.programme, household.unit)
    record = DocumentRecord(document.type, number, document.issuing_country)
    errors = check_document(record, ("body",))
    if errors:
        raise ValidationFailed(errors=errors)
    found = registered_documents(household.programme, [record])
    holder = found.get((record.type, record.country, document_index(number)))
    if holder is not None:
        raise Conflict(
            _("A person with this document is already registered in the programme."),
            code="already_registered",
        )
    document.number = number.strip()
    document.number_index = document_index(number)
    document.save(update_fields=["number", "number_index"])
    return document
