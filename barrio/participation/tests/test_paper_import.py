"""Paper ballots: double entry by two officials, disagreements, resolution, bad tables."""

from __future__ import annotations

import pytest

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.models import (
    AllocationResult,
    Ballot,
    BallotChoice,
    PaperEntry,
    PaperTally,
)
from barrio.participation.services import (
    RunSpec,
    allocation_run_create,
    paper_entry_import,
    paper_tally_resolve,
    station_official_assign,
    vote_close,
)
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.paper_factories import (
    officials,
    paper_vote,
    sheet_rows,
    station,
    table,
)

pytestmark = pytest.mark.django_db

SHEETS = [(1, 1, 0), (0, 1, 0), (0, 0, 0), (1, 0, 1)]  # the third is blank


def setup(**fields):
    world = build_world()
    election, made, people = paper_vote(world, **fields)
    return world, election, made, people, election.pots.get()


def enter(person, made, pot, path, kind="sheets"):
    return paper_entry_import(actor=person, station=made, pot=pot, kind=kind, path=path)


def nothing_counted():
    return not (Ballot.objects.exists() or BallotChoice.objects.exists())


def test_two_agreeing_entries_count_every_filled_sheet(tmp_path):
    _world, election, made, people, pot = setup()
    path = table(tmp_path, sheet_rows(election, SHEETS))
    first, tally = enter(people[0], made, pot, path)
    assert first.number == 1
    assert tally is None
    assert nothing_counted()
    second, tally = enter(people[1], made, pot, path)
    assert second.number == 2
    assert tally.status == PaperTally.Status.COUNTED
    assert (tally.sheets, tally.counted, tally.disagreements) == (4, 4, [])
    assert Ballot.objects.filter(pot=pot).count() == 3  # the blank sheet is no ballot
    assert BallotChoice.objects.count() == 5


def test_every_disagreement_is_reported_and_only_agreeing_sheets_count(tmp_path):
    world, election, made, people, pot = setup()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    (boss,) = officials(world, 1, prefix="boss")  # an official who is also a manager
    grant(boss, Role.PROGRAMME_MANAGER, world.programme)
    station_official_assign(actor=world.manager, station=made, user=boss)
    enter(people[0], made, pot, table(tmp_path, sheet_rows(election, SHEETS), "a.csv"))
    typo = [(1, 1, 0), (0, 0, 1), (0, 0, 0), (1, 0, 1), (1, 0, 0)]  # sheet 2 differs; 5 extra
    _entry, tally = enter(boss, made, pot, table(tmp_path, sheet_rows(election, typo)))
    assert tally.status == PaperTally.Status.DISPUTED
    assert tally.disagreements == [
        {"sheet": "2", "project": ids[1], "first": 1, "second": 0},
        {"sheet": "2", "project": ids[2], "first": 0, "second": 1},
        {"sheet": "5", "project": None, "first": None, "second": "present"},
    ]
    assert Ballot.objects.count() == 2
    assert tally.counted == 3
    with pytest.raises(Conflict) as error:  # who typed an entry may not resolve it
        paper_tally_resolve(actor=boss, tally=tally, sheets={"2": {}, "5": {}})
    assert error.value.code == "four_eyes"
    for actor in (people[0], world.team):
        with pytest.raises(PermissionDenied):
            paper_tally_resolve(actor=actor, tally=tally, sheets={"2": {}, "5": {}})
    with pytest.raises(ValidationFailed) as error:
        paper_tally_resolve(actor=world.manager, tally=tally, sheets={"2": {ids[1]: 1}})
    assert [e.loc for e in error.value.errors] == [("sheets", "5")]
    with pytest.raises(ValidationFailed) as error:  # three projects: over the limit of two
        paper_tally_resolve(
            actor=world.manager,
            tally=tally,
            sheets={"2": {ids[0]: 1, ids[1]: 1, ids[2]: 1}, "5": {}},
        )
    assert Ballot.objects.count() == 2
    resolved = paper_tally_resolve(
        actor=world.manager, tally=tally, sheets={"2": {ids[1]: 1}, "5": {}}
    )
    assert resolved.status == PaperTally.Status.COUNTED
    assert resolved.resolved_by == world.manager
    assert Ballot.objects.count() == 3
    assert resolved.counted == 5
    with pytest.raises(Conflict) as error:
        paper_tally_resolve(actor=world.manager, tally=tally, sheets={})
    assert error.value.code == "not_disputed"


def test_the_second_entry_is_by_another_official_and_there_is_no_third(tmp_path):
    world, election, made, people, pot = setup()
    path = table(tmp_path, sheet_rows(election, SHEETS))
    enter(people[0], made, pot, path)
    with pytest.raises(Conflict) as error:
        enter(people[0], made, pot, path)
    assert error.value.code == "same_official"
    with pytest.raises(Conflict) as error:
        enter(people[1], made, pot, path, kind="counts")
    assert error.value.code == "other_kind"
    enter(people[1], made, pot, path)
    with pytest.raises(Conflict) as error:
        enter(people[1], made, pot, path)
    assert error.value.code == "entered_twice"
    with pytest.raises(PermissionDenied):
        enter(world.manager, made, pot, path)
    assert PaperEntry.objects.count() == 2


def bad_sheet_tables(election, refs):
    good = sheet_rows(election, SHEETS)
    return [
        ([["station", "sheet", "P-404"], ["M-01", 1, 1]], ("row", 1, "P-404")),
        ([["station", *refs], ["M-01", 1, 1, 1]], ("row", 1, "sheet")),
        ([*good, ["M-99", 9, 1, "", ""]], ("row", 6, "station")),
        ([*good, ["M-02", 9, 1, "", ""]], ("row", 6, "station")),
        ([*good, ["M-01", 1, 1, "", ""]], ("row", 6, "sheet")),
        ([*good, ["M-01", 9, 1, 1, 1]], ("row", 6, "sheet")),  # three of up to two
        ([*good, ["M-01", 9, 2, "", ""]], ("row", 6, refs[0])),
        ([*good, ["M-01", 9, -1, "", ""]], ("row", 6, refs[0])),
        ([*good, ["M-01", 9, "sí", "", ""]], ("row", 6, refs[0])),
        ([*good, ["M-01", "", 1, "", ""]], ("row", 6, "sheet")),
    ]


def test_a_bad_sheet_table_is_refused_row_and_column_and_nothing_is_stored(tmp_path):
    world, election, made, people, pot = setup()
    station(world, election, people[:1], code="M-02")
    refs = [item.proposal.reference for item in pot.items.order_by("position")]
    for number, (rows, loc) in enumerate(bad_sheet_tables(election, refs)):
        with pytest.raises(ValidationFailed) as error:
            enter(people[0], made, pot, table(tmp_path, rows, f"{number}.csv"))
        assert loc in [e.loc for e in error.value.errors], (number, error.value.errors)
    assert not PaperEntry.objects.exists()
    assert nothing_counted()


def counts_table(tmp_path, pot, sheets, votes, name="t.csv", station_code="M-01"):
    refs = [item.proposal.reference for item in pot.items.order_by("position")]
    return table(tmp_path, [["station", "sheets", *refs], [station_code, sheets, *votes]], name)


@pytest.mark.parametrize(
    ("sheets", "votes", "column"),
    [
        (10, (11, 0, 0), 0),  # more votes than sheets
        (10, (-1, 0, 0), 0),  # negative
        (-3, (1, 0, 0), "sheets"),
        (10, (10, 10, 1), "sheets"),  # 21 votes: 10 sheets of up to 2 hold 20
        (10, ("x3", 0, 0), 0),
    ],
)
def test_impossible_totals_are_refused_and_nothing_is_stored(tmp_path, sheets, votes, column):
    _world, _election, made, people, pot = setup()
    refs = [item.proposal.reference for item in pot.items.order_by("position")]
    with pytest.raises(ValidationFailed) as error:
        enter(people[0], made, pot, counts_table(tmp_path, pot, sheets, votes), kind="counts")
    name = column if isinstance(column, str) else refs[column]
    assert ("row", 2, name) in [e.loc for e in error.value.errors]
    assert not PaperEntry.objects.exists()


def test_totals_are_refused_where_the_rule_needs_every_ballot(tmp_path):
    _world, _election, made, people, pot = setup(rule="mes")
    with pytest.raises(ValidationFailed) as error:
        enter(people[0], made, pot, counts_table(tmp_path, pot, 5, (1, 2, 3)), kind="counts")
    assert [e.loc for e in error.value.errors] == [("kind",)]
    assert not PaperEntry.objects.exists()


def test_totals_count_in_a_greedy_run_and_forbid_a_run_by_equal_shares(tmp_path):
    world, election, made, people, pot = setup()
    enter(people[0], made, pot, counts_table(tmp_path, pot, 10, (2, 9, 4)), kind="counts")
    _e, tally = enter(
        people[1], made, pot, counts_table(tmp_path, pot, 10, (2, 9, 4), "b.csv"), kind="counts"
    )
    assert tally.status == PaperTally.Status.COUNTED
    assert tally.counted == 10
    election = vote_close(actor=world.manager, election=election, now=election.closes_at)
    run = allocation_run_create(actor=world.manager, election=election)
    votes = dict(
        AllocationResult.objects.filter(run=run).values_list("item__proposal__reference", "votes")
    )
    refs = [item.proposal.reference for item in pot.items.order_by("position")]
    assert [votes[r] for r in refs] == [2, 9, 4]
    assert run.voter_count == 10
    with pytest.raises(ValidationFailed) as error:
        allocation_run_create(actor=world.manager, election=election, spec=RunSpec(rule="mes"))
    assert [e.loc for e in error.value.errors] == [("rule",)]


def test_disputed_totals_count_only_once_resolved(tmp_path):
    world, _election, made, people, pot = setup()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    enter(people[0], made, pot, counts_table(tmp_path, pot, 10, (2, 9, 4)), kind="counts")
    _e, tally = enter(
        people[1], made, pot, counts_table(tmp_path, pot, 11, (2, 8, 4), "b.csv"), kind="counts"
    )
    assert tally.disagreements == [
        {"sheet": None, "project": "sheets", "first": 10, "second": 11},
        {"sheet": None, "project": ids[1], "first": 9, "second": 8},
    ]
    assert tally.counts == {}
    assert tally.counted == 0
    with pytest.raises(ValidationFailed):
        paper_tally_resolve(actor=world.manager, tally=tally, totals={ids[1]: 12}, sheet_count=10)
    resolved = paper_tally_resolve(
        actor=world.manager, tally=tally, totals={ids[0]: 2, ids[1]: 9, ids[2]: 4}, sheet_count=10
    )
    assert resolved.counts == {str(ids[0]): 2, str(ids[1]): 9, str(ids[2]): 4}


def test_paper_sheets_count_in_a_run_of_any_rule(tmp_path):
    world, election, made, people, pot = setup(rule="mes")
    path = table(tmp_path, sheet_rows(election, SHEETS))
    enter(people[0], made, pot, path)
    enter(people[1], made, pot, path)
    election = vote_close(actor=world.manager, election=election, now=election.closes_at)
    run = allocation_run_create(actor=world.manager, election=election)
    assert run.voter_count == 3
    assert sorted(AllocationResult.objects.filter(run=run).values_list("votes", flat=True)) == [
        1,
        2,
        2,
    ]
