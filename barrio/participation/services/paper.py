"""Paper ballots of a polling station, typed in twice by two officials and compared.

A station's paper ballots in a pot come as a CSV or XLSX table, in one of two forms:

- **sheets**: one row per ballot sheet: ``station``, ``sheet`` (its number or label) and a
  column per project (headed by the proposal's reference or id) holding ``1`` (or ``x``)
  for a chosen project, the points given, or the rank; an empty row is a blank sheet;
- **counts**: one row: ``station``, ``sheets`` (how many sheets were in the box) and a
  column per project holding its votes. Only for approval and basket ballots decided by a
  rule that adds votes up (the greedy family): totals cannot become the individual ballots
  the Method of Equal Shares or Phragmén need.

The whole table is checked first: an unknown station or project, a sheet over the ballot's
limits, a negative count or more votes than sheets is a ``{row, column, message}`` error
and nothing is stored. The first entry is kept; the second, by another official, is
compared with it. Agreeing sheets become anonymous ballots at once; every disagreement
(sheet, project, first value, second value) waits for a supervisor
(:func:`paper_tally_resolve`), a programme manager who typed neither entry.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action
from barrio.bulk import bulk_insert
from barrio.errors import Conflict, FieldError, ValidationFailed
from barrio.participation.models import (
    AllocationRule,
    Ballot,
    BallotChoice,
    BallotItem,
    BallotKind,
    Election,
    PaperEntry,
    PaperKind,
    PaperTally,
    PendingImport,
    PollingStation,
    Pot,
)
from barrio.participation.services.ballots import Choice, check_choices
from barrio.participation.services.imports import Progress, import_start
from barrio.participation.services.stations import require_official, station_pot
from barrio.participation.services.votes import require_manager
from barrio.territories.tables import Table, read_table

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.core.files.uploadedfile import UploadedFile

    from barrio.jobs.models import Job

__all__ = [
    "COUNTABLE_RULES",
    "count_rule_errors",
    "paper_entry_import",
    "paper_entry_import_start",
    "paper_tally_resolve",
]

#: Rules that only add votes up: the only ones that may count totals without sheets.
COUNTABLE_RULES = frozenset(
    {AllocationRule.GREEDY, AllocationRule.GREEDY_NO_SKIP, AllocationRule.GREEDY_THRESHOLD}
)
#: Sheets: ``{sheet label: {proposal id: value}}``; totals: ``{proposal id: votes}``.
Sheets = dict[str, dict[int, int]]
MARKS = {"x", "X", "✓", "✔"}
#: Sheets checked between two reports of progress.
STEP = 2000


def count_rule_errors(election: Election, rule: str) -> list[FieldError]:
    """Refuse a rule that needs individual ballots on a vote with totals counted."""
    if rule in COUNTABLE_RULES:
        return []
    if not PaperTally.objects.filter(pot__election=election, kind=PaperKind.COUNTS).exists():
        return []
    return [
        FieldError(
            ("rule",),
            _(
                "Some stations gave only totals per project; only the greedy rules can count "
                "them. Import their ballot sheets to use this rule."
            ),
        )
    ]


def _columns(table: Table, pot: Pot, kind: str) -> tuple[list[FieldError], dict[str, BallotItem]]:
    """Check the header: the fixed columns and a known project in every other column."""
    fixed = ("station", "sheet") if kind == PaperKind.SHEETS else ("station", "sheets")
    errors = [
        FieldError(("row", 1, name), _("The table needs this column."))
        for name in fixed
        if name not in table.header
    ]
    items = list(pot.items.select_related("proposal"))
    by_name: dict[str, BallotItem] = {}
    for item in items:
        by_name[str(item.proposal_id)] = item
        if item.proposal.reference:
            by_name[item.proposal.reference.strip().casefold()] = item
    columns: dict[str, BallotItem] = {}
    for name in table.header:
        if name in fixed:
            continue
        found = by_name.get(name.strip().casefold())
        if found is None:
            errors.append(
                FieldError(("row", 1, name), _("No project of this ballot has this reference."))
            )
        elif found in columns.values():
            errors.append(FieldError(("row", 1, name), _("This project has two columns.")))
        else:
            columns[name] = found
    return errors, columns


def _station_errors(
    station: PollingStation, number: int, value: str, codes: set[str]
) -> list[FieldError]:
    if value == station.code:
        return []
    where = ("row", number, "station")
    if value in codes:
        return [FieldError(where, _("This row is of another station; import it there."))]
    return [FieldError(where, _("No polling station of this vote has this code."))]


def _number(text: str) -> int | None:
    text = text.strip()
    if text in MARKS:
        return 1
    try:
        return int(text)
    except ValueError:
        return None


def _read_sheets(
    table: Table, station: PollingStation, pot: Pot, codes: set[str], report: Progress
) -> tuple[list[FieldError], Sheets]:
    election = pot.election
    errors, columns = _columns(table, pot, PaperKind.SHEETS)
    if errors:
        return errors, {}
    items = {item.proposal_id: item for item in columns.values()}
    sheets: Sheets = {}
    first_row: dict[str, int] = {}
    for done, (number, row) in enumerate(table.rows, start=1):
        if done % STEP == 0:
            report(done, 2 * len(table.rows), _("Checking the sheets."))
        errors += _station_errors(station, number, row.get("station", ""), codes)
        label = row.get("sheet", "").strip()
        if not label:
            errors.append(FieldError(("row", number, "sheet"), _("Give the sheet's number.")))
            continue
        if label in first_row:
            errors.append(
                FieldError(
                    ("row", number, "sheet"),
                    _("This sheet is also in row %(row)s.") % {"row": first_row[label]},
                )
            )
            continue
        first_row[label] = number
        chosen: dict[int, int] = {}
        names: list[str] = []
        bad = False
        for name, item in columns.items():
            text = row.get(name, "").strip()
            if not text or text == "0":
                continue
            value = _number(text)
            if value is None or value < 0:
                errors.append(
                    FieldError(("row", number, name), _("Write a whole number, x, or nothing."))
                )
                bad = True
                continue
            chosen[item.proposal_id] = value
            names.append(name)
        if bad:
            continue
        if chosen:
            choices = [Choice(pid, value) for pid, value in chosen.items()]
            problems, _ok = check_choices(election, pot, choices, items)
            for problem in problems:
                at = problem.loc[1] if len(problem.loc) > 1 else None
                column = names[at] if isinstance(at, int) else "sheet"
                errors.append(FieldError(("row", number, column), problem.msg))
        sheets[label] = chosen
    return errors, sheets


def _read_counts(
    table: Table, station: PollingStation, pot: Pot, codes: set[str]
) -> tuple[list[FieldError], int, dict[int, int]]:
    election = pot.election
    errors: list[FieldError] = []
    if election.ballot_kind not in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        errors.append(
            FieldError(("kind",), _("Totals are taken only for approval and basket ballots."))
        )
    if election.rule not in COUNTABLE_RULES:
        errors.append(
            FieldError(
                ("kind",),
                _(
                    "This vote's rule needs every ballot, not totals: import the ballot "
                    "sheets instead."
                ),
            )
        )
    if errors:
        return errors, 0, {}
    errors, columns = _columns(table, pot, PaperKind.COUNTS)
    if errors:
        return errors, 0, {}
    if len(table.rows) != 1:
        return [FieldError(("row", 2, "station"), _("Give the totals in exactly one row."))], 0, {}
    number, row = table.rows[0]
    errors += _station_errors(station, number, row.get("station", ""), codes)
    sheets = _number(row.get("sheets", ""))
    if sheets is None or sheets < 0:
        errors.append(
            FieldError(("row", number, "sheets"), _("Write how many sheets were in the box."))
        )
        sheets = None
    counts: dict[int, int] = {}
    for name, item in columns.items():
        votes = _number(row.get(name, "") or "0")
        where = ("row", number, name)
        if votes is None or votes < 0:
            errors.append(FieldError(where, _("Write the votes as a whole number, 0 or more.")))
        elif sheets is not None and votes > sheets:
            errors.append(
                FieldError(
                    where,
                    _("%(votes)s votes, more than the %(sheets)s sheets.")
                    % {"votes": votes, "sheets": sheets},
                )
            )
        else:
            counts[item.proposal_id] = votes
    if errors or sheets is None:
        return errors, 0, {}
    total = sum(counts.values())
    if election.max_choices is not None and total > sheets * election.max_choices:
        errors.append(
            FieldError(
                ("row", number, "sheets"),
                _(
                    "%(total)s votes in all, more than %(sheets)s sheets of up to %(limit)s "
                    "projects each can hold."
                )
                % {"total": total, "sheets": sheets, "limit": election.max_choices},
            )
        )
    if election.ballot_kind == BallotKind.KNAPSACK:
        costs = {item.proposal_id: item.cost_cents for item in columns.values()}
        spent = sum(costs[pid] * votes for pid, votes in counts.items())
        if spent > sheets * pot.budget_cents:
            errors.append(
                FieldError(
                    ("row", number, "sheets"),
                    _("These totals spend more than the budget on each of the sheets."),
                )
            )
    return errors, sheets, counts


def _sheets_json(sheets: Sheets) -> list[list[Any]]:
    return [[label, {str(pid): v for pid, v in chosen.items()}] for label, chosen in sheets.items()]


def _sheets_of(content: list[list[Any]]) -> Sheets:
    return {
        str(label): {int(pid): int(v) for pid, v in chosen.items()} for label, chosen in content
    }


def _receipts(station: PollingStation, count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(f"S{station.pk}-{secrets.token_hex(6).upper()}")
    return list(codes)


def _store_ballots(station: PollingStation, pot: Pot, sheets: Sequence[dict[int, int]]) -> int:
    """Store the non-blank sheets as anonymous ballots; return how many were stored."""
    filled = [chosen for chosen in sheets if chosen]
    if not filled:
        return 0
    items = dict(pot.items.values_list("proposal_id", "pk"))
    ids: set[int] = set()
    while len(ids) < len(filled):
        ids.add(secrets.randbits(62) + 1)
    ballot_ids = list(ids)
    try:
        bulk_insert(
            Ballot,
            ["id", "pot", "receipt"],
            zip(ballot_ids, [pot.pk] * len(filled), _receipts(station, len(filled)), strict=True),
        )
    except IntegrityError:  # a random id or receipt met an earlier one: vanishingly rare
        raise Conflict(_("Please send the entry again."), code="retry") from None
    bulk_insert(
        BallotChoice,
        ["ballot", "item", "value"],
        (
            (ballot_id, items[pid], value)
            for ballot_id, chosen in zip(ballot_ids, filled, strict=True)
            for pid, value in chosen.items()
        ),
    )
    return len(filled)


def _compare_sheets(first: Sheets, second: Sheets) -> list[dict[str, Any]]:
    disagreements: list[dict[str, Any]] = []
    for label in list(first) + [s for s in second if s not in first]:
        one, two = first.get(label), second.get(label)
        if one == two:
            continue
        if one is None or two is None:
            disagreements.append(
                {
                    "sheet": label,
                    "project": None,
                    "first": None if one is None else "present",
                    "second": None if two is None else "present",
                }
            )
            continue
        for pid in sorted(set(one) | set(two)):
            if one.get(pid, 0) != two.get(pid, 0):
                disagreements.append(
                    {
                        "sheet": label,
                        "project": pid,
                        "first": one.get(pid, 0),
                        "second": two.get(pid, 0),
                    }
                )
    return disagreements


def _compare(
    station: PollingStation, pot: Pot, first: PaperEntry, second: PaperEntry
) -> PaperTally:
    """Compare the two entries; count what agrees; keep the disagreements."""
    if first.kind == PaperKind.SHEETS:
        one, two = _sheets_of(first.content), _sheets_of(second.content)
        disagreements = _compare_sheets(one, two)
        disputed = {d["sheet"] for d in disagreements}
        agreed = [chosen for label, chosen in one.items() if label not in disputed]
        _store_ballots(station, pot, agreed)
        return PaperTally.objects.create(
            station=station,
            pot=pot,
            kind=first.kind,
            status=PaperTally.Status.DISPUTED if disagreements else PaperTally.Status.COUNTED,
            disagreements=disagreements,
            sheets=len(one),
            counted=len(agreed),
        )
    disagreements = []
    if first.sheets != second.sheets:
        disagreements.append(
            {"sheet": None, "project": "sheets", "first": first.sheets, "second": second.sheets}
        )
    for pid in sorted(set(first.content) | set(second.content), key=int):
        a, b = first.content.get(pid, 0), second.content.get(pid, 0)
        if a != b:
            disagreements.append({"sheet": None, "project": int(pid), "first": a, "second": b})
    return PaperTally.objects.create(
        station=station,
        pot=pot,
        kind=first.kind,
        status=PaperTally.Status.DISPUTED if disagreements else PaperTally.Status.COUNTED,
        disagreements=disagreements,
        counts={} if disagreements else first.content,
        sheets=first.sheets,
        counted=0 if disagreements else first.sheets,
    )


def _open_for_paper(election: Election) -> None:
    if election.status not in (Election.Status.OPEN, Election.Status.CLOSED):
        raise Conflict(
            _("Paper ballots are entered while the vote is open or closed, before its results."),
            code="not_counting",
        )


def _entry_of(
    actor: User | AnonymousUser, station: PollingStation, pot: Pot, kind: str
) -> tuple[PollingStation, Pot, User]:
    """Check who enters which station's ballots, and when; return the station (with its
    vote), the station's pot and the official."""
    station = PollingStation.objects.select_related("election__call__programme", "unit").get(
        pk=station.pk
    )
    official = require_official(actor, station)
    election = station.election
    _open_for_paper(election)
    pot = station_pot(station, pot)
    pot.election = election
    if kind not in PaperKind.values:
        raise ValidationFailed(errors=[FieldError(("kind",), _("Choose sheets or totals."))])
    return station, pot, official


def _entries_so_far(
    station: PollingStation, pot: Pot, official: User, kind: str, *, lock: bool
) -> list[PaperEntry]:
    """The entries already in; refuse a third, a second by the same official or of the
    other kind."""
    found = PaperEntry.objects.filter(station=station, pot=pot)
    entries = list(found.select_for_update(of=("self",)) if lock else found)
    if len(entries) >= 2:
        raise Conflict(_("Both entries of this station are in."), code="entered_twice")
    if entries and entries[0].entered_by_id == official.pk:
        raise Conflict(_("The second entry is typed by another official."), code="same_official")
    if entries and entries[0].kind != kind:
        raise Conflict(
            _("The first entry was of the other kind; enter the same kind."), code="other_kind"
        )
    return entries


def paper_entry_import(
    *,
    actor: User | AnonymousUser,
    station: PollingStation,
    pot: Pot,
    kind: str,
    path: Path,
    file_name: str = "",
    progress: Progress | None = None,
) -> tuple[PaperEntry, PaperTally | None]:
    """Take one official's entry of a station's paper ballots in ``pot`` from a table.

    The whole table is checked first (reading only); then, in one transaction, the entry
    is stored and the second entry, by another official, is compared with the first at
    once and the agreeing sheets (or agreeing totals) are counted. ``progress``, when
    given, is told each step (done, total, message).

    Returns
    -------
    (PaperEntry, PaperTally or None)
        The entry, and the comparison once both entries are in.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` is an official of the station.
    Conflict
        Outside the counting (``not_counting``), both entries already in (``entered_twice``),
        the second entry by the first's official (``same_official``) or of the other kind
        (``other_kind``).
    ValidationFailed
        A ``{row, column, message}`` error per problem of the table; nothing is stored.
    """
    report = progress or (lambda done, total, message: None)
    station, pot, official = _entry_of(actor, station, pot, kind)
    election = station.election
    _entries_so_far(station, pot, official, kind, lock=False)  # refuse before reading
    report(0, 1, _("Reading the file."))
    table = read_table(path)
    codes = set(PollingStation.objects.filter(election=election).values_list("code", flat=True))
    content: Any
    if kind == PaperKind.SHEETS:
        errors, sheets = _read_sheets(table, station, pot, codes, report)
        count, content = len(sheets), _sheets_json(sheets)
    else:
        errors, count, counts = _read_counts(table, station, pot, codes)
        content = {str(pid): votes for pid, votes in counts.items()}
    if errors:
        raise ValidationFailed(errors=errors[:200], code="bad_table")
    steps = 2 * len(table.rows)
    report(len(table.rows), steps, _("Counting the ballots."))
    with transaction.atomic():
        entries = _entries_so_far(station, pot, official, kind, lock=True)
        try:
            with transaction.atomic():
                entry = PaperEntry.objects.create(
                    station=station,
                    pot=pot,
                    kind=kind,
                    number=len(entries) + 1,
                    sheets=count,
                    content=content,
                    file_name=file_name[:200],
                    entered_by=official,
                )
        except IntegrityError:
            raise Conflict(
                _("Both entries of this station are in."), code="entered_twice"
            ) from None
        tally = _compare(station, pot, entries[0], entry) if entries else None
    report(steps, steps, _("Done."))
    return entry, tally


def paper_entry_import_start(
    *,
    actor: User | AnonymousUser,
    station: PollingStation,
    pot: Pot,
    kind: str,
    upload: UploadedFile,
) -> Job:
    """Check who sends a station's paper table and keep it for a task worker (see
    :func:`paper_entry_import`); return the job whose page shows its progress and outcome.

    Raises as :func:`paper_entry_import` does for the official, the vote and the entries
    already in, and :class:`ValidationFailed` on ``file`` for a file that is not CSV or
    XLSX; the table is checked by the job.
    """
    from barrio.participation.tasks import import_paper_file

    station, pot, official = _entry_of(actor, station, pot, kind)
    _entries_so_far(station, pot, official, kind, lock=False)
    return import_start(
        actor=official,
        election=station.election,
        kind=PendingImport.Kind.PAPER,
        upload=upload,
        options={"station": station.pk, "pot": pot.pk, "kind": kind},
        title=_("Paper ballots of %(station)s from %(file)s")
        % {"station": station.code, "file": upload.name},
        task=import_paper_file,
    )


def _resolution_errors(
    tally: PaperTally,
    pot: Pot,
    sheets: Mapping[str, Mapping[int, int]],
    totals: Mapping[int, int],
    sheet_count: int | None,
) -> list[FieldError]:
    election = pot.election
    errors: list[FieldError] = []
    items = {item.proposal_id: item for item in pot.items.select_related("proposal")}
    if tally.kind == PaperKind.SHEETS:
        disputed = {str(d["sheet"]) for d in tally.disagreements}
        for label in sorted(disputed - set(sheets)):
            errors.append(FieldError(("sheets", label), _("Resolve this sheet.")))
        for label, chosen in sheets.items():
            if label not in disputed:
                errors.append(FieldError(("sheets", label), _("This sheet is not disputed.")))
                continue
            if chosen:
                choices = [Choice(pid, value) for pid, value in chosen.items()]
                for problem in check_choices(election, pot, choices, items)[0]:
                    errors.append(FieldError(("sheets", label, *problem.loc[1:]), problem.msg))
        return errors
    if sheet_count is None or sheet_count < 0:
        return [FieldError(("sheet_count",), _("Write how many sheets were in the box."))]
    for pid, votes in totals.items():
        if pid not in items:
            errors.append(FieldError(("totals", pid), _("This project is not on this ballot.")))
        elif not 0 <= votes <= sheet_count:
            errors.append(
                FieldError(("totals", pid), _("Give between 0 and the number of sheets."))
            )
    return errors


@transaction.atomic
def paper_tally_resolve(
    *,
    actor: User | AnonymousUser,
    tally: PaperTally,
    sheets: Mapping[str, Mapping[int, int]] | None = None,
    totals: Mapping[int, int] | None = None,
    sheet_count: int | None = None,
) -> PaperTally:
    """Resolve a station's disagreements, reading the paper, and count the rest.

    For sheets, ``sheets`` gives each disputed sheet's choices as read on the paper
    (``{sheet: {proposal id: value}}``; an empty mapping for a blank or void sheet). For
    totals, ``totals`` gives each project's votes and ``sheet_count`` the sheets.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` resolves paper ballots over the whole programme.
    Conflict
        When nothing is disputed (``not_disputed``) or ``actor`` typed one of the entries
        (``four_eyes``).
    ValidationFailed
        A disputed sheet left out, a sheet not disputed, a ballot over the limits, a
        total below 0 or above the sheets.
    """
    tally = (
        PaperTally.objects.select_for_update(of=("self",))
        .select_related("station__election__call__programme", "pot")
        .get(pk=tally.pk)
    )
    station, pot = tally.station, tally.pot
    election = station.election
    pot.election = election
    supervisor = require_manager(actor, election.call, Action.PAPER_RESOLVE)
    if tally.status != PaperTally.Status.DISPUTED:
        raise Conflict(_("This station has nothing to resolve."), code="not_disputed")
    _open_for_paper(election)
    typed = set(
        PaperEntry.objects.filter(station=station, pot=pot).values_list("entered_by_id", flat=True)
    )
    if supervisor.pk in typed:
        raise Conflict(
            _("Disagreements are resolved by someone who typed neither entry."), code="four_eyes"
        )
    sheets, totals = sheets or {}, totals or {}
    errors = _resolution_errors(tally, pot, sheets, totals, sheet_count)
    if errors:
        raise ValidationFailed(errors=errors)
    if tally.kind == PaperKind.SHEETS:
        _store_ballots(station, pot, [dict(chosen) for chosen in sheets.values()])
        tally.counted += len(sheets)
    else:
        assert sheet_count is not None  # checked above
        tally.sheets = tally.counted = sheet_count
        tally.counts = {str(pid): votes for pid, votes in totals.items()}
    tally.status = PaperTally.Status.COUNTED
    tally.resolved_by = supervisor
    tally.resolved_at = timezone.now()
    tally.save()
    return tally
