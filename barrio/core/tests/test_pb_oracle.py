"""Our rules against the reference (pabutools) and against the cities' own results.

* Every file x rule for which ``bench/record_pb_reference.py`` recorded pabutools' outcome
  (``data/pabutools_reference.json``) must give the same selection here. Recording is done
  once because pabutools is far too slow to rerun in the suite (minutes per file for Add1).
* pabutools is also run live, on a handful of small files and on random elections.
* Where a file's META ``rule`` is one we implement and it has a ``selected`` column, our
  outcome must be the city's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barrio.core.pb import (
    Instance,
    MesParams,
    PbElection,
    decide,
    equal_shares,
    instance_of,
    make_profile,
    parse_pb,
    profile_of,
)

HERE = Path(__file__).resolve().parent
SLICES = HERE / "data" / "pb"
REFERENCE = HERE / "data" / "pabutools_reference.json"
SHARED = HERE.parents[2].parent / "shared" / "data" / "pabulib"
RECORDED_AT_LEAST = 200
"""Files of ../shared the record covers (all 238 minus those still being recorded)."""
CITY_RULES = {
    "greedy": "greedy",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-threshold": "greedy-threshold",
    "equalshares/add1": "mes-add1",
    "equalshares/add1-comparison": "mes-add1-comparison",
}


def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared pabulib data not found at {SHARED}")
    return SHARED


def read(path: Path) -> PbElection:
    with path.open("rb") as handle:
        return parse_pb(handle)


def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE.read_text("utf-8"))
    return data


def test_reference_record_is_versioned_and_sound() -> None:
    """The record was made with the pinned pabutools, names only shared files, and has no
    failed runs (a run over its time cap is recorded as such, see docs/allocation.md)."""
    record = reference()
    assert record["pabutools_version"] == "1.2.3"
    files = record["files"]
    assert len(files) >= RECORDED_AT_LEAST
    if SHARED.is_dir():
        assert set(files) <= {p.name for p in SHARED.glob("*.pb")}
    assert all("error" not in result for result in files.values())


def ours_by_rule(election: PbElection, rules: set[str]) -> Iterator[tuple[str, list[str]]]:
    """Our selections, as pabutools users compute them (non-approval ballots as approval)."""
    instance, profile = instance_of(election), profile_of(election, as_approval=True)
    for rule in sorted(rules - {"mes-add1", "mes-add1-greedy"}):
        yield rule, sorted(decide(rule, instance, profile).selected_ids())
    if rules & {"mes-add1", "mes-add1-greedy"}:
        # One run gives both: the completion only adds to Add1's outcome, marking its stage.
        outcome = equal_shares(instance, profile, MesParams(add1=True, completion=True))
        explained = outcome.explanations
        yield (
            "mes-add1",
            sorted(
                explained[p].project_id for p in outcome.selected if explained[p].stage == "mes"
            ),
        )
        yield "mes-add1-greedy", sorted(outcome.selected_ids())


def test_every_recorded_file_and_rule_matches_pabutools() -> None:
    """Same selection as pabutools 1.2.3 for every file x rule it finished within its cap."""
    folder = shared_dir()
    mismatches, compared = [], 0
    for name, results in sorted(reference()["files"].items()):
        recorded = {
            rule: r["selected"]
            for rule, r in results.items()
            if isinstance(r, dict) and "selected" in r
        }
        for rule, selected in ours_by_rule(read(folder / name), set(recorded)):
            if rule in recorded:
                compared += 1
                if selected != recorded[rule]:
                    mismatches.append((name, rule))
    assert mismatches == []
    assert compared >= 4 * len(reference()["files"])  # at most one rule in five timed out


# Wieliczka (95 kB) is left to the recorded reference: pabutools takes seconds on it.
SMALL_SLICES = sorted(p for p in SLICES.glob("*.pb") if p.stat().st_size < 50_000)


@pytest.mark.parametrize("path", SMALL_SLICES, ids=lambda p: p.stem[:40])
def test_live_pabutools_on_small_files(path: Path) -> None:
    """pabutools run now, on the bundled slices, agrees with us on every rule it has."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, parse_pabulib
    from pabutools.rules import (
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    p_instance, p_profile = parse_pabulib(str(path))
    if not isinstance(p_profile, ApprovalProfile):
        # Points > 0, or any rank (ordinal ballots map ranked projects to None).
        p_profile = ApprovalProfile(
            [
                ApprovalBallot([p for p, v in ballot.items() if v is None or v > 0])
                for ballot in p_profile
            ],
            instance=p_instance,
        )
    theirs = {
        "greedy": greedy_utilitarian_welfare(p_instance, p_profile, sat_class=Cost_Sat),
        "mes": method_of_equal_shares(p_instance, p_profile, sat_class=Cost_Sat),
        "phragmen": sequential_phragmen(p_instance, p_profile),
    }
    if p_instance.budget_limit / p_profile.num_ballots() < 1000:
        # pabutools' Add1 takes one MES run per currency unit per voter: only cheap here.
        theirs["mes-add1"] = method_of_equal_shares(
            p_instance, p_profile, sat_class=Cost_Sat, voter_budget_increment=1
        )
    ours = dict(ours_by_rule(read(path), set(theirs)))
    for rule, outcome in theirs.items():
        assert ours[rule] == sorted(p.name for p in outcome), rule


def city_cases() -> list[Path]:
    """Files whose META names a rule we implement and whose projects have ``selected``.

    Only the head of each file is looked at (reading all 238 files in full would double the
    cost of this test).
    """
    paths = sorted(SLICES.glob("*.pb"))
    if SHARED.is_dir():
        paths += sorted(SHARED.glob("*.pb"))
    found = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            head = [line.strip() for _, line in zip(range(80), handle, strict=False)]
        rules = {line.split(";", 1)[1] for line in head if line.startswith("rule;")}
        if rules & set(CITY_RULES) and any(
            line.startswith("project_id;") and "selected" in line.split(";") for line in head
        ):
            found.append(path)
    return found


def test_cities_own_selection() -> None:
    """Where the file says which rule the city used and what it selected, we agree.

    Łódź, Warszawa, Wrocław, Gdańsk... (greedy, with ordinal Kraków scored by position),
    Gdynia (greedy without skipping, threshold), Katowice (threshold), Świecie and Assen
    (MES + Add1), Wieliczka (MES + Add1 + comparison with greedy: its 30 projects).
    """
    checked = []
    for path in city_cases():
        election = read(path)
        rule = CITY_RULES.get(election.meta_value("rule") or "")
        if rule is None or "selected" not in election.project_header:
            continue
        city = sorted(p.project_id for p in election.projects if p.field("selected") == "1")
        threshold = election.meta_value("min_project_score_threshold")
        outcome = decide(
            rule,
            instance_of(election),
            profile_of(election),
            threshold=int(threshold) if threshold else None,
        )
        assert sorted(outcome.selected_ids()) == city, path.name
        checked.append(path.name)
    assert "Poland_Wieliczka_2023_Green_Budget.pb" in checked
    if SHARED.is_dir():
        assert len(checked) >= 16


@st.composite
def small_elections(draw: st.DrawFn) -> tuple[Instance, list[dict[int, int]]]:
    count = draw(st.integers(1, 6))
    costs = tuple(draw(st.lists(st.integers(1, 20), min_size=count, max_size=count)))
    ballot = st.sets(st.integers(0, count - 1), max_size=count)
    ballots = draw(st.lists(ballot, min_size=1, max_size=10))
    instance = Instance(
        tuple(str(i * 7 % 11) for i in range(count)), costs, draw(st.integers(1, 50))
    )
    return instance, [dict.fromkeys(b, 1) for b in ballots]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_elections())
def test_live_pabutools_on_random_elections(
    election: tuple[Instance, list[dict[int, int]]],
) -> None:
    """On random approval elections (ids chosen so string order differs from number order),
    greedy, MES, MES + Add1 and Phragmén select what pabutools selects."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Project
    from pabutools.election import Instance as PInstance
    from pabutools.rules import (
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    instance, ballots = election
    projects = [
        Project(pid, cost) for pid, cost in zip(instance.project_ids, instance.costs, strict=True)
    ]
    p_instance = PInstance(projects, budget_limit=instance.budget)
    p_profile = ApprovalProfile(
        [ApprovalBallot([projects[p] for p in ballot]) for ballot in ballots], instance=p_instance
    )
    profile = make_profile(ballots, instance.num_projects, approval=True)
    theirs = {
        "greedy": greedy_utilitarian_welfare(p_instance, p_profile, sat_class=Cost_Sat),
        "mes": method_of_equal_shares(p_instance, p_profile, sat_class=Cost_Sat),
        "mes-add1": method_of_equal_shares(
            p_instance, p_profile, sat_class=Cost_Sat, voter_budget_increment=1
        ),
        "phragmen": sequential_phragmen(p_instance, p_profile),
    }
    for rule, outcome in theirs.items():
        ours = sorted(decide(rule, instance, profile).selected_ids())
        assert ours == sorted(p.name for p in outcome), rule
