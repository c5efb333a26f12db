"""The pabulib reader and writer: every kind of problem with its line, and the round trip."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barrio.core.pb import (
    RULES,
    PbElection,
    PbFileError,
    decide,
    format_pb,
    instance_of,
    parse_pb,
    profile_of,
)
from barrio.core.pb.ballot_check import MAX_POINTS, Limits
from barrio.core.pb.model import PbProject, PbVote, PbVotes, parse_money, tallies
from barrio.core.pb.reader import _Lines, _Rows
from barrio.core.pb.vote_block import SMALL_BLOCK

SLICES = Path(__file__).resolve().parent / "data" / "pb"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pabulib"

GOOD = """META
key;value
description;Example
country;Nowhere
unit;Town
instance;2024
num_projects;3
num_votes;3
budget;100
vote_type;approval
rule;greedy
min_length;1
max_length;2
PROJECTS
project_id;cost;name
1;60;Park
2;50;"Library; reading room"
3;12,5;Bench
VOTES
voter_id;vote;age
a;1,2;30
b;2;41
c;3;
"""


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(PbFileError) as caught:
        parse_pb(lines_of(text))
    return list(caught.value.problems)


def test_reads_a_valid_file_with_quotes_and_decimal_cost() -> None:
    """A quoted field keeps its semicolon; a decimal comma cost is an exact Fraction."""
    election = parse_pb(lines_of(GOOD))
    assert [p.project_id for p in election.projects] == ["1", "2", "3"]
    assert election.projects[1].field("name") == "Library; reading room"
    assert election.projects[2].cost == Fraction(25, 2)
    assert election.votes[0].projects == (0, 1)
    assert election.votes[2].extra == ("",)
    assert election.budget == 100


def test_reads_bytes_with_crlf_and_bom() -> None:
    """A binary file with Windows line endings and a byte-order mark reads the same."""
    data = ("\ufeff" + GOOD.replace("\n", "\r\n")).encode("utf-8")
    assert parse_pb(data.splitlines(keepends=True)) == parse_pb(lines_of(GOOD))


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ("1;60;Park", "1;0;Park", 16, "cost must be greater than 0"),
        ("1;60;Park", "1;-5;Park", 16, "cost must be greater than 0"),
        ("1;60;Park", "1;sixty;Park", 16, "cost: 'sixty' is not a number"),
        ("2;50;", "1;50;", 17, "project '1' appears twice"),
        ("b;2;41", "a;2;41", 22, "voter 'a' appears twice"),
        ("b;2;41", "b;7;41", 22, "unknown project '7'"),
        ("a;1,2;30", "a;1,2,3;30", 21, "more than max_length"),
        ("c;3;", "c;;", 23, "fewer than min_length"),
        ("num_votes;3", "num_votes;4", 8, "num_votes is 4 but the file has 3 rows"),
        ("num_projects;3", "num_projects;2", 7, "num_projects is 2 but the file has 3 rows"),
        ("budget;100", "budget;0", 9, "budget must be greater than 0"),
        ("vote_type;approval", "vote_type;plurality", 10, "vote_type 'plurality' is not one"),
        ("rule;greedy\n", "", 1, "META lacks the required key 'rule'"),
        ("b;2;41", "b;2;41;extra", 22, "4 fields where the VOTES header has 3"),
        ("project_id;cost;name", "project_id;price;name", 15, "lacks the column 'cost'"),
        ("key;value", "key;val", 2, "the META header lacks the column 'value'"),
        ("key;value\ndescription;Example", "keyvalue\ndescription", 2, "lacks the column 'key'"),
        ("key;value", "value;key", 1, "META lacks the required key 'description'"),
    ],
)
def test_reports_each_problem_with_its_line(old: str, new: str, line: int, fragment: str) -> None:
    """Each kind of problem is reported at the line where it is."""
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert any(at == line and fragment in reason for at, reason in found), found


def test_reports_every_problem_not_just_the_first() -> None:
    """Several problems in one file are all reported, in line order."""
    text = GOOD.replace("1;60;Park", "1;0;Park").replace("b;2;41", "a;9;41")
    found = problems(text)
    # Line 22 names a voter twice and an unknown project, which leaves the vote too short.
    assert [line for line, _ in found] == [16, 22, 22, 22]
    assert "line 16: cost must be greater than 0" in str(PbFileError(found))


def test_reports_missing_sections() -> None:
    """A file without VOTES names the missing section."""
    text = GOOD[: GOOD.index("VOTES")]
    assert any("no VOTES section" in reason for _, reason in problems(text))


def test_reports_bad_encoding_with_its_line() -> None:
    """A line that is not UTF-8 is reported with its number."""
    data = [line.encode() for line in lines_of(GOOD)]
    data[16] = b"2;50;Biblioth\xe8que"
    with pytest.raises(PbFileError) as caught:
        parse_pb(data)
    assert caught.value.problems[0][0] == 17
    assert "not valid UTF-8" in caught.value.problems[0][1]


POINTS = (
    GOOD.replace("vote_type;approval", "vote_type;cumulative")
    .replace(
        "voter_id;vote;age\na;1,2;30\nb;2;41\nc;3;",
        "voter_id;vote;points\na;1,2;2,1\nb;2;3\nc;3;1",
    )
    .replace("min_length;1", "max_sum_points;3")
)


def test_reads_points_and_reports_points_problems() -> None:
    """Cumulative ballots keep their points; mismatched or excessive points are reported."""
    election = parse_pb(lines_of(POINTS))
    assert election.votes[0].points == (2, 1)
    assert profile_of(election).points.tolist() == [[2, 1, 0], [0, 3, 0], [0, 0, 1]]
    found = problems(POINTS.replace("a;1,2;2,1", "a;1,2;2"))
    assert found == [(21, "1 points for 2 projects in the vote")]
    found = problems(POINTS.replace("b;2;3", "b;2;4"))
    assert found == [(22, "the vote gives 4 points, more than max_sum_points")]
    found = problems(POINTS.replace("b;2;3", "b;2;-1"))
    assert found == [(22, "points must not be negative")]


@pytest.mark.parametrize("extra", [0, SMALL_BLOCK + 50])
def test_points_beyond_what_the_engine_counts_are_named(extra: int) -> None:
    """A project given more than MAX_POINTS points is a problem of its line, read one line
    at a time or in a block; MAX_POINTS itself is read and counted."""
    text = POINTS.replace("max_sum_points;3", "max_sum_points;9999999999999999999999")
    rows = "".join(f"v{i};{i % 3 + 1};{i % 97 + 1}\n" for i in range(extra))
    text = text.replace("num_votes;3", f"num_votes;{3 + extra}") + rows
    most = f"b;2;{MAX_POINTS}"
    election = parse_pb(io.BytesIO(text.replace("b;2;3", most).encode()))
    assert profile_of(election).scores().tolist()[1] == 1 + MAX_POINTS + sum(
        i % 97 + 1 for i in range(1, extra, 3)
    )
    too_many = f"b;2;{MAX_POINTS + 1}"
    for source in (
        lines_of(text.replace("b;2;3", too_many)),
        io.BytesIO(text.replace("b;2;3", too_many).encode()),
    ):
        with pytest.raises(PbFileError) as caught:
            parse_pb(source)
        assert caught.value.problems == ((22, f"points must be at most {MAX_POINTS}"),)


def test_a_project_named_twice_in_an_approval_vote_is_a_warning() -> None:
    """As in pabutools (a set), the duplicate counts once; the reader says where it was."""
    election = parse_pb(lines_of(GOOD.replace("a;1,2;30", "a;1,2,1;30").replace("max_l", "x_l")))
    assert election.votes[0].projects == (0, 1)
    assert election.warnings == ((21, "the vote names project '1' twice; counted once"),)


def test_votes_kept_as_columns_are_the_votes() -> None:
    """The reader's columns index, slice, iterate and compare as the tuple of votes does."""
    for text in (GOOD, POINTS):
        election = parse_pb(lines_of(text))
        votes = election.votes
        assert isinstance(votes, PbVotes)
        rows = tuple(votes)
        assert rows == tuple(votes[i] for i in range(len(votes))) == votes[:]
        assert votes[1:] == rows[1:]
        assert votes[-1] == rows[-1]
        assert votes == rows
        assert rows == votes
        assert hash(votes) == hash(rows)
        assert votes != rows[:-1]
        assert sorted(tallies(votes)) == sorted(tallies(rows))
    assert parse_pb(lines_of(GOOD)).votes[0] == PbVote("a", (0, 1), None, ("30",))
    with pytest.raises(ValueError, match="one value per voter"):
        PbVotes(["a", "b"], ["1"], {}, [])


def test_profiles_of_columns_and_of_a_tuple_of_votes_are_equal() -> None:
    """Counting ballots on the texts (the columns) gives the profile counting the votes does,
    row for row: on the examples, the bundled files and every shared file under 100 kB."""
    paths = sorted(SLICES.glob("*.pb"))
    paths += [p for p in sorted(SHARED.glob("*.pb")) if p.stat().st_size < 100_000]
    elections = [parse_pb(lines_of(GOOD)), parse_pb(lines_of(POINTS))]
    for path in paths:
        with path.open("rb") as handle:
            elections.append(parse_pb(handle))
    for election in elections:
        rows = dataclasses.replace(election, votes=tuple(election.votes))
        for as_approval in (False, True):
            columns = profile_of(election, as_approval=as_approval)
            plain = profile_of(rows, as_approval=as_approval)
            assert (columns.points == plain.points).all()
            assert (columns.multiplicity == plain.multiplicity).all()


@settings(max_examples=200, deadline=None)
@given(
    projects=st.integers(0, 20),
    votes=st.lists(
        st.tuples(st.lists(st.integers(0, 19), max_size=6), st.booleans(), st.randoms()),
        max_size=40,
    ),
)
def test_approval_profile_counts_the_sets_of_approved_projects(
    projects: int, votes: list[tuple[list[int], bool, Any]]
) -> None:
    """As approval ballots, each vote is the set of projects it names (with points, those
    given more than 0): equal sets are one row, in order of first appearance, with their
    count; a vote naming nothing is an empty row. Counted here the plain way."""
    ballots: list[PbVote] = []
    for i, (named, with_points, random) in enumerate(votes):
        named = [p % projects for p in named] if projects else []
        points = tuple(random.choice((0, 1, 2, 5)) for _ in named) if with_points else None
        ballots.append(PbVote(str(i), tuple(named), points, ()))
    election = dataclasses.replace(
        parse_pb(lines_of(GOOD)),
        projects=tuple(PbProject(str(p), 1, ()) for p in range(projects)),
        votes=tuple(ballots),
    )
    expected: dict[tuple[int, ...], int] = {}
    for vote in ballots:
        kept = (
            vote.projects
            if vote.points is None
            else [p for p, v in zip(vote.projects, vote.points, strict=True) if v > 0]
        )
        key = tuple(sorted(set(kept)))
        expected[key] = expected.get(key, 0) + 1
    profile = profile_of(election, as_approval=True)
    rows = [tuple(int(p) for p in row.nonzero()[0]) for row in profile.points]
    assert list(zip(rows, profile.multiplicity.tolist(), strict=True)) == list(expected.items())
    assert profile.points.shape == (len(expected), projects)


def test_round_trip_of_the_example() -> None:
    """Writing what was read and reading it again gives the same election."""
    election = parse_pb(lines_of(GOOD))
    assert parse_pb(lines_of(format_pb(election))) == election
    points = parse_pb(lines_of(POINTS))
    assert parse_pb(lines_of(format_pb(points))) == points


@pytest.mark.parametrize("path", sorted(SLICES.glob("*.pb")), ids=lambda p: p.stem[:40])
def test_round_trip_of_the_bundled_slices(path: Path) -> None:
    """The bundled pabulib files read, and survive a write/read round trip."""
    with path.open("rb") as handle:
        election = parse_pb(handle)
    assert parse_pb(lines_of(format_pb(election))) == election
    assert instance_of(election).num_projects == len(election.projects)


def test_round_trips_the_shared_files() -> None:
    """Every pabulib file of ../shared under 100 kB survives a write/read round trip.

    (Every file, large ones included, is read by the oracle tests in ``test_pb_oracle``;
    writing and re-reading the large ones too would double the suite's slowest part.)
    """
    if not SHARED.is_dir():
        pytest.skip(f"shared pabulib data not found at {SHARED}")
    paths = [p for p in sorted(SHARED.glob("*.pb")) if p.stat().st_size < 100_000]
    assert len(paths) > 150
    vote_types = set()
    for path in paths:
        with path.open("rb") as handle:
            election = parse_pb(handle)
        vote_types.add(election.vote_type)
        assert parse_pb(lines_of(format_pb(election))) == election, path.name
    assert vote_types == {"approval", "choose-1", "cumulative", "ordinal"}


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.text(
            alphabet=st.sampled_from(["a", "1", ";", ",", " ", '"', "\r", "é"]), max_size=12
        ).map(lambda text: text + "\n"),
        max_size=8,
    )
)
def test_rows_are_what_the_csv_module_reads(lines: list[str]) -> None:
    """Plain lines split on ';' and quoted ones read by csv give csv's rows and line numbers,
    quoted fields over several lines and stray carriage returns included. Where csv cannot
    read a row, the rows before it are csv's and the row is named as a problem, not raised."""
    expected = csv.reader(lines, delimiter=";")
    wanted: list[tuple[list[str], int]] = []
    failed = False
    try:
        for row in expected:
            wanted.append((row, expected.line_num))
    except csv.Error:
        failed = True
    problems: list[tuple[int, str]] = []
    rows = _Rows(_Lines(lines, problems))
    got = [(row, rows.line_num) for row in rows]
    if not failed:
        assert (got, problems) == (wanted, [])
    else:
        assert got[: len(wanted)] == wanted
        # (csv stops at the first; the reader goes on, and may name later rows too.)
        assert problems
        assert {reason.split(":")[0] for _, reason in problems} == {"the row cannot be read"}


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_carriage_return_inside_a_field_is_named_not_raised(ending: str) -> None:
    """csv refuses a lone carriage return in a field that is not quoted: the file is
    refused with that line named (it raised csv's own error before)."""
    text = GOOD.replace("b;2;41", "b;2\r;41").replace("\n", ending)
    with pytest.raises(PbFileError) as caught:
        parse_pb(io.BytesIO(text.encode("utf-8")))
    assert caught.value.problems == (
        (22, "the row cannot be read: a line break inside a field that is not quoted"),
    )


def test_votes_with_quotes_and_a_bad_line_keep_their_line_numbers() -> None:
    """A vote row read by csv (quotes, a field over two lines) and one split directly are
    numbered alike; the reader still names the line of a problem after them."""
    text = GOOD.replace("c;3;\n", 'c;"3";"x\ny"\nd;1;\ne;9;\n').replace(
        "num_votes;3", "num_votes;5"
    )
    with pytest.raises(PbFileError) as caught:
        parse_pb(text.encode("utf-8").splitlines(keepends=True))
    assert caught.value.problems == (
        (26, "the vote names unknown project '9'"),
        (26, "the vote names 0 projects, fewer than min_length"),
    )


@pytest.mark.parametrize(
    ("limit", "reason"),
    [
        ("min_sum_cost;50", "the vote costs 25/2, less than min_sum_cost"),  # c; b at 50 is in
        ("max_sum_cost;100", "the vote costs 110, more than max_sum_cost"),  # a
        ("vote_type;choose-1", "a choose-1 vote names 2 projects"),  # a
    ],
)
def test_cost_and_choose_one_limits_name_the_ballot_that_breaks_them(
    limit: str, reason: str
) -> None:
    """Ballots within a limit (at it included) pass; the one beyond is named."""
    text = GOOD.replace("max_length;2", "max_length;2\n" + limit)
    if limit.startswith("vote_type"):
        text = text.replace("vote_type;approval\n", "", 1)
    assert [found for _line, found in problems(text)] == [reason]


def _both_ways(read: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """What ``read()`` gives with vote blocks, and line by line (no block is plain)."""
    from barrio.core.pb import reader

    by_block = read()
    with monkeypatch.context() as patch:
        patch.setattr(reader, "block_columns", lambda chunk, width: None)
        by_line = read()
    return by_block, by_line


def _election_or_problems(lines: Iterable[bytes] | Iterable[str] | io.BytesIO) -> Any:
    """The election with its warnings (elections compare without them), or the problems."""
    try:
        election = parse_pb(lines)
    except PbFileError as error:
        return error.problems
    return election, election.warnings


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("b;2;41", "a;2;41"),  # a voter twice
        ("b;2;41", "b;7;41"),  # an unknown project
        ("b;2;41", "b;2,2;41"),  # a project twice: a warning
        ("b;2;41", ";2;41"),  # no voter id
        ("b;2;41", "b;2;41;x"),  # a row of the wrong width
        ("b;2;41", 'b;"2";41'),  # quotes
        ("b;2;41", "\nb;2;41"),  # a blank line
        ("a;1,2;30", "a;1,2;30\r"),  # a carriage return inside a line
        ("b;2;41", "b;2;41;x\ne;1"),  # as many fields as two rows, not per row
        ("b;2;41", "b; 2;41"),  # a padded project id
        ("b;2;41", "b;;41"),  # an empty vote
        ("b;2;41", "b;1,2,3;41"),  # longer than max_length
    ],
)
def test_vote_blocks_read_as_the_lines_do(
    old: str, new: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading votes a block at a time gives the line-by-line election, or its problems."""
    assert old in GOOD
    text = GOOD.replace(old, new, 1).replace("num_votes;3", "num_votes;4") + "d;1,3;50\n"
    lines = text.replace("\n", "\r\n").encode("utf-8").splitlines(keepends=True)
    by_block, by_line = _both_ways(lambda: _election_or_problems(lines), monkeypatch)
    assert by_block == by_line
    assert _election_or_problems(text.splitlines()) == by_line  # text lines too
    # A binary file is read in blocks of bytes rather than of lines.
    assert _election_or_problems(io.BytesIO(b"".join(lines))) == by_line


@pytest.mark.parametrize("ending", ["\r\n", "\n", "mixed"])
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("b;2;41", "b;2;41"),  # no flaw
        ("b;2;41", "a;2;41"),  # a voter twice
        ("b;2;41", 'b;"2";41'),  # quotes
        ("b;2;41", "b;2;41;x"),  # a row of the wrong width
        ("b;2;41", "b;2;41;x\ne;1"),  # as many fields as two rows, not per row
        ("a;1,2;30", "a;1,2;30\r"),  # a carriage return inside a line
        ("b;2;41", "b;2\r;41"),  # one inside a field
        ("b;2;41", "b;2;Łódź"),  # a character of two bytes
        ("b;2;41", "b;2;\udcff"),  # a byte that is not UTF-8 (written below)
    ],
)
def test_large_vote_blocks_read_as_the_lines_do(
    old: str, new: str, ending: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A block of more lines than are counted one by one (its bytes are checked with
    numpy, then decoded) reads as the lines do, whatever its flaw or line ends."""
    extra = [f"v{i};{i % 3 + 1};{i % 90}" for i in range(SMALL_BLOCK + 50)]
    text = GOOD.replace(old, new, 1).replace("num_votes;3", f"num_votes;{4 + len(extra)}")
    text += "d;1,3;50\n" + "\n".join(extra) + "\n"
    rows = text.split("\n")
    if ending == "mixed":
        text = "".join(row + ("\r\n" if i % 3 else "\n") for i, row in enumerate(rows[:-1]))
    else:
        text = text.replace("\n", ending)
    data = text.encode("utf-8", errors="surrogateescape")
    by_block, by_line = _both_ways(lambda: _election_or_problems(io.BytesIO(data)), monkeypatch)
    assert by_block == by_line  # blocks of bytes from a binary file
    # The same as lines (which a lone carriage return ends: not the same rows then).
    lines = data.splitlines(keepends=True)
    by_block, by_line = _both_ways(lambda: _election_or_problems(lines), monkeypatch)
    assert by_block == by_line
    if old == new:
        election, _ = by_block
        assert len(election.votes) == len(extra) + 4


def test_shared_files_read_by_blocks_as_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pabulib file of ../shared reads to the same election both ways."""
    if not SHARED.is_dir():
        pytest.skip(f"shared pabulib data not found at {SHARED}")
    paths = sorted(SHARED.glob("*.pb"))
    assert len(paths) > 200

    def read_all(lines: bool) -> list[Any]:
        found = []
        for path in paths:
            with path.open("rb") as handle:
                found.append(_election_or_problems(list(handle) if lines else handle))
        return found

    by_block, by_line = _both_ways(lambda: read_all(lines=True), monkeypatch)
    assert by_block == by_line
    assert read_all(lines=False) == by_line  # blocks of bytes from the open file


NAMES = ["1", "2", "3", "12", " 2", "x", "", "01", "99999999999999999999"]
LIMITS = st.builds(
    Limits,
    max_length=st.sampled_from([None, 2, 3]),
    max_sum_cost=st.sampled_from([None, 100, 1000]),
    max_points=st.sampled_from([None, 3]),
    max_sum_points=st.sampled_from([None, 5]),
)
"""Limits a file may set, for the ballot checks' property tests."""
KINDS = st.sampled_from(["approval", "ordinal", "choose-1", "cumulative", "scoring"])


@settings(max_examples=300, deadline=None)
@given(
    votes=st.lists(
        st.lists(st.sampled_from(NAMES), min_size=1, max_size=4), min_size=1, max_size=12
    ),
    words=st.booleans(),
    points=st.lists(st.sampled_from(["0", "1", "3", "12", " 1", "", "-1", "x"]), max_size=60),
    limits=LIMITS,
    vote_type=KINDS,
)
def test_ballots_checked_together_as_one_by_one(
    votes: list[list[str]],
    words: bool,
    points: list[str],
    limits: Limits,
    vote_type: str,
) -> None:
    """A block's ballots checked at once give what checking each gives, or ``None``.

    With project ids that are numbers (read by numpy) or words, and with points.
    """
    from barrio.core.pb.ballot_block import BlockChecker
    from barrio.core.pb.ballot_check import POINTS_TYPES, BallotChecker

    ids = ["a", "b", "c", "ab"] if words else ["1", "2", "3", "12"]
    names = dict(zip(["1", "2", "3", "12"], ids, strict=True))
    index = {project_id: i for i, project_id in enumerate(ids)}
    checker = BallotChecker(index, [60, 50, Fraction(25, 2), 30], vote_type, limits)
    texts = [",".join(names.get(name, name) for name in vote) for vote in votes]
    given: list[str] | None = None
    if vote_type in POINTS_TYPES:
        # Points for each ballot (as many as its projects unless the list runs short).
        flat = iter(points)
        given = [",".join(next(flat, "1") for _ in vote) for vote in votes]
    one_by_one = [
        checker.check(text.strip(), None if given is None else given[i].strip())
        for i, text in enumerate(texts)
    ]
    together = BlockChecker(checker).check(texts, given)
    if together is not None:
        assert together == one_by_one
    # It answers for every block of clean ballots written without padding ("01" is no id).
    clean = all(not ballot.reasons and not ballot.warnings for _, ballot in one_by_one)
    plain = all(
        name and name == name.strip() for text in texts + (given or []) for name in text.split(",")
    )
    assert (together is not None) == (clean and plain)


@settings(max_examples=300, deadline=None)
@given(
    votes=st.lists(st.lists(st.sampled_from(NAMES), max_size=4), min_size=1, max_size=12),
    points=st.lists(
        st.sampled_from(["0", "1", "3", "12", " 1", "", "-1", "x", "2.0", "+1", "1_0", "٣"]),
        max_size=60,
    ),
    limits=LIMITS,
    vote_type=KINDS,
)
def test_fast_paths_check_ballots_as_the_full_check(
    votes: list[list[str]],
    points: list[str],
    limits: Limits,
    vote_type: str,
) -> None:
    """Plain ballots take a shortcut through :meth:`BallotChecker.check`: it finds what the
    full check finds, problems and points included, for plain and messy texts alike."""
    from barrio.core.pb.ballot_check import POINTS_TYPES, BallotChecker

    index = {"1": 0, "2": 1, "3": 2, "12": 3}
    checker = BallotChecker(index, [60, 50, Fraction(25, 2), 30], vote_type, limits)
    flat = iter(points)
    for vote in votes:
        text = ",".join(vote)
        given = ",".join(next(flat, "1") for _ in vote) if vote_type in POINTS_TYPES else None
        assert checker.check(text, given) == checker.check_fully(text, given)


@settings(max_examples=300, deadline=None)
@given(
    whole=st.text(alphabet="0123456789", max_size=6),
    point=st.sampled_from([".", ",", ""]),
    decimals=st.text(alphabet="0123456789", max_size=6),
    padding=st.sampled_from(["", " ", "x", "-", "e3"]),
)
def test_money_is_read_exactly(whole: str, point: str, decimals: str, padding: str) -> None:
    """An amount is the exact decimal written (whole when it is), or a ``ValueError``:
    the shortcut for digits and a point gives what ``Fraction`` of the text gives."""
    text = whole + point + decimals + padding
    try:
        exact = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        exact = None
    if exact is None or "e" in text:
        with pytest.raises(ValueError, match=r"is not a (decimal )?number"):
            parse_money(text)
        return
    value = parse_money(text)
    assert value == exact
    assert isinstance(value, int) == (exact.denominator == 1)


def _many_votes(text: str, count: int = SMALL_BLOCK + 50) -> str:
    """``text`` with ``count`` voters casting its ballots in turn (read as a block)."""
    head, rows = text.split("VOTES\n")
    header, *ballots = rows.strip("\n").split("\n")
    votes = [f"v{i};" + ballots[i % len(ballots)].split(";", 1)[1] for i in range(count)]
    head = head.replace("num_votes;3", f"num_votes;{count}")
    return head + "VOTES\n" + header + "\n" + "\n".join(votes) + "\n"


DAMAGE = [
    *(b";", b'"', b",", b"\r", b"\n", b"\r\n", b" ", b"\t", b"\x00", b"\x0c", b"\x85"),
    *(b"0", b"1", b"9", b"-", b".", b"x", b"nan", b"1e308", b"99999999999999999999999"),
    *(b"\xff", b"\xc3", b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"META", b"PROJECTS", b"VOTES"),
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.sampled_from(
        [
            GOOD,
            POINTS,
            GOOD.replace("approval", "ordinal"),
            GOOD.replace("approval", "choose-1"),
            _many_votes(GOOD),
            _many_votes(POINTS.replace("max_sum_points;3", "min_length;1")),
        ]
    ),
    ending=st.sampled_from(["\n", "\r\n"]),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.sampled_from(["insert", "delete", "overwrite"]),
            st.sampled_from(DAMAGE),
            st.integers(1, 6),
        ),
        max_size=3,
    ),
)
def test_a_damaged_file_is_read_or_its_problems_named(
    text: str, ending: str, edits: list[tuple[float, str, bytes, int]]
) -> None:
    """Whatever bytes a file is damaged with (a fuzzer found the crashes fixed in sessions 12
    and 13 this way), the reader gives an election or one ``PbFileError`` whose problems name
    lines of the file, from a binary file as from its lines; never another exception. And
    every rule decides the election it gives, within the budget."""
    data = bytearray(text.replace("\n", ending).encode())
    for where, edit, piece, length in edits:
        at = int(where * len(data))
        if edit == "insert":
            data[at:at] = piece
        elif edit == "delete":
            del data[at : at + length]
        else:
            data[at : at + len(piece)] = piece
    lines = bytes(data).splitlines(keepends=True)
    for source in (io.BytesIO(bytes(data)), lines):
        found = _election_or_problems(source)
        if not isinstance(found[0], PbElection):
            assert found
            assert all(0 <= line <= len(lines) + 1 for line, _ in found)
            continue
        election, _ = found
        instance = instance_of(election)
        for profile in (profile_of(election), profile_of(election, as_approval=True)):
            for rule in RULES:
                if rule == "phragmen" and not profile.approval:
                    continue  # refused by design: Phragmén needs approval ballots
                threshold = 1 if rule == "greedy-threshold" else None
                outcome = decide(rule, instance, profile, threshold=threshold)
                spent = sum(instance.costs[p] for p in outcome.selected)
                assert spent == outcome.total_cost <= instance.budget
