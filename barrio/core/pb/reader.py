"""A streaming, validating reader for pabulib ``.pb`` files.

The reader consumes lines one at a time (a file opened in binary mode is an iterable of lines),
so a 100,000-voter file is never held twice in memory. It does not stop at the first problem:
it collects every problem with its line number and raises one :class:`PbFileError` at the end.
Ballots are validated once per distinct ``(vote, points)`` text, which is what makes reading
large files fast: most voters repeat a ballot someone else already cast. A line without a
quote character is split on ``;`` directly, which is what the ``csv`` module would make of
it; a line with quotes (a quoted field may even span lines) goes through ``csv``. The garbage
collector pauses while the rows are read: they are plain tuples and strings, which form no
reference cycle, and its passes over 100,000 new ballots cost a third of the reading time.

This module does no I/O itself; the caller opens the file.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice

from barrio.core.pb.ballot_block import BlockChecker
from barrio.core.pb.ballot_check import (
    POINTS_TYPES,
    Ballot,
    BallotChecker,
    Limits,
    parse_int,
)
from barrio.core.pb.errors import PbFileError
from barrio.core.pb.model import VOTE_TYPES, Money, PbElection, PbProject, PbVotes, parse_money
from barrio.core.pb.vote_block import BLOCK_BYTES, BLOCK_LINES, block_columns

SECTIONS = ("META", "PROJECTS", "VOTES")
FEW_BALLOTS = 100
"""Below this many new ballot texts in a block, each is checked alone (measured on the files
with 40 to 260 distinct ballots: faster below about 100, with points or without)."""
REQUIRED_META: tuple[str, ...] = ("description", "country", "unit", "instance")
REQUIRED_META += ("num_projects", "num_votes", "budget", "vote_type", "rule")
"""The META keys pabulib's format declares obligatory (``date_begin``/``date_end`` are not)."""
REQUIRED_COLUMNS = {"META": ("key", "value"), "PROJECTS": ("project_id", "cost")}
"""The columns each section's header must have (VOTES: see :meth:`_State._set_header`)."""
NO_LIMITS = Limits()


class _Lines:
    """The file's lines as text, numbered from 1, recording lines that are not UTF-8."""

    def __init__(self, lines: Iterable[bytes | str], problems: list[tuple[int, str]]) -> None:
        self.raw = iter(lines)
        self.number = 0  # the number of the last line read
        self.problems = problems

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = next(self.raw)
        self.number += 1
        text = self.text(raw) if isinstance(raw, bytes) else raw
        return text.removeprefix("\ufeff") if self.number == 1 else text

    def text(self, raw: bytes) -> str:
        """Line :attr:`number` decoded; a line that is not UTF-8 is recorded, not raised."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problems.append(
                (self.number, f"not valid UTF-8 (byte {exc.start + 1} of the line)")
            )
            return raw.decode("utf-8", errors="replace")


def _simple(text: str) -> bool:
    """Whether ``csv`` would read ``text`` as a plain split on ``;``: no quote, and no
    carriage return before the line's end."""
    return '"' not in text and text.find("\r", 0, len(text) - 2) < 0


def _plain_split(text: str) -> list[str]:
    """The fields of one line split on ``;`` (no field for a blank line)."""
    body = text.rstrip("\r\n")
    return body.split(";") if body else []


class _Rows:
    """The rows of the file, split as ``csv.reader(lines, delimiter=";")`` splits them."""

    def __init__(self, lines: _Lines) -> None:
        self.lines = lines

    @property
    def line_num(self) -> int:
        """The number of the last line read (a row's last line when it spans several)."""
        return self.lines.number

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        return self.split(next(self.lines))

    def split(self, text: str) -> list[str]:
        """The row that starts with line ``text`` (reading more lines if a quote needs)."""
        if _simple(text):
            return _plain_split(text)
        # csv reads no line beyond the row's last: the next row starts where it stopped.
        try:
            return next(csv.reader(chain((text,), self.lines), delimiter=";"), [])
        except csv.Error as exc:
            # A carriage return alone inside a field that is not quoted, or a field over
            # csv's size limit: the row is named, and read as a plain split to go on.
            reason = str(exc).split(" - ")[0]
            if "new-line character" in reason:
                reason = "a line break inside a field that is not quoted"
            self.lines.problems.append((self.lines.number, f"the row cannot be read: {reason}"))
            return _plain_split(text)

    def rest(self) -> Iterator[list[str]]:
        """The remaining rows, as iterating over this object gives them, with
        :attr:`line_num` up to date for each; what iteration does with a call per line
        (decoding, :func:`_simple`, :meth:`split`), done here in one loop for plain lines.
        Never the file's first line (whose byte-order mark :class:`_Lines` drops)."""
        lines = self.lines
        for raw in lines.raw:
            lines.number += 1
            if isinstance(raw, bytes):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = lines.text(raw)
            else:
                text = raw
            # _simple and _plain_split inlined: this loop runs once per line of the file.
            if '"' not in text and text.find("\r", 0, len(text) - 2) < 0:
                body = text.rstrip("\r\n")
                yield body.split(";") if body else []
            else:
                yield self.split(text)


def parse_pb(lines: Iterable[bytes | str]) -> PbElection:
    """Read and validate a ``.pb`` file given as an iterable of lines.

    Parameters
    ----------
    lines : iterable of bytes or str
        The file's lines, with or without their line endings; ``bytes`` are decoded as UTF-8
        (a byte-order mark is ignored), so an open binary file can be passed directly.

    Returns
    -------
    PbElection
        The validated contents.

    Raises
    ------
    PbFileError
        With every problem found, each as ``(line, reason)``: a missing or repeated section, a
        missing or repeated META key, a row with the wrong number of fields, a duplicate
        project or voter id, a cost that is not a number greater than 0, a vote naming an
        unknown project or naming one twice, points that do not match the vote, a ballot
        breaking the file's ``min_length``/``max_length``, ``min_sum_cost``/``max_sum_cost``,
        ``min_sum_points``/``max_sum_points`` or ``min_points``/``max_points``, a choose-1
        ballot with several projects, a ``num_projects``/``num_votes`` that does not match the
        rows, lines that are not valid UTF-8, and a row that ``csv`` cannot read (a
        carriage return alone inside a field that is not quoted).

    Examples
    --------
    >>> text = '''META
    ... key;value
    ... description;Example
    ... country;Nowhere
    ... unit;Town
    ... instance;2024
    ... num_projects;2
    ... num_votes;2
    ... budget;100
    ... vote_type;approval
    ... rule;greedy
    ... PROJECTS
    ... project_id;cost
    ... 1;60
    ... 2;50
    ... VOTES
    ... voter_id;vote
    ... a;1,2
    ... b;2'''
    >>> election = parse_pb(text.splitlines())
    >>> [p.project_id for p in election.projects], election.budget
    (['1', '2'], 100)
    >>> election.votes[0].projects
    (0, 1)
    >>> parse_pb(text.replace("1;60", "1;0").splitlines())
    Traceback (most recent call last):
    ...
    barrio.core.pb.errors.PbFileError: line 14: cost must be greater than 0, got '0'
    """
    problems: list[tuple[int, str]] = []
    reader = _Rows(_Lines(lines, problems))
    state = _State(problems)
    # The collector paused (see the module documentation), as it was afterwards; without a
    # context manager, whose generator costs more than this on a file of a few hundred lines.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _read(reader, state)
    finally:
        if collecting:
            gc.enable()
    if problems:
        problems.sort(key=lambda problem: problem[0])
        raise PbFileError(problems)
    return state.election()


def _read(reader: _Rows, state: _State) -> None:
    """Read every row into ``state``."""
    for row in reader:
        line = reader.line_num
        if not row or (not row[0].strip() and all(not cell.strip() for cell in row)):
            continue
        marker = row[0].strip().upper()
        if marker in SECTIONS and not any(map(str.strip, row[1:])):
            state.enter(marker, line)
            continue
        state.row(row, line)
        if state.header is not None:
            # The rest of the section in a loop of its own.
            found = (
                state.read_votes(reader) if state.section == "VOTES" else state.read_rows(reader)
            )
            if found:
                state.enter(found, reader.line_num)
    state.finish(reader.line_num)


def _blocks(source: Iterator[bytes | str]) -> Iterator[list[bytes | str] | bytes]:
    """The rest of the lines in blocks: whole lines as one ``bytes`` from a binary file,
    else lists of lines."""
    if isinstance(source, io.BufferedIOBase):
        while block := source.read(BLOCK_BYTES):
            yield block if block.endswith(b"\n") else block + source.readline()
        return
    while chunk := list(islice(source, BLOCK_LINES)):
        yield chunk


class _State:
    """The reader's progress through the file: the current section and what was read so far."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        self.section: str | None = None
        self.section_lines: dict[str, int] = {}
        self.header: tuple[str, ...] | None = None
        self.meta: list[tuple[str, str]] = []
        self.meta_lines: dict[str, int] = {}
        self.budget: Money = 0
        self.vote_type = "approval"
        self.limits = NO_LIMITS
        self.projects: list[PbProject] = []
        self.project_header: tuple[str, ...] = ()
        self.project_index: dict[str, int] = {}
        # The votes as columns (see PbVotes): per row, the voter id, the ballot's key in
        # ``ballot_cache`` and the other columns' values.
        self.vote_ids: list[str] = []
        self.vote_keys: list[str | tuple[str, str]] = []
        self.vote_extras: list[list[str]] = []
        self.vote_header: tuple[str, ...] = ()
        self.voter_ids: set[str] = set()
        self.warnings: list[tuple[int, str]] = []
        self.voter_column = self.vote_column = self.points_column = -1
        self.key_column = self.value_column = -1  # of META
        self.id_column = self.cost_column = -1  # of PROJECTS
        self.extra_columns: list[int] = []
        self._checker: BallotChecker | None = None
        self._block_checker: BlockChecker | None = None
        self.ballot_cache: dict[str | tuple[str, str], tuple[tuple[int, ...], Ballot]] = {}
        self.flawed_ballots: set[str | tuple[str, str]] = set()  # keys with reasons/warnings

    def block_checker(self) -> BlockChecker:
        """The checker of whole blocks of ballot texts, made once (see :meth:`checker`)."""
        if self._block_checker is None:
            self._block_checker = BlockChecker(self.checker())
        return self._block_checker

    def checker(self) -> BallotChecker:
        """The ballot checker, made once the projects and limits are known."""
        if self._checker is None:
            costs = [project.cost for project in self.projects]
            self._checker = BallotChecker(self.project_index, costs, self.vote_type, self.limits)
        return self._checker

    def problem(self, line: int, reason: str) -> None:
        self.problems.append((line, reason))

    def enter(self, section: str, line: int) -> None:
        if section in self.section_lines:
            self.problem(line, f"section {section} appears twice")
        expected = SECTIONS[len(self.section_lines)] if len(self.section_lines) < 3 else None
        if expected is not None and section != expected and section not in self.section_lines:
            self.problem(line, f"section {section} found where {expected} was expected")
        if self.section == "META":
            self._close_meta()
        self.section_lines.setdefault(section, line)
        self.section = section
        self.header = None

    def row(self, row: list[str], line: int) -> None:
        if self.section is None:
            self.problem(line, "content before the META section")
            return
        cells = [cell.strip() for cell in row]
        if self.header is None:
            self._set_header(tuple(cells), line)
            return
        if len(cells) != len(self.header):
            self.problem(
                line, f"{len(cells)} fields where the {self.section} header has {len(self.header)}"
            )
            return
        if self.section == "VOTES" and min(self.voter_column, self.vote_column) < 0:
            return  # the header problem is reported once, not once per voter
        if self.section == "META":
            self._meta_row(cells, line)
        elif self.section == "PROJECTS":
            self._project_row(cells, line)
        # Vote rows of the right width never come here: read_votes reads them.

    def _set_header(self, header: tuple[str, ...], line: int) -> None:
        self.header = header
        required = REQUIRED_COLUMNS.get(self.section or "META") or (
            ("voter_id", "vote") + (("points",) if self.vote_type in POINTS_TYPES else ())
        )
        for column in required:
            if column not in header:
                self.problem(line, f"the {self.section} header lacks the column {column!r}")
        if len(set(header)) != len(header):
            self.problem(line, f"the {self.section} header repeats a column")
        columns = {name: i for i, name in enumerate(header)}
        if self.section == "META":
            self.key_column = columns.get("key", -1)
            self.value_column = columns.get("value", -1)
        elif self.section == "PROJECTS":
            self.project_header = header
            self.id_column = columns.get("project_id", -1)
            self.cost_column = columns.get("cost", -1)
        elif self.section == "VOTES":
            self.vote_header = header
            self.voter_column = columns.get("voter_id", -1)
            self.vote_column = columns.get("vote", -1)
            self.points_column = columns.get("points", -1)
            if self.vote_type not in POINTS_TYPES:
                # pabutools ignores a points column on approval and ordinal ballots; so do we,
                # but the column is kept with the other extra columns for writing back.
                self.points_column = -1
            special = {self.voter_column, self.vote_column, self.points_column}
            self.extra_columns = [i for i in range(len(header)) if i not in special]

    def _meta_row(self, cells: list[str], line: int) -> None:
        if min(self.key_column, self.value_column) < 0:
            return  # the header lacks a column: reported once, not once per row
        key, value = cells[self.key_column], cells[self.value_column]
        if key in self.meta_lines:
            self.problem(line, f"META key {key!r} appears twice")
            return
        self.meta_lines[key] = line
        self.meta.append((key, value))

    def _close_meta(self) -> None:
        values = dict(self.meta)
        meta_line = self.section_lines.get("META", 0)
        for key in REQUIRED_META:
            if key not in values:
                self.problem(meta_line, f"META lacks the required key {key!r}")
        if "budget" in values:
            line = self.meta_lines["budget"]
            try:
                self.budget = parse_money(values["budget"])
            except ValueError as exc:
                self.problem(line, f"budget: {exc}")
            else:
                if self.budget <= 0:
                    self.problem(line, f"budget must be greater than 0, got {values['budget']!r}")
        if "vote_type" in values:
            if values["vote_type"] in VOTE_TYPES:
                self.vote_type = values["vote_type"]
            else:
                self.problem(
                    self.meta_lines["vote_type"],
                    f"vote_type {values['vote_type']!r} is not one of {', '.join(VOTE_TYPES)}",
                )
        limits: dict[str, Money] = {}
        for key in Limits.__slots__:
            if key in values:
                try:
                    is_cost = "cost" in key
                    limits[key] = (parse_money if is_cost else parse_int)(values[key])
                except ValueError as exc:
                    self.problem(self.meta_lines[key], f"{key}: {exc}")
        self.limits = Limits(**limits) if limits else NO_LIMITS  # type: ignore[arg-type]
        for key in ("num_projects", "num_votes"):
            if key in values:
                try:
                    parse_int(values[key])
                except ValueError as exc:
                    self.problem(self.meta_lines[key], f"{key}: {exc}")

    def _project_row(self, cells: list[str], line: int) -> None:
        fields = tuple(zip(self.project_header, cells, strict=True))
        project_id = cells[self.id_column] if self.id_column >= 0 else ""
        if not project_id:
            self.problem(line, "empty project_id")
            return
        if project_id in self.project_index:
            self.problem(line, f"project {project_id!r} appears twice")
            return
        raw_cost = cells[self.cost_column] if self.cost_column >= 0 else ""
        cost: Money = 0
        try:
            cost = parse_money(raw_cost)
        except ValueError as exc:
            self.problem(line, f"cost: {exc}")
        else:
            if cost <= 0:
                self.problem(line, f"cost must be greater than 0, got {raw_cost!r}")
        # A project with a bad cost is still registered, so that votes for it are not also
        # reported as naming an unknown project (the file is rejected anyway).
        self.project_index[project_id] = len(self.projects)
        self.projects.append(PbProject(project_id, cost, fields))

    def read_rows(self, reader: _Rows) -> str | None:
        """Read ``META`` or ``PROJECTS`` rows until the end of the file or a section marker,
        which is returned.

        What :func:`_read` and :meth:`row` do for each row, with the checks that a regular
        row (as wide as the header, not blank, not a marker) makes unnecessary left to them.
        """
        lines = reader.lines
        take = self._meta_row if self.section == "META" else self._project_row
        width = len(self.header or ())
        for row in reader.rest():
            cells = [cell.strip() for cell in row]
            if len(cells) == width and cells[0] and cells[0].upper() not in SECTIONS:
                take(cells, lines.number)
                continue
            if not any(cells):
                continue
            if cells[0].upper() in SECTIONS and not any(cells[1:]):
                return cells[0].upper()
            self.row(row, lines.number)
        return None

    def read_votes(self, reader: _Rows) -> str | None:
        """Read vote rows until the end of the file or a section marker, which is returned.

        Plain blocks of lines a column at a time (:meth:`_take_block`); from the first line
        that is not plain, one row at a time from :meth:`_Rows.rest`, with the names bound
        locally: column positions are found once per file and a ballot text is validated
        once, however many voters cast it.
        """
        width = len(self.vote_header)
        voter_column, vote_column = self.voter_column, self.vote_column
        points_column, extra_columns = self.points_column, self.extra_columns
        voter_ids, cache = self.voter_ids, self.ballot_cache
        ids, keys = self.vote_ids, self.vote_keys
        check = self.checker().check
        # The other columns (age, sex, district...) are kept as written.
        if len(self.vote_extras) != len(extra_columns):
            self.vote_extras = [[] for _ in extra_columns]
        extras = list(zip(extra_columns, self.vote_extras, strict=True))
        lines = reader.lines
        for chunk in _blocks(lines.raw):
            found = block_columns(chunk, width)
            if found is None:
                # Not a plain block: line by line from its first line to the end.
                restart = io.BytesIO(chunk) if isinstance(chunk, bytes) else chunk
                lines.raw = chain(restart, lines.raw)
                break
            columns, count = found
            self._take_block(columns, lines.number + 1)
            lines.number += count
        for row in reader.rest():
            number = lines.number
            if len(row) != width:
                if all(not cell.strip() for cell in row):
                    continue
                marker = row[0].strip().upper()
                if marker in SECTIONS and all(not cell.strip() for cell in row[1:]):
                    return marker
                self.row(row, number)
                continue
            voter_id = row[voter_column].strip()
            if not voter_id or voter_id in voter_ids:
                self.problem(
                    number,
                    f"voter {voter_id!r} appears twice" if voter_id else "empty voter_id",
                )
            voter_ids.add(voter_id)
            # The vote text is the key, with the points text when the ballots have points.
            key = row[vote_column] if points_column < 0 else (row[vote_column], row[points_column])
            cached = cache.get(key)
            if cached is None:
                if points_column < 0:
                    cached = check(row[vote_column].strip(), None)
                else:
                    cached = check(row[vote_column].strip(), row[points_column].strip())
                cache[key] = cached
            ballot = cached[1]
            if ballot.reasons or ballot.warnings:
                self.problems.extend((number, reason) for reason in ballot.reasons)
                self.warnings.extend((number, reason) for reason in ballot.warnings)
            ids.append(voter_id)
            keys.append(key)
            for column, values in extras:
                values.append(row[column])
        return None

    def _take_block(self, columns: list[list[str]], first_line: int) -> None:
        """Read a plain block of vote rows (as columns) whose first row is ``first_line``.

        The same checks and votes as the line-by-line loop of :meth:`read_votes`, a column
        at a time: a per-row step only where a voter id repeats or a ballot has a problem.
        """
        ids = list(map(str.strip, columns[self.voter_column]))
        fresh = set(ids)
        if len(fresh) == len(ids) and "" not in fresh and self.voter_ids.isdisjoint(fresh):
            self.voter_ids |= fresh
        else:
            for line, voter_id in enumerate(ids, first_line):
                if not voter_id or voter_id in self.voter_ids:
                    self.problem(
                        line, f"voter {voter_id!r} appears twice" if voter_id else "empty voter_id"
                    )
                self.voter_ids.add(voter_id)
        texts = columns[self.vote_column]
        points_column = self.points_column
        keys: Sequence[str | tuple[str, str]] = texts
        if points_column >= 0:
            keys = list(zip(texts, columns[points_column], strict=True))
        cache = self.ballot_cache
        new_keys = list(set(keys).difference(cache))
        checked = None
        if len(new_keys) >= FEW_BALLOTS:
            # All new ballot texts of the block at once; one by one if one is not clean (or
            # if there are few: then the one-ballot check costs less than the block check's
            # numpy calls, a few microseconds each whatever their size).
            if points_column < 0:
                checked = self.block_checker().check(new_keys, None)  # type: ignore[arg-type]
            else:
                votes_and_points = list(zip(*new_keys, strict=True))
                checked = self.block_checker().check(*votes_and_points)
        if checked is not None:
            cache.update(zip(new_keys, checked, strict=True))
        elif new_keys:
            check = self.checker().check
            for key in new_keys:
                vote, points = (key, None) if isinstance(key, str) else key
                cached = check(vote.strip(), None if points is None else points.strip())
                cache[key] = cached
                if cached[1].reasons or cached[1].warnings:
                    self.flawed_ballots.add(key)
        if self.flawed_ballots:
            for line, key in enumerate(keys, first_line):
                if key in self.flawed_ballots:
                    ballot = cache[key][1]
                    self.problems.extend((line, reason) for reason in ballot.reasons)
                    self.warnings.extend((line, reason) for reason in ballot.warnings)
        self.vote_ids.extend(ids)
        self.vote_keys.extend(keys)
        if len(self.vote_extras) != len(self.extra_columns):
            self.vote_extras = [[] for _ in self.extra_columns]
        for column, values in zip(self.extra_columns, self.vote_extras, strict=True):
            values.extend(columns[column])

    def finish(self, last_line: int) -> None:
        """Close the file: missing sections and META counts that do not match the rows."""
        if self.section == "META":
            self._close_meta()
        for section in SECTIONS:
            if section not in self.section_lines:
                self.problem(last_line, f"the file has no {section} section")
        values = dict(self.meta)
        for key, found in (("num_projects", len(self.projects)), ("num_votes", len(self.vote_ids))):
            try:
                declared = parse_int(values[key]) if key in values else None
            except ValueError:
                continue  # already reported when META closed
            if declared is not None and declared != found:
                self.problem(
                    self.meta_lines[key], f"{key} is {declared} but the file has {found} rows"
                )

    def election(self) -> PbElection:
        return PbElection(
            meta=tuple(self.meta),
            budget=self.budget,
            vote_type=self.vote_type,
            projects=tuple(self.projects),
            project_header=self.project_header,
            votes=PbVotes(self.vote_ids, self.vote_keys, self.ballot_cache, self.vote_extras),
            vote_header=self.vote_header,
            warnings=tuple(self.warnings),
        )
