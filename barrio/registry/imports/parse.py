"""Turn rows of an import file (one per person) into household records, or into problems.

Rows are first renamed and recoded with a column mapping, then each cell is read (dates,
yes/no, codes) and each household is checked with the rules every registration follows
(:func:`barrio.registry.records.check_household`). Every problem keeps its row and column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from barrio.errors import FieldError
from barrio.registry.choices import ConsentPurpose, Relationship
from barrio.registry.imports.readers import Locator, Rows
from barrio.registry.records import (
    ConsentRecord,
    DocumentRecord,
    HouseholdRecord,
    MemberRecord,
    age_on,
    check_household,
)

#: The template's columns, in its order; the issue's list, then optional extras.
TEMPLATE_COLUMNS = (
    "household_id",
    "unit_code",
    "residence_status",
    "arrival_date",
    "address",
    "member_id",
    "relationship",
    "given_names",
    "family_name_1",
    "family_name_2",
    "sex",
    "birth_date",
    "nationality",
    "document_type",
    "document_number",
    "document_country",
    "phone",
    "disability",
    "pregnancy",
    "vulnerability",
    "collector",
    "consent_date",
)
REQUIRED_COLUMNS = (
    "household_id",
    "unit_code",
    "residence_status",
    "relationship",
    "given_names",
    "family_name_1",
    "sex",
    "nationality",
)
HOUSEHOLD_COLUMNS = ("unit_code", "residence_status", "arrival_date", "address", "vulnerability")
YES = {"yes", "y", "si", "sí", "s", "true", "1", "x", "verdadero"}
NO = {"", "no", "n", "false", "0", "falso"}
SEX_ALIASES = {
    "f": "female",
    "mujer": "female",
    "femenino": "female",
    "m": "male",
    "hombre": "male",
    "masculino": "male",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S")
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class MappingSpec:
    """What a saved column mapping says (plain data, so that parsing needs no database)."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str = ""


@dataclass
class ParsedHousehold:
    """A household read from the file: its record, unit code, rows and fingerprint."""

    key: str
    unit_code: str
    record: HouseholdRecord
    locators: list[Locator]
    fingerprint: str


def apply_mapping(
    rows: Rows, mapping: MappingSpec
) -> tuple[list[str], list[tuple[Locator, dict[str, str]]]]:
    """Rename the file's columns to the template's and recode their values."""
    renamed = {source: target for target, source in mapping.columns.items()}
    header = [renamed.get(name, name) for name in rows.header]
    recode = {
        column: {k.strip().casefold(): v for k, v in values.items()}
        for column, values in mapping.values.items()
    }
    out = []
    for locator, row in rows.rows:
        new = {renamed.get(name, name): value for name, value in row.items()}
        for column, values in recode.items():
            if column in new:
                new[column] = values.get(new[column].strip().casefold(), new[column])
        out.append((locator, new))
    return header, out


def missing_columns(header: list[str]) -> list[str]:
    """The required template columns the file lacks (after its mapping)."""
    return [c for c in REQUIRED_COLUMNS if c not in header]


def parse_date(text: str, date_format: str = "") -> dt.date | None:
    """Read a date (ISO, DD/MM/YYYY, DD-MM-YYYY, or ``date_format``); ``None`` if empty.

    Raises ``ValueError`` for anything that is not a date.
    """
    text = text.strip()
    if not text:
        return None
    formats = (date_format, *DATE_FORMATS) if date_format else DATE_FORMATS
    for form in formats:
        try:
            return dt.datetime.strptime(text[:19] if "T" in form else text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_flag(text: str) -> bool:
    """Read yes/no (sí, si, x, 1, true…; empty is no). Raises ``ValueError`` otherwise."""
    folded = text.strip().casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(text)


def row_fingerprint(rows: list[dict[str, str]]) -> str:
    """A keyed hash of a household's rows, whatever their order (keyed: the rows are
    personal, and a plain hash of a name and a birth date could be guessed)."""
    canonical = json.dumps(
        sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows), ensure_ascii=False
    )
    key = settings.BLIND_INDEX_KEY.encode("utf-8")
    return hmac.new(
        key, b"registry.import\x00" + canonical.encode("utf-8"), hashlib.sha256
    ).hexdigest()


class _Reader:
    """Reads the cells of one row, collecting problems instead of stopping at the first."""

    def __init__(self, locator: Locator, row: Mapping[str, str], date_format: str) -> None:
        self.locator = locator
        self.row = row
        self.date_format = date_format
        self.errors: list[FieldError] = []

    def text(self, column: str) -> str:
        return self.row.get(column, "").strip()

    def code(self, column: str) -> str:
        return self.text(column).casefold().replace(" ", "_").replace("-", "_")

    def date(self, column: str) -> dt.date | None:
        try:
            return parse_date(self.text(column), self.date_format)
        except ValueError:
            self.errors.append(
                FieldError(
                    (*self.locator, column),
                    _("This is not a date; write it as YYYY-MM-DD or DD/MM/YYYY."),
                )
            )
            return None

    def flag(self, column: str) -> bool:
        try:
            return parse_flag(self.text(column))
        except ValueError:
            self.errors.append(FieldError((*self.locator, column), _("Write yes or no.")))
            return False


def _member(cells: _Reader) -> MemberRecord:
    sex = cells.code("sex")
    documents: tuple[DocumentRecord, ...] = ()
    kind, number = cells.code("document_type"), cells.text("document_number")
    if kind or number:
        if not kind:
            cells.errors.append(
                FieldError((*cells.locator, "document_type"), _("Choose the type of the document."))
            )
        if not number:
            cells.errors.append(
                FieldError(
                    (*cells.locator, "document_number"), _("Give the number of the document.")
                )
            )
        documents = (DocumentRecord(kind, number, cells.text("document_country").upper()),)
    return MemberRecord(
        given_names=cells.text("given_names"),
        family_name_1=cells.text("family_name_1"),
        family_name_2=cells.text("family_name_2"),
        sex=SEX_ALIASES.get(sex, sex),
        nationality=cells.text("nationality").upper(),
        relationship=cells.code("relationship"),
        birth_date=cells.date("birth_date"),
        disability=cells.flag("disability"),
        pregnancy=cells.flag("pregnancy"),
        phone=cells.text("phone"),
        documents=documents,
        external_id=cells.text("member_id"),
    )


def parse_households(
    rows: list[tuple[Locator, dict[str, str]]],
    *,
    today: dt.date,
    date_format: str = "",
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[list[ParsedHousehold], list[FieldError]]:
    """Group the rows by ``household_id`` and read each household; return them and every
    problem found (a household with any problem is not returned).

    A row without ``household_id`` is a member without a household; a household's own
    columns (unit, status, arrival, address, vulnerability) must agree across its rows.
    """
    errors: list[FieldError] = []
    groups: dict[str, list[tuple[Locator, dict[str, str]]]] = {}
    for locator, row in rows:
        key = row.get("household_id", "").strip()
        if not key:
            errors.append(
                FieldError(
                    (*locator, "household_id"),
                    _("This person has no household: give the household_id."),
                )
            )
            continue
        groups.setdefault(key, []).append((locator, row))
    parsed: list[ParsedHousehold] = []
    done = 0
    for key, members in groups.items():
        first_locator, first = members[0]
        household_errors: list[FieldError] = []
        for locator, row in members[1:]:
            for column in HOUSEHOLD_COLUMNS:
                if (
                    row.get(column, "").strip()
                    and row.get(column, "").strip() != first.get(column, "").strip()
                ):
                    household_errors.append(
                        FieldError(
                            (*locator, column),
                            _("This differs from the household's first row (%(where)s).")
                            % {"where": " ".join(str(p) for p in first_locator)},
                        )
                    )
        head_cells = _Reader(first_locator, first, date_format)
        records, places = [], []
        roles: dict[str, int] = {}
        consent_day = head_cells.date("consent_date") or today
        for position, (locator, row) in enumerate(members):
            cells = _Reader(locator, row, date_format)
            records.append(_member(cells))
            places.append(locator)
            role = cells.code("collector")
            if role in {"primary", "alternate"}:
                if role in roles:
                    cells.errors.append(
                        FieldError((*locator, "collector"), _("Only one person has this role."))
                    )
                roles[role] = position
            elif role:
                cells.errors.append(
                    FieldError((*locator, "collector"), _("Write primary, alternate or nothing."))
                )
            household_errors += cells.errors
        if "primary" not in roles:
            head = next(
                (i for i, r in enumerate(records) if r.relationship == Relationship.HEAD), None
            )
            birth = records[head].birth_date if head is not None else None
            if head is not None and (birth is None or age_on(birth, today) >= 18):
                roles["primary"] = head
        vulnerability = tuple(
            v.strip().casefold().replace(" ", "_")
            for v in first.get("vulnerability", "").replace(",", ";").split(";")
            if v.strip()
        )
        record = HouseholdRecord(
            residence_status=head_cells.code("residence_status"),
            members=tuple(records),
            address=head_cells.text("address"),
            arrival_date=head_cells.date("arrival_date"),
            vulnerability=vulnerability,
            consents=(ConsentRecord(ConsentPurpose.REGISTRATION, consent_day),),
            primary_collector=roles.get("primary"),
            alternate_collector=roles.get("alternate"),
            external_id=key,
        )
        household_errors += head_cells.errors
        household_errors += check_household(record, first_locator, today=today, member_loc=places)
        if household_errors:
            errors += _unique(household_errors)
        else:
            parsed.append(
                ParsedHousehold(
                    key=key,
                    unit_code=head_cells.text("unit_code"),
                    record=record,
                    locators=places,
                    fingerprint=row_fingerprint([row for _, row in members]),
                )
            )
        done += len(members)
        if (
            progress is not None
            and done // PROGRESS_EVERY != (done - len(members)) // PROGRESS_EVERY
        ):
            progress(done, len(rows), _("Checking the rows."))
    return parsed, errors


def _unique(errors: list[FieldError]) -> list[FieldError]:
    seen, out = set(), []
    for error in errors:
        key = (error.loc, str(error.msg))
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out
