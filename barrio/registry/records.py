"""Households and people as plain data, their rules, and the blind indexes that find them.

The desk's form, the API and the imports all build these records and check them with the
same rules, so a household is valid or not whatever way it arrives. Checks return
:class:`~barrio.errors.FieldError` rows under a location prefix (``("body", "members", 2)``
for the API, ``("row", 14)`` for a file) and never quote a personal value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from barrio.crypto import blind_index, normalise
from barrio.errors import FieldError
from barrio.registry.choices import (
    DOCUMENT_COUNTRY,
    ConsentPurpose,
    DocumentType,
    Relationship,
    ResidenceStatus,
    Sex,
    Vulnerability,
)

Loc = tuple[str | int, ...]
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,25}$")
OLDEST_BIRTH = dt.date(1900, 1, 1)
NAME_MAX = 100
#: Phones are looked up by their last nine digits, so that "+51 987 654 321" and
#: "987654321" are the same phone (nine is the length of a Peruvian mobile number).
PHONE_DIGITS = 9


@dataclass(frozen=True)
class DocumentRecord:
    """An identity document as given: its type, number and issuing country (ISO code)."""

    type: str
    number: str
    issuing_country: str = ""

    @property
    def country(self) -> str:
        """The issuing country: given, or implied by a country-specific type."""
        return self.issuing_country or DOCUMENT_COUNTRY.get(self.type, "")  # type: ignore[call-overload]


@dataclass(frozen=True)
class MemberRecord:
    """A person as given at the desk or in a file."""

    given_names: str
    family_name_1: str
    sex: str
    nationality: str
    relationship: str
    family_name_2: str = ""
    birth_date: dt.date | None = None
    disability: bool = False
    pregnancy: bool = False
    phone: str = ""
    documents: tuple[DocumentRecord, ...] = ()
    external_id: str = ""


@dataclass(frozen=True)
class ConsentRecord:
    """Consent to one purpose, given on a date by one member (by position, or nobody)."""

    purpose: str
    given_on: dt.date
    member: int | None = None


@dataclass(frozen=True)
class HouseholdRecord:
    """A household as given, with its members in order (positions name the roles)."""

    residence_status: str
    members: tuple[MemberRecord, ...]
    address: str = ""
    arrival_date: dt.date | None = None
    vulnerability: tuple[str, ...] = ()
    consents: tuple[ConsentRecord, ...] = ()
    primary_collector: int | None = None
    alternate_collector: int | None = None
    external_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def document_index(number: str) -> str:
    """Return the blind index of a document number (accents, case, spaces, dashes folded)."""
    return blind_index(number, purpose="registry.document.number")


def phone_index(phone: str) -> str:
    """Return the blind index of a phone's last nine digits, or ``""`` for no phone."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return ""
    return blind_index(digits[-PHONE_DIGITS:], purpose="registry.member.phone")


def name_tokens(*names: str) -> list[str]:
    """Return the distinct words of names, folded (``"María José"`` → ``maria``, ``jose``)."""
    words: list[str] = []
    for name in names:
        for word in re.split(r"[\s,;/]+", name):
            folded = normalise(word)
            if folded and folded not in words:
                words.append(folded)
    return words


def name_token_index(word: str) -> str:
    """Return the (shortened) blind index of one folded word of a name."""
    return blind_index(word, purpose="registry.member.name")[:16]


def name_index(*names: str) -> str:
    """Return the space-separated blind indexes of the words of ``names``."""
    return " ".join(name_token_index(word) for word in name_tokens(*names))


def _choice(value: str, choices: Iterable[str], loc: Loc, message: object) -> list[FieldError]:
    return [] if value in choices else [FieldError(loc, message)]  # type: ignore[arg-type]


def check_country(code: str, loc: Loc, *, required: bool = True) -> list[FieldError]:
    """A country is an ISO 3166 two-letter code in capitals."""
    if not code:
        return [FieldError(loc, _("Give the country."))] if required else []
    if not COUNTRY_CODE.match(code):
        return [FieldError(loc, _("A country is given by its two-letter ISO code, e.g. VE."))]
    return []


def check_document(document: DocumentRecord, loc: Loc) -> list[FieldError]:
    """Check a document's type, its number and the country that issued it."""
    errors = _choice(
        document.type,
        DocumentType.values,
        (*loc, "document_type"),
        _("Unknown type of document."),
    )
    folded = normalise(document.number)
    if not 3 <= len(folded) <= 30:
        errors.append(
            FieldError(
                (*loc, "document_number"),
                _("A document number has 3 to 30 letters and digits."),
            )
        )
    if document.type in DocumentType.values:  # an unknown type implies no country
        errors += check_country(document.country, (*loc, "document_country"))
    implied = DOCUMENT_COUNTRY.get(document.type)  # type: ignore[call-overload]
    if implied and document.issuing_country and document.issuing_country != implied:
        errors.append(
            FieldError(
                (*loc, "document_country"),
                _("This type of document is issued by %(country)s only.") % {"country": implied},
            )
        )
    return errors


def check_member(member: MemberRecord, loc: Loc, *, today: dt.date) -> list[FieldError]:
    """Check one person: names, sex, birth date, nationality, relationship, phone, documents."""
    errors = []
    for name_field, required in (
        ("given_names", True),
        ("family_name_1", True),
        ("family_name_2", False),
    ):
        value = getattr(member, name_field)
        if required and not value.strip():
            errors.append(FieldError((*loc, name_field), _("This name is required.")))
        elif len(value) > NAME_MAX:
            errors.append(FieldError((*loc, name_field), _("A name has at most 100 characters.")))
    errors += _choice(member.sex, Sex.values, (*loc, "sex"), _("Unknown value for sex."))
    errors += _choice(
        member.relationship,
        Relationship.values,
        (*loc, "relationship"),
        _("Unknown relationship."),
    )
    errors += check_country(member.nationality, (*loc, "nationality"))
    if member.birth_date is not None and not OLDEST_BIRTH <= member.birth_date <= today:
        errors.append(
            FieldError((*loc, "birth_date"), _("A birth date lies between 1900 and today."))
        )
    if member.pregnancy and member.sex == Sex.MALE:
        errors.append(FieldError((*loc, "pregnancy"), _("Only a woman can be pregnant.")))
    if member.phone and (
        not PHONE.match(member.phone) or sum(ch.isdigit() for ch in member.phone) < 6
    ):
        errors.append(
            FieldError((*loc, "phone"), _("A phone has 6 to 15 digits, spaces and dashes."))
        )
    seen: set[tuple[str, str, str]] = set()
    for position, document in enumerate(member.documents):
        where = (*loc, "documents", position) if len(member.documents) > 1 else loc
        errors += check_document(document, where)
        key = (document.type, document.country, normalise(document.number))
        if key in seen:
            errors.append(
                FieldError((*where, "document_number"), _("This document is given twice."))
            )
        seen.add(key)
    return errors


def age_on(birth: dt.date, day: dt.date) -> int:
    """Return the age in whole years on ``day`` of someone born on ``birth``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_household(
    household: HouseholdRecord, loc: Loc, *, today: dt.date, member_loc: Sequence[Loc] = ()
) -> list[FieldError]:
    """Check a household and each of its members (``member_loc`` says where each one is).

    A household has one head, at least one member, a known residence status, no arrival in
    the future, known vulnerability criteria, consent to registration, and collectors who
    are adult members (primary and alternate are two different people).
    """
    errors = _choice(
        household.residence_status,
        ResidenceStatus.values,
        (*loc, "residence_status"),
        _("Unknown residence status."),
    )
    if household.arrival_date is not None and not OLDEST_BIRTH <= household.arrival_date <= today:
        errors.append(
            FieldError((*loc, "arrival_date"), _("An arrival date lies between 1900 and today."))
        )
    for code in household.vulnerability:
        if code not in Vulnerability.values:
            errors.append(
                FieldError((*loc, "vulnerability"), _("Unknown criterion of vulnerability."))
            )
    if len(household.address) > 500:
        errors.append(FieldError((*loc, "address"), _("An address has at most 500 characters.")))
    members = household.members
    if not members:
        errors.append(FieldError((*loc, "members"), _("A household has at least one member.")))
    places = list(member_loc) or [(*loc, "members", i) for i in range(len(members))]
    for member, where in zip(members, places, strict=True):
        errors += check_member(member, where, today=today)
    heads = [m for m in members if m.relationship == Relationship.HEAD]
    if members and len(heads) != 1:
        errors.append(FieldError((*loc, "relationship"), _("A household has exactly one head.")))
    for role in ("primary_collector", "alternate_collector"):
        position = getattr(household, role)
        if position is None:
            continue
        if not 0 <= position < len(members):
            errors.append(FieldError((*loc, role), _("The collector must be a member.")))
            continue
        birth = members[position].birth_date
        if birth is not None and age_on(birth, today) < 18:
            errors.append(FieldError((*loc, role), _("A collector is 18 years old or more.")))
    if (
        household.primary_collector is not None
        and household.primary_collector == household.alternate_collector
    ):
        errors.append(
            FieldError(
                (*loc, "alternate_collector"),
                _("The alternate collector is another person than the primary one."),
            )
        )
    purposes = set()
    for position, consent in enumerate(household.consents):
        where = (*loc, "consents", position)
        errors += _choice(
            consent.purpose, ConsentPurpose.values, (*where, "purpose"), _("Unknown purpose.")
        )
        if consent.given_on > today:
            errors.append(FieldError((*where, "given_on"), _("Consent cannot be given later.")))
        if consent.member is not None and not 0 <= consent.member < len(members):
            errors.append(FieldError((*where, "member"), _("Consent is given by a member.")))
        purposes.add(consent.purpose)
    if ConsentPurpose.REGISTRATION not in purposes:
        errors.append(
            FieldError(
                (*loc, "consents"),
                _("Record the household's consent to registration first."),
            )
        )
    return errors
