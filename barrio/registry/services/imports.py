"""Services that import households from files: check every row, summarise, apply at once.

An import is staged: the file is read and every row checked (each problem reported with its
row, column and reason); a dry-run summary says what would be added; only then, and only if
nothing is wrong, is everything written in one transaction. Households already imported
(same rows, by a keyed fingerprint) are skipped, so the same file twice adds nothing. Too
many probable duplicates (documents already registered, or repeated across households of
the file) abort the import.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, scope
from barrio.errors import FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.registry.choices import Relationship
from barrio.registry.imports.parse import (
    TEMPLATE_COLUMNS,
    MappingSpec,
    ParsedHousehold,
    apply_mapping,
    missing_columns,
    parse_households,
)
from barrio.registry.imports.readers import (
    Rows,
    file_format,
    read_csv,
    read_kobo,
    read_xlsx,
    rejected,
)
from barrio.registry.models import (
    ColumnMapping,
    Consent,
    Document,
    Household,
    ImportBatch,
    Member,
)
from barrio.registry.records import document_index
from barrio.registry.services.households import (
    document_build,
    local_today,
    member_build,
    registered_documents,
)
from barrio.registry.services.matching import batch_probably_registered
from barrio.territories.selectors import unit_list

if TYPE_CHECKING:
    from barrio.accounts.models import Programme
    from barrio.territories.models import TerritorialUnit

Progress = Callable[[int, int, str], None]
#: The template's sheet; a workbook that has it is read there.
TEMPLATE_SHEET = "personas"
#: At most this share of the people may be probable duplicates, unless told otherwise.
MAX_DUPLICATE_SHARE = 0.10
#: Problems kept on a batch for its page (the count is always complete).
ERRORS_KEPT = 1000
BATCH_SIZE = 2000


@dataclass
class ImportReport:
    """What an import found, and what it added (or would add, in a dry run)."""

    rows: int = 0
    households_new: int = 0
    people_new: int = 0
    households_already_imported: int = 0
    probable_duplicates: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The counts as plain data (for the batch, the job and the API)."""
        return asdict(self)


def _read(content: bytes, name: str, mapping: MappingSpec, sheet: str, repeat_group: str) -> Rows:
    kind = file_format(name)
    if kind == "xlsx":
        wanted = [mapping.columns.get(c, c) for c in ("household_id", "given_names")]
        return read_xlsx(content, sheet=sheet, wanted=wanted, default_sheet=TEMPLATE_SHEET)
    if kind == "kobo":
        return read_kobo(content, repeat_group=repeat_group)
    return read_csv(content)


def _mapping_data(mapping: ColumnMapping | None) -> MappingSpec:
    if mapping is None:
        return MappingSpec()
    return MappingSpec(
        columns=dict(mapping.columns), values=dict(mapping.values), date_format=mapping.date_format
    )


def _units(
    actor: User | AnonymousUser | None, programme: Programme
) -> tuple[dict[str, TerritorialUnit], set[str]]:
    """The programme's units by code, and the codes outside the actor's scope."""
    units: dict[str, TerritorialUnit] = {}
    ambiguous: set[str] = set()
    for unit in unit_list(within=list(programme.units.all())):
        if unit.code in units:
            ambiguous.add(unit.code)
        units[unit.code] = unit
    outside: set[str] = set()
    if actor is not None:
        own = scope(actor, Action.PERSONAL_DATA_CHANGE, programme)
        outside = {code for code, unit in units.items() if not own.covers(unit)}
    return {c: u for c, u in units.items() if c not in ambiguous}, outside | ambiguous


def household_import(
    *,
    actor: User | AnonymousUser | None,
    programme: Programme,
    content: bytes,
    file_name: str,
    mapping: ColumnMapping | None = None,
    sheet: str = "",
    dry_run: bool = False,
    max_duplicate_share: float = MAX_DUPLICATE_SHARE,
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the households of a file (XLSX, CSV or KoboToolbox JSON); all or nothing.

    ``actor`` must change personal data in the programme, and every household must lie in
    a unit where they may; ``None`` is the server's own command line. Raises
    :class:`ValidationFailed` (code ``rejected_file``, ``invalid_rows`` or
    ``too_many_duplicates``) with every problem; nothing is written then, nor in a dry run.
    """
    if actor is not None:
        if not actor.is_authenticated:
            raise NotAuthenticated()
        if scope(actor, Action.PERSONAL_DATA_CHANGE, programme).is_empty:
            raise PermissionDenied()
    report_progress = progress or (lambda done, total, message: None)
    map_data = _mapping_data(mapping)
    report_progress(0, 1, _("Reading the file."))
    rows = _read(
        content,
        file_name,
        map_data,
        sheet or (mapping.sheet if mapping else ""),
        mapping.repeat_group if mapping else "",
    )
    header, mapped = apply_mapping(rows, map_data)
    missing = missing_columns(header)
    if missing:
        raise rejected(
            _("The file lacks columns of the template; use a column mapping."),
            [FieldError(("column", c), _("This column is required.")) for c in missing],
        )
    today = local_today(programme)
    parsed, errors = parse_households(
        mapped, today=today, date_format=map_data.date_format, progress=report_progress
    )
    units, outside = _units(actor, programme)
    for household in parsed:
        code = household.unit_code
        if code not in units or code in outside:
            message = (
                _("You may not register households in this unit.")
                if code in outside and code in units
                else _("No unit of the programme's territory has this code.")
            )
            errors.append(FieldError((*household.locators[0], "unit_code"), message))
    report = ImportReport(rows=len(mapped))
    if errors:
        raise _invalid(errors)
    known = set(
        Household.objects.filter(
            programme=programme, source_fingerprint__in=[h.fingerprint for h in parsed]
        ).values_list("source_fingerprint", flat=True)
    )
    fresh = [h for h in parsed if h.fingerprint not in known]
    report.households_already_imported = len(parsed) - len(fresh)
    report.households_new = len(fresh)
    report.people_new = sum(len(h.record.members) for h in fresh)
    report.by_status = dict(Counter(h.record.residence_status for h in fresh))
    report.probable_duplicates = _probable_duplicates(programme, fresh)
    if report.people_new and report.probable_duplicates > max_duplicate_share * report.people_new:
        raise _invalid(
            [
                FieldError(
                    ("file",),
                    _(
                        "%(count)s of %(people)s people are probably registered already; "
                        "at most %(share)s%% may be. Check the file against the registry."
                    )
                    % {
                        "count": report.probable_duplicates,
                        "people": report.people_new,
                        "share": round(max_duplicate_share * 100),
                    },
                )
            ],
            code="too_many_duplicates",
        )
    if dry_run:
        return report
    with transaction.atomic():
        _write(actor, programme, units, fresh, batch, report_progress)
    report.applied = True
    return report


def _invalid(errors: list[FieldError], code: str = "invalid_rows") -> ValidationFailed:
    message = _("%(count)s problems in the file; nothing was imported.") % {"count": len(errors)}
    return ValidationFailed(message, errors=errors, code=code)


def _probable_duplicates(programme: Programme, households: list[ParsedHousehold]) -> int:
    """People whose document (type, number, country) is registered already, or repeated in
    another household of the file (the exact rule), or whom the matcher links to someone
    registered (splink's incremental linking, when the registry is large enough to train
    it): counted before anything is written."""
    people = [(m, h.unit_code) for h in households for m in h.record.members]
    linked, _skipped = batch_probably_registered(programme, people)
    documents = [d for h in households for m in h.record.members for d in m.documents]
    registered = registered_documents(programme, documents) if documents else {}
    owners: dict[tuple[str, str, str], set[str]] = {}
    for household in households:
        for member in household.record.members:
            for d in member.documents:
                owners.setdefault((d.type, d.country, document_index(d.number)), set()).add(
                    household.key
                )
    count = 0
    position = 0
    for household in households:
        for member in household.record.members:
            keys = [(d.type, d.country, document_index(d.number)) for d in member.documents]
            if position in linked or any(k in registered or len(owners[k]) > 1 for k in keys):
                count += 1
            position += 1
    return count


def _write(
    actor: User | AnonymousUser | None,
    programme: Programme,
    units: dict[str, TerritorialUnit],
    households: list[ParsedHousehold],
    batch: ImportBatch | None,
    progress: Progress,
) -> None:
    """Write the households, people, documents, roles and consents in bulk."""
    user = actor if isinstance(actor, User) else None
    total = len(households)
    for start in range(0, total, BATCH_SIZE):
        chunk = households[start : start + BATCH_SIZE]
        saved = Household.objects.bulk_create(
            [
                Household(
                    programme=programme,
                    unit=units[h.unit_code],
                    external_id=h.key[:100],
                    address=h.record.address,
                    residence_status=h.record.residence_status,
                    arrival_date=h.record.arrival_date,
                    vulnerability=sorted(set(h.record.vulnerability)),
                    source_fingerprint=h.fingerprint,
                    import_batch=batch,
                    created_by=user,
                )
                for h in chunk
            ]
        )
        members = [
            [member_build(household, m) for m in parsed.record.members]
            for household, parsed in zip(saved, chunk, strict=True)
        ]
        Member.objects.bulk_create([m for group in members for m in group])
        Document.objects.bulk_create(
            [
                document_build(member, document)
                for group, parsed in zip(members, chunk, strict=True)
                for member, record in zip(group, parsed.record.members, strict=True)
                for document in record.documents
            ]
        )
        consents = []
        for household, group, parsed in zip(saved, members, chunk, strict=True):
            record = parsed.record
            household.head = next(m for m in group if m.relationship == Relationship.HEAD)
            if record.primary_collector is not None:
                household.primary_collector = group[record.primary_collector]
            if record.alternate_collector is not None:
                household.alternate_collector = group[record.alternate_collector]
            consents += [
                Consent(
                    household=household,
                    purpose=c.purpose,
                    given_on=c.given_on,
                    recorded_by=user,
                )
                for c in record.consents
            ]
        Household.objects.bulk_update(saved, ["head", "primary_collector", "alternate_collector"])
        Consent.objects.bulk_create(consents)
        done = min(start + BATCH_SIZE, total)
        progress(done, total, _("Writing the households."))


def batch_fingerprint(content: bytes) -> str:
    """The SHA-256 of a file's bytes (it names the file, it cannot reveal its rows)."""
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def import_batch_create(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    content: bytes,
    file_name: str,
    mapping: ColumnMapping | None = None,
) -> ImportBatch:
    """Keep a file sent from the import page (encrypted) until a task worker imports it."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if scope(actor, Action.PERSONAL_DATA_CHANGE, programme).is_empty:
        raise PermissionDenied()
    if mapping is not None and mapping.programme_id != programme.pk:
        raise ValidationFailed(errors=[FieldError(("mapping",), _("Unknown column mapping."))])
    return ImportBatch.objects.create(
        programme=programme,
        file_name=file_name[:200],
        format=file_format(file_name),
        mapping=mapping,
        fingerprint=batch_fingerprint(content),
        payload=base64.b64encode(content).decode("ascii"),
        created_by=actor if isinstance(actor, User) else None,
    )


def import_batch_run(
    *, batch: ImportBatch, actor: User | AnonymousUser | None, apply: bool, progress: Progress
) -> ImportReport:
    """Check (``apply`` false) or apply a batch; record its summary or its problems.

    The file is decrypted in memory only; once applied or rejected it is dropped.
    """
    content = base64.b64decode(batch.payload) if batch.payload else b""
    if apply and batch.status != ImportBatch.Status.CHECKED:
        raise ValidationFailed(
            _("Check the file first; only a checked import is applied."), code="not_checked"
        )
    try:
        report = household_import(
            actor=actor,
            programme=batch.programme,
            content=content,
            file_name=batch.file_name,
            mapping=batch.mapping,
            dry_run=not apply,
            batch=batch,
            progress=progress,
        )
    except ValidationFailed as error:
        batch.status = ImportBatch.Status.REJECTED
        batch.errors = [e.as_dict() for e in error.errors[:ERRORS_KEPT]]
        batch.summary = {"problems": len(error.errors), "message": str(error.message)}
        batch.payload = ""
        batch.save(update_fields=["status", "errors", "summary", "payload"])
        raise
    batch.summary = report.as_dict()
    if apply:
        batch.status = ImportBatch.Status.APPLIED
        batch.applied_at = timezone.now()
        batch.payload = ""
    else:
        batch.status = ImportBatch.Status.CHECKED
    batch.save(update_fields=["status", "summary", "applied_at", "payload"])
    return report


MAPPING_KEYS = set(TEMPLATE_COLUMNS)


@transaction.atomic
def column_mapping_save(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    name: str,
    columns: dict[str, str],
    values: dict[str, dict[str, str]] | None = None,
    date_format: str = "",
    sheet: str = "",
    repeat_group: str = "",
    description: str = "",
) -> ColumnMapping:
    """Save (create or replace) the column mapping ``name`` of another agency's files.

    Raises :class:`ValidationFailed` for a column that is not the template's, a column
    given twice, a date format that reads no date, or a name that is not a short slug.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if scope(actor, Action.PERSONAL_DATA_CHANGE, programme).is_empty:
        raise PermissionDenied()
    errors = []
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,59}", name):
        errors.append(FieldError(("name",), _("A name is a short slug, e.g. acnur-2025.")))
    values = values or {}
    for column in [*columns, *values]:
        if column not in MAPPING_KEYS:
            errors.append(
                FieldError(("columns", column), _("This is not a column of the template."))
            )
    sources = [s for s in columns.values() if s]
    if len(sources) != len(set(sources)):
        errors.append(FieldError(("columns",), _("A column of the file is mapped twice.")))
    if date_format:
        try:
            dt.datetime.strptime(dt.date(2001, 2, 3).strftime(date_format), date_format)
        except ValueError:
            errors.append(FieldError(("date_format",), _("This date format reads no date.")))
    if errors:
        raise ValidationFailed(errors=errors)
    mapping, _created = ColumnMapping.objects.update_or_create(
        programme=programme,
        name=name,
        defaults={
            "columns": {k: v for k, v in columns.items() if v},
            "values": values,
            "date_format": date_format,
            "sheet": sheet,
            "repeat_group": repeat_group,
            "description": description,
            "created_by": actor if isinstance(actor, User) else None,
        },
    )
    return mapping
