"""The census list of a vote: imported from a CSV or XLSX file, checked whole first.

Every row is checked before anything is written; one wrong cell refuses the whole file with a
report of each problem by row and column, and nothing is stored. A document already on the
list with the same date of birth is left as it is, so importing the same file again adds
nothing; with another date of birth it is a problem of that row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action
from barrio.crypto import blind_index, normalise
from barrio.errors import Conflict, FieldError, ValidationFailed
from barrio.participation.models import CensusEntry, Election, PendingImport
from barrio.participation.services.imports import Progress, import_start
from barrio.participation.services.votes import require_manager
from barrio.territories.selectors import unit_list
from barrio.territories.tables import read_table

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.core.files.uploadedfile import UploadedFile

    from barrio.jobs.models import Job

__all__ = [
    "CENSUS_COLUMNS",
    "CensusImport",
    "census_import",
    "census_import_start",
    "document_index",
    "parse_birth_date",
]

#: The columns of a census file and the other names they are recognised by.
CENSUS_COLUMNS: dict[str, tuple[str, ...]] = {
    "document_type": ("tipo_documento", "tipo_de_documento", "tipo"),
    "document_number": ("numero_documento", "numero_de_documento", "documento"),
    "birth_date": ("fecha_nacimiento", "fecha_de_nacimiento"),
    "phone": ("telefono", "celular"),
    "email": ("correo", "correo_electronico", "e-mail"),
    "unit_code": ("codigo_unidad", "unidad", "colonia"),
}
REQUIRED = ("document_type", "document_number", "birth_date")
DOCUMENT_PURPOSE = "participation.census.document"
EARLIEST_BIRTH = dt.date(1900, 1, 1)
PHONE = re.compile(r"^\+?[0-9]{7,15}$")
#: Rows checked or written between two reports of progress.
STEP = 2000


@dataclass(frozen=True)
class CensusImport:
    """What an import did: the rows read, the people added and those already on the list."""

    rows: int
    added: int
    unchanged: int


def document_index(number: str) -> str:
    """The blind index of a document number (case, accents, spaces and dashes folded)."""
    return blind_index(number, purpose=DOCUMENT_PURPOSE)


def parse_birth_date(text: str) -> dt.date | None:
    """Read ``1980-05-31`` or ``31/05/1980``; ``None`` when it is neither."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _columns(header: list[str]) -> tuple[dict[str, str], list[FieldError]]:
    """Map our column names to the file's; report required columns that are missing."""
    found: dict[str, str] = {}
    for name in header:
        key = normalise(name)
        for column, aliases in CENSUS_COLUMNS.items():
            if key in {normalise(column), *(normalise(a) for a in aliases)}:
                found.setdefault(column, name)
    missing = [FieldError(("row", 1, column), _("This column is missing.")) for column in REQUIRED]
    return found, [e for e in missing if e.loc[2] not in found]


@dataclass
class _Row:
    number: int
    document_type: str
    document_number: str
    index: str
    birth_date: dt.date
    phone: str
    email: str
    unit_id: int | None


def _check_row(
    number: int,
    cells: dict[str, str],
    columns: dict[str, str],
    units: dict[str, int],
    today: dt.date,
) -> tuple[_Row | None, list[FieldError]]:
    def cell(column: str) -> str:
        return cells.get(columns[column], "").strip() if column in columns else ""

    errors: list[FieldError] = []

    def problem(column: str, message: str) -> None:
        errors.append(FieldError(("row", number, column), message))

    kind, document = cell("document_type"), cell("document_number")
    if not kind:
        problem("document_type", _("Write the type of document."))
    elif len(kind) > 30:
        problem("document_type", _("Write at most 30 characters."))
    if not normalise(document):
        problem("document_number", _("Write the document number."))
    elif len(document) > 40:
        problem("document_number", _("Write at most 40 characters."))
    born = parse_birth_date(cell("birth_date"))
    if born is None:
        problem("birth_date", _("Write the date of birth as 1980-05-31 or 31/05/1980."))
    elif not EARLIEST_BIRTH <= born <= today:
        problem("birth_date", _("This date of birth is not possible."))
    phone = re.sub(r"[\s().-]", "", cell("phone"))
    if phone and not PHONE.match(phone):
        problem("phone", _("Write the phone with 7 to 15 digits."))
    email = cell("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem("email", _("This is not an e-mail address."))
    code = cell("unit_code")
    unit_id = units.get(code) if code else None
    if code and unit_id is None:
        problem("unit_code", _("There is no unit with this code in the programme."))
    if errors or born is None:
        return None, errors
    row = _Row(number, kind, document, document_index(document), born, phone, email, unit_id)
    return row, []


def _check_against_list(
    election: Election, rows: list[_Row], errors: list[FieldError]
) -> list[_Row]:
    """Report documents repeated in the file or on the list with another date of birth;
    return the rows that are new."""
    first: dict[str, _Row] = {}
    for row in rows:
        earlier = first.setdefault(row.index, row)
        if earlier is not row:
            errors.append(
                FieldError(
                    ("row", row.number, "document_number"),
                    _("This document is also in row %(row)s.") % {"row": earlier.number},
                )
            )
    known: dict[str, dt.date] = {}
    indexes = list(first)
    for start in range(0, len(indexes), 5000):
        for entry in CensusEntry.objects.filter(
            election=election, document_index__in=indexes[start : start + 5000]
        ).only("document_index", "birth_date"):
            known[entry.document_index] = entry.birth_date
    new = []
    for index, row in first.items():
        if index not in known:
            new.append(row)
        elif known[index] != row.birth_date:
            errors.append(
                FieldError(
                    ("row", row.number, "birth_date"),
                    _("This document is already on the census with another date of birth."),
                )
            )
    return new


def _log_census_growth(user: User, election: Election, *, added: int) -> None:
    """Keep one audit entry on the vote for an import: who added how many people.

    The census's rows are written in bulk, without an entry each (``docs/voting.md``); the
    entry names no person, only how long the list was before and after.
    """
    before = CensusEntry.objects.filter(election=election).count()
    LogEntry.objects.log_create(
        election,
        action=LogEntry.Action.UPDATE,
        actor=user,
        changes={"census": [str(before), str(before + added)]},
    )


def _require_census_vote(actor: User | AnonymousUser, election: Election) -> User:
    user = require_manager(actor, election.call, Action.VOTE_MANAGE)
    if election.validation != Election.Validation.CENSUS:
        raise Conflict(_("This vote does not use a census list."), code="not_a_census_vote")
    if election.status not in (Election.Status.DRAFT, Election.Status.OPEN):
        raise Conflict(_("The census of a closed vote cannot change."), code="vote_closed")
    return user


def census_import(
    *,
    actor: User | AnonymousUser,
    election: Election,
    path: Path,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> CensusImport:
    """Add the people of a census file (``.csv`` or ``.xlsx``) to a census vote's list.

    Every row is checked first (reading only); then the new people are written in one
    transaction, after checking the list again inside it.

    Parameters
    ----------
    actor
        A programme manager.
    election
        A vote validated by census list, not yet closed.
    path
        The file: columns ``document_type``, ``document_number``, ``birth_date`` and,
        optionally, ``phone``, ``email`` and ``unit_code`` (Spanish names are recognised).
    today
        The date births are checked against (default: today).
    progress
        Told each step (done, total, message): the rows checked, then the rows written,
        on one scale of twice the rows.

    Returns
    -------
    CensusImport
        How many rows were read, added and already on the list.

    Raises
    ------
    PermissionDenied
        When ``actor`` does not manage the programme's votes.
    Conflict
        For a vote not validated by census list, or one already closed.
    ValidationFailed
        With one error per wrong cell, located as ``("row", number, column)``; then
        nothing is stored.
    """
    report = progress or (lambda done, total, message: None)
    user = _require_census_vote(actor, election)
    report(0, 1, _("Reading the file."))
    table = read_table(path)
    columns, errors = _columns(table.header)
    if errors:
        raise ValidationFailed(errors=errors, code="census_rejected")
    programme_units = election.call.programme.units.all()
    units = {unit.code: unit.pk for unit in unit_list(within=programme_units)}
    today = today or dt.date.today()
    rows: list[_Row] = []
    total = 2 * len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        row, problems = _check_row(number, cells, columns, units, today)
        errors.extend(problems)
        if row is not None:
            rows.append(row)
        if done % STEP == 0:
            report(done, total, _("Checking the rows."))
    report(len(table.rows), total, _("Checking the rows."))
    with transaction.atomic():
        new = _check_against_list(election, rows, errors)
        if errors:
            errors.sort(key=lambda e: (e.loc[1], str(e.loc[2])))
            raise ValidationFailed(errors=errors, code="census_rejected")
        if new:
            _log_census_growth(user, election, added=len(new))
        for start in range(0, len(new), STEP):
            CensusEntry.objects.bulk_create(
                CensusEntry(  # type: ignore[misc]  # birth_date: an encrypted date field
                    election=election,
                    document_type=row.document_type,
                    document_number=row.document_number,
                    document_index=row.index,
                    birth_date=row.birth_date,
                    phone=row.phone,
                    email=row.email,
                    unit_id=row.unit_id,
                    row=row.number,
                )
                for row in new[start : start + STEP]
            )
            written = min(start + STEP, len(new))
            report(len(table.rows) + written * len(table.rows) // len(new), total, _("Writing."))
    report(total, total, _("Done."))
    return CensusImport(rows=len(table.rows), added=len(new), unchanged=len(rows) - len(new))


def census_import_start(
    *, actor: User | AnonymousUser, election: Election, upload: UploadedFile
) -> Job:
    """Check who sends a census file and keep it for a task worker (see
    :func:`census_import`); return the job whose page shows its progress and outcome.

    Raises as :func:`census_import` does for the sender and the vote, and
    :class:`ValidationFailed` on ``file`` for a file that is not CSV or XLSX; the rows are
    checked by the job.
    """
    from barrio.participation.tasks import import_census_file

    user = _require_census_vote(actor, election)
    return import_start(
        actor=user,
        election=election,
        kind=PendingImport.Kind.CENSUS,
        upload=upload,
        options={},
        title=_("Census import of %(file)s") % {"file": upload.name},
        task=import_census_file,
    )
