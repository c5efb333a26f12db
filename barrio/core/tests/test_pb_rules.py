"""Worked examples of every rule, tie-breaking, explanations, pots and the command line."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from barrio.core.pb import (
    GreedyParams,
    Instance,
    MesParams,
    Pot,
    ProjectExplanation,
    TieBreaking,
    decide,
    equal_shares,
    greedy,
    kernels,
    make_profile,
    phragmen,
    split_pots,
)
from barrio.core.pb.cli import main
from barrio.core.pb.equal_shares import add1
from barrio.core.pb.greedy import _with_remaining
from barrio.core.pb.mes import prepare, run_mes
from barrio.core.pb.profile import IntArray, Profile

SLICES = Path(__file__).resolve().parent / "data" / "pb"


def approval(*ballots: tuple[int, ...], repeat: int = 1) -> list[dict[int, int]]:
    return [dict.fromkeys(ballot, 1) for ballot in ballots] * repeat


def test_greedy_skips_what_does_not_fit_and_explains_it() -> None:
    """Most votes first; a project too big for what is left is passed over."""
    instance = Instance(("a", "b", "c", "d"), (50, 40, 30, 20), 100)
    profile = make_profile(approval((0, 1), (0, 1), (0, 2), (1,), (2, 3), (3,)), 4, approval=True)
    outcome = greedy(instance, profile)
    assert outcome.selected_ids() == ["a", "b"]
    c = outcome.explanations[2]
    assert (c.reason, c.remaining_budget, c.votes) == ("did-not-fit", 10, 2)
    assert outcome.explanations[0].round == 1


def test_greedy_without_skipping_stops_at_the_first_misfit() -> None:
    """Without skipping, the project after the misfit is 'stopped', though it would fit."""
    instance = Instance(("a", "b", "c"), (60, 50, 10), 100)
    profile = make_profile(approval((0,), (0, 1), (1,), (2,)), 3, approval=True)
    assert greedy(instance, profile).selected_ids() == ["a", "c"]
    outcome = greedy(instance, profile, GreedyParams(skip=False))
    assert outcome.selected_ids() == ["a"]
    assert [e.reason for e in outcome.explanations] == ["funded", "did-not-fit", "stopped"]


def test_greedy_threshold_excludes_low_scores() -> None:
    """A project under the minimum score is not eligible even if money is left."""
    instance = Instance(("a", "b"), (10, 10), 100)
    profile = make_profile(approval((0,), (0,), (1,)), 2, approval=True)
    outcome = decide("greedy-threshold", instance, profile, threshold=2)
    assert outcome.selected_ids() == ["a"]
    assert outcome.explanations[1].reason == "below-threshold"
    with pytest.raises(ValueError, match="needs a threshold"):
        decide("greedy-threshold", instance, profile)


def test_greedy_cardinality_orders_by_votes_per_cost() -> None:
    """Under cardinality satisfaction, a cheap project with fewer votes can go first."""
    instance = Instance(("a", "b"), (90, 10), 95)
    profile = make_profile(approval((0,), (0,), (0, 1)), 2, approval=True)
    assert greedy(instance, profile).selected_ids() == ["a"]
    params = GreedyParams(sat="cardinality")
    assert greedy(instance, profile, params).selected_ids() == ["b"]


def test_tie_breaking_by_id_compares_strings() -> None:
    """pabutools' order: '10' comes before '9' because ids compare as strings."""
    instance = Instance(("9", "10"), (10, 10), 10)
    profile = make_profile(approval((0, 1)), 2, approval=True)
    assert greedy(instance, profile).selected_ids() == ["10"]
    assert decide("mes", instance, profile).selected_ids() == ["10"]
    assert phragmen(instance, profile).selected_ids() == ["10"]


def test_tie_breaking_equalshares_lowest_cost_then_votes_then_lot() -> None:
    """equalshares.net's order: lowest cost, then most votes, then a seeded lot."""
    instance = Instance(("a", "b", "c", "d"), (5, 4, 4, 4), 100)
    profile = make_profile(approval((0, 1, 2, 3), (2,), (3,)), 4, approval=True)
    ranks = TieBreaking("equalshares", seed=1).ranks(instance, profile)
    assert ranks[0] == 3  # the most expensive comes last
    assert ranks[1] == 2  # b has fewer votes than c and d
    lots = {tuple(TieBreaking("equalshares", seed).ranks(instance, profile)) for seed in range(20)}
    assert lots == {(3, 2, 0, 1), (3, 2, 1, 0)}  # c and d are drawn by lot, reproducibly
    assert TieBreaking("equalshares", 7).ranks(instance, profile).tolist() == (
        TieBreaking("equalshares", 7).ranks(instance, profile).tolist()
    )
    with pytest.raises(ValueError, match="unknown tie-breaking"):
        TieBreaking("coin")  # type: ignore[arg-type]


def test_mes_worked_example_with_shares_and_reasons() -> None:
    """Budget 100 among 4 voters (25 each).

    Three voters want A (cost 60): they pay 20 each. B (cost 30) is wanted by the fourth voter
    and one A voter: they hold 25 + 5, exactly 30, so B is funded with the A voter paying
    their last 5 and the other paying 25. C (cost 20) is wanted by an A voter alone, who has
    5 left: not funded, with 5 of money and 20 needed.
    """
    instance = Instance(("A", "B", "C"), (60, 30, 20), 100)
    profile = make_profile(approval((0, 1), (0, 2), (0,), (1,)), 3, approval=True)
    outcome = equal_shares(instance, profile)
    assert outcome.selected_ids() == ["A", "B"]
    a, b, c = outcome.explanations
    assert (a.shares[0].voters, a.shares[0].amount) == (3, Fraction(20))
    assert (b.shares[0].amount, b.partial_voters, b.partial_amount) == (
        Fraction(25),
        1,
        Fraction(5),
    )
    assert c.reason == "mes-unaffordable"
    assert (c.supporters_money, c.needed_per_supporter) == (Fraction(5), Fraction(20))
    assert outcome.voter_budget == 25


def test_mes_ties_are_exact_and_broken_by_id() -> None:
    """Two projects at the same exact price per unit (1/3): the smaller id goes first."""
    instance = Instance(("y", "x"), (2, 1), 6)
    profile = make_profile(approval((0,), (0,), (0,), (1,), (1,), (1,)), 2, approval=True)
    data = prepare(instance, profile, "cost", TieBreaking().ranks(instance, profile))
    run = run_mes(data, Fraction(1))
    assert run.winners == (1, 0)
    assert run.prices == (Fraction(1, 3), Fraction(2, 3))


def test_mes_cardinal_utilities() -> None:
    """With points, a supporter pays in proportion to the points they gave."""
    instance = Instance(("A", "B"), (30, 60), 90)
    profile = make_profile([{0: 2, 1: 1}, {0: 1}, {1: 3}], 2, approval=False)
    outcome = equal_shares(instance, profile, MesParams(sat="cardinality"))
    a = outcome.explanations[0]
    assert a.reason == "funded"
    assert sorted((s.voters, s.amount) for s in a.shares) == [(1, Fraction(10)), (1, Fraction(20))]


def test_add1_stopping_rules_differ() -> None:
    """'exhaustive' stops at the first exhaustive outcome; 'overspend' keeps raising.

    Budget 10, 5 voters: A (cost 6) has 3 supporters, B (cost 3) 2 supporters, C (cost 4)
    the same 2. At 2 each, A (3 x 2 = 6) and B are funded: cost 9, exhaustive. Raising to
    3 each lets B's voters also... the two rules must agree with step-by-step runs.
    """
    instance = Instance(("A", "B", "C"), (6, 3, 4), 10)
    profile = make_profile(approval((0,), (0,), (0,), (1, 2), (1, 2)), 3, approval=True)
    for stop in ("exhaustive", "overspend"):
        params = MesParams(add1=True, stop=stop)
        data = prepare(instance, profile, "cost", TieBreaking().ranks(instance, profile))
        assert add1(data, params).winners == naive_add1(instance, profile, stop)


def naive_add1(instance: Instance, profile: object, stop: str) -> tuple[int, ...]:
    """Add1 one step at a time, as pabutools and equalshares.net run it."""
    assert hasattr(profile, "num_voters")
    data = prepare(instance, profile, "cost", TieBreaking().ranks(instance, profile))  # type: ignore[arg-type]
    budget = Fraction(instance.budget) / profile.num_voters
    previous: tuple[int, ...] = ()
    candidates = set(data.candidates)
    if stop == "overspend" and instance.total_cost(data.candidates) <= instance.budget:
        return run_mes(data, budget).winners
    for _ in range(10_000):
        winners = run_mes(data, budget).winners
        cost = instance.total_cost(winners)
        if cost > instance.budget:
            return previous
        left = instance.budget - cost
        exhaustive = not any(instance.costs[p] <= left for p in candidates - set(winners))
        if stop == "exhaustive" and exhaustive:
            return winners
        previous = winners
        budget += 1
    raise AssertionError("Add1 did not stop")


def test_mes_add1_greedy_completion_on_assen() -> None:
    """Assen 2024: Add1 funds 9 projects; the greedy completion adds project 7."""
    from barrio.core.pb import instance_of, parse_pb, profile_of

    with (SLICES / "Netherlands_Assen_2024.pb").open("rb") as handle:
        election = parse_pb(handle)
    instance, profile = instance_of(election), profile_of(election)
    plain = decide("mes-add1", instance, profile)
    completed = decide("mes-add1-greedy", instance, profile)
    assert set(completed.selected_ids()) - set(plain.selected_ids()) == {"7"}
    seven = completed.explanations[completed.selected[-1]]
    assert (seven.project_id, seven.stage, seven.round) == ("7", "completion", 10)
    assert completed.voter_budget is not None
    assert completed.voter_budget == plain.voter_budget
    assert completed.voter_budget > Fraction(100000, 84)


def test_mes_comparison_switches_to_greedy_when_more_voters_prefer_it() -> None:
    """Everything fits the budget, so (as equalshares.net does) plain MES runs: it funds A
    only, as B's lone supporter holds 2.5 of its 4. Greedy funds both; one voter prefers that
    and nobody prefers MES, so greedy's outcome is taken."""
    instance = Instance(("A", "B"), (6, 4), 10)
    profile = make_profile(approval((0,), (0,), (0,), (1,)), 2, approval=True)
    compared = decide("mes-add1-comparison", instance, profile)
    assert dict(compared.notes) == {"prefer_mes": "0", "prefer_greedy": "1"}
    assert compared.selected_ids() == ["A", "B"]
    assert [e.stage for e in compared.explanations] == ["greedy", "greedy"]


def test_phragmen_stops_at_the_first_project_that_does_not_fit() -> None:
    """Sequential Phragmén does not skip: the first project that does not fit ends it."""
    instance = Instance(("A", "B", "C"), (8, 5, 1), 10)
    profile = make_profile(approval((0,), (0,), (0,), (1,), (1,), (2,)), 3, approval=True)
    outcome = phragmen(instance, profile)
    # Levels: C 1/1, B 5/2, A 8/3; C and B fit (6), A would need 14 > 10.
    assert outcome.selected_ids() == ["C", "B"]
    assert [e.reason for e in outcome.explanations] == ["did-not-fit", "funded", "funded"]
    assert outcome.explanations[1].shares[0].amount == Fraction(5, 2)
    assert outcome.explanations[0].remaining_budget == 4


def test_phragmen_needs_approval_ballots() -> None:
    """Points must be converted first."""
    instance = Instance(("A",), (1,), 1)
    with pytest.raises(ValueError, match="approval"):
        phragmen(instance, make_profile([{0: 2}], 1, approval=False))


def _blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_rules_run_blas_on_one_thread_and_restore_the_limit() -> None:
    """MES and Phragmén limit numpy's BLAS to one thread while they run, and restore it.

    (Its threads spin between the thousands of small dot products a run makes: twice the CPU
    time on the largest files for nothing.) The tie-breaking's ``ranks``, which both rules
    call, reports what BLAS is set to at that moment.
    """
    seen: list[list[int]] = []

    @dataclasses.dataclass(frozen=True)
    class Watching(TieBreaking):
        def ranks(self, instance: Instance, profile: Profile) -> IntArray:
            seen.append(_blas_threads())
            return super().ranks(instance, profile)

    instance = Instance(("A", "B"), (6, 4), 10)
    profile = make_profile(approval((0,), (0,), (0,), (1,)), 2, approval=True)
    # Once before, so that every BLAS library is loaded (numba loads scipy's when it first
    # compiles or loads the compiled loops): the pools counted below stay the same.
    equal_shares(instance, profile, MesParams(add1=True))
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        equal_shares(instance, profile, MesParams(add1=True, tie_breaking=Watching()))
        phragmen(instance, profile, Watching())
        after = _blas_threads()
    assert before
    assert set(before) == {2}
    assert seen == [[1] * len(before)] * 2
    assert after == before


def test_split_pots_without_and_with_carry_over() -> None:
    """District pots decide alone; unspent district money can go to the city-wide pot."""
    instance = Instance(("n1", "s1", "city"), (5, 4, 10), 20)
    profile = make_profile(approval((0, 2), (1, 2), (2,)), 3, approval=True)
    pots = [Pot("north", 6, (0,), (0,)), Pot("south", 6, (1,), (1,)), Pot("city", 9, (2,))]
    assert split_pots(instance, profile, pots, greedy).selected_ids() == ["n1", "s1"]
    carried = split_pots(instance, profile, pots, greedy, carry_over=True)
    assert carried.selected_ids() == ["n1", "s1", "city"]
    assert [e.round for e in carried.explanations] == [1, 2, 3]
    with pytest.raises(ValueError, match="in no pot"):
        split_pots(instance, profile, pots[:2], greedy)


def test_unknown_rule_is_a_value_error() -> None:
    instance = Instance(("A",), (1,), 1)
    with pytest.raises(ValueError, match="unknown rule"):
        decide("borda", instance, make_profile([{0: 1}], 1, approval=True))


def test_cli_json_on_assen(capsys: pytest.CaptureFixture[str]) -> None:
    """The analysts' command prints the city's selection with explanations."""
    path = SLICES / "Netherlands_Assen_2024.pb"
    assert main([str(path), "--rule", "mes-add1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert sorted(result["selected"]) == ["11", "12", "13", "14", "2", "3", "5", "6", "9"]
    assert (result["budget"], result["total_cost"]) == (100000, 76700)
    assert result["seconds"] < 5
    assert result["loading_seconds"] >= 0
    assert len(result["explanations"]) == 14
    assert main([str(path), "--rule", "phragmen"]) == 0
    assert "funded in round 1" in capsys.readouterr().out


def test_compiled_loops_work_where_numba_cannot_cache_them() -> None:
    """Without a writable place for numba's cache (here: a function with no source file),
    a compiled loop is compiled in the process instead of failing the import."""
    namespace: dict[str, Any] = {}
    exec("def twice(values):\n    return values * 2\n", namespace)  # noqa: S102
    assert kernels.compiled(namespace["twice"])(np.arange(3)).tolist() == [0, 2, 4]


_LOADED_THEN_DECIDED = """
import json, sys
from pathlib import Path
from barrio.core.pb import MES_RULES, decide, instance_of, kernels, load_rule, parse_pb, profile_of
load_rule("mes")
loops = {name: f for name, f in vars(kernels).items() if hasattr(f, "signatures")}
before = {name: len(f.signatures) for name, f in loops.items()}
for path in sorted(Path(sys.argv[1]).glob("*.pb")):
    with path.open("rb") as handle:
        election = parse_pb(handle)
    for as_approval in (True, False):
        profile = profile_of(election, as_approval=as_approval)
        if profile.approval or not as_approval:
            for rule in MES_RULES:
                decide(rule, instance_of(election), profile)
print(json.dumps([before, {name: len(f.signatures) for name, f in loops.items()}]))
"""


def test_after_the_compiled_loops_are_loaded_no_election_waits_for_numba() -> None:
    """``load_rule`` (``kernels.load``) calls every compiled loop with the types the runs pass:
    in a new process, deciding the sample files (approval, points, rankings) with the MES
    rules afterwards loads nothing more (a new signature would be loaded, or compiled, during an
    election: the command line times the election after ``load``)."""
    script = [sys.executable, "-c", _LOADED_THEN_DECIDED, str(SLICES)]
    child = subprocess.run(script, capture_output=True, text=True, timeout=300, check=True)
    before, after = json.loads(child.stdout)
    assert set(before) >= {"price", "near_share", "grow", "fund", "loser_bounds"}
    # (``_solve`` is compiled into its callers: its own entry may stay empty.)
    assert all(count >= 1 for name, count in before.items() if name != "_solve")
    assert after == before


def test_cli_stops_quietly_when_its_reader_goes_away() -> None:
    """``barrio-pb FILE | head`` closes the pipe early: the command stops with status 1 and
    says nothing on its error output (no traceback of the broken pipe)."""
    path = SLICES / "Netherlands_Assen_2024.pb"
    command = [sys.executable, "-m", "barrio.core.pb.cli", str(path), "--rule", "mes-add1"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.close()  # before it prints: its first write finds no reader
    errors = child.stderr.read()
    assert child.wait(timeout=120) == 1
    assert errors == b""


def test_cli_bad_file_exits_2_naming_line_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken file exits with status 2 and one 'FILE:LINE: reason' per problem."""
    text = (SLICES / "Netherlands_Assen_2024.pb").read_text("utf-8").replace("3;7200;", "3;0;")
    bad = tmp_path / "bad.pb"
    bad.write_text(text, "utf-8")
    assert main([str(bad), "--rule", "greedy"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:20: cost must be greater than 0, got '0'" in err
    assert main([str(tmp_path / "missing.pb"), "--rule", "greedy"]) == 2


def test_cli_names_a_row_csv_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A carriage return alone inside a vote is a bad file (status 2, its line named), not a
    traceback from the csv module."""
    data = (SLICES / "Netherlands_Assen_2024.pb").read_bytes()
    first_vote = data.index(b"\n", data.index(b"voter_id;vote")) + 1
    line = data[:first_vote].count(b"\n") + 1
    cut = data.index(b";", first_vote) + 2
    bad = tmp_path / "bad.pb"
    bad.write_bytes(data[:cut] + b"\r" + data[cut:])
    assert main([str(bad), "--rule", "greedy"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:{line}: the row cannot be read: a line break inside a field" in err


def test_cli_ordinal_file_with_and_without_as_approval(capsys: pytest.CaptureFixture[str]) -> None:
    """Rankings are scored by position unless converted to approvals."""
    path = next(SLICES.glob("*rankings.pb"))
    assert main([str(path), "--rule", "greedy", "--json"]) == 0
    by_points = json.loads(capsys.readouterr().out)["selected"]
    assert main([str(path), "--rule", "phragmen", "--json", "--as-approval"]) == 0
    assert json.loads(capsys.readouterr().out)["selected"]
    assert by_points


def test_a_greedy_explanation_keeps_every_field_with_its_remaining_budget() -> None:
    """``_with_remaining`` copies an explanation field by field (cheaper than
    ``dataclasses.replace``): it must give what ``replace`` gives, every field included."""
    values = {
        field.name: (field.name, index)
        for index, field in enumerate(dataclasses.fields(ProjectExplanation))
    }
    explanation = ProjectExplanation(**values)  # type: ignore[arg-type]
    assert _with_remaining(explanation, 7) == dataclasses.replace(explanation, remaining_budget=7)
