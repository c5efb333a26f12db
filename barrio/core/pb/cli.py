"""``barrio-pb``: recompute a published participatory-budgeting result from a ``.pb`` file.

This is a file adapter (it opens files, reads the clock and prints); everything it computes
comes from the pure modules of :mod:`barrio.core.pb`. Usage::

    barrio-pb FILE.pb --rule mes-add1-greedy [--json] [--as-approval]

A file that breaks the format exits with status 2 and one line per problem,
``FILE:LINE: reason``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from barrio.core.pb.errors import PbFileError
from barrio.core.pb.model import Money
from barrio.core.pb.outcome import Outcome, ProjectExplanation
from barrio.core.pb.profile import instance_of, profile_of
from barrio.core.pb.reader import parse_pb
from barrio.core.pb.rules import RULES, decide, load_rule
from barrio.core.pb.tiebreak import TieBreaking

EXIT_BAD_INPUT = 2
EXIT_CLOSED_OUTPUT = 1


def _money(value: Money | None) -> int | str | None:
    """JSON form of an exact amount: an int, or ``"numerator/denominator"``."""
    if value is None:
        return None
    if isinstance(value, int) or value.denominator == 1:
        return int(value)
    return f"{value.numerator}/{value.denominator}"


def _explanation_json(e: ProjectExplanation) -> dict[str, Any]:
    return {
        "project_id": e.project_id,
        "cost": _money(e.cost),
        "votes": e.votes,
        "score": e.score,
        "reason": e.reason,
        "round": e.round,
        "stage": e.stage,
        "shares": [{"voters": s.voters, "amount": _money(s.amount)} for s in e.shares],
        "partial_voters": e.partial_voters,
        "partial_amount": _money(e.partial_amount),
        "remaining_budget": _money(e.remaining_budget),
        "supporters_money": _money(e.supporters_money),
        "needed_per_supporter": _money(e.needed_per_supporter),
    }


def outcome_json(
    outcome: Outcome, path: str, seconds: float, loading: float = 0.0
) -> dict[str, Any]:
    """The ``--json`` document for ``outcome`` (``seconds`` to read and decide, ``loading``
    to load the compiled loops before)."""
    return {
        "file": path,
        "rule": outcome.rule,
        "budget": _money(outcome.budget),
        "total_cost": _money(outcome.total_cost),
        "selected": outcome.selected_ids(),
        "seconds": round(seconds, 4),
        "loading_seconds": round(loading, 4),
        "voter_budget": _money(outcome.voter_budget),
        "notes": dict(outcome.notes),
        "explanations": [_explanation_json(e) for e in outcome.explanations],
    }


def _approx(value: Money | Fraction) -> str:
    return f"{float(value):,.2f}"


def _describe(e: ProjectExplanation) -> str:
    head = f"{e.project_id:>12}  cost {_approx(e.cost):>16}  votes {e.votes:>7}  "
    if e.reason == "funded":
        text = f"funded in round {e.round} ({e.stage})"
        if e.shares:
            parts = [f"{s.voters} paid {_approx(s.amount)}" for s in e.shares]
            if e.partial_voters and e.partial_amount is not None:
                parts.append(f"{e.partial_voters} gave all they had ({_approx(e.partial_amount)})")
            text += ": " + "; ".join(parts)
        return head + text
    if e.reason == "mes-unaffordable" and e.supporters_money is not None:
        needed = e.needed_per_supporter or Fraction(0)
        return head + (
            f"not funded: supporters had {_approx(e.supporters_money)} left, "
            f"needed {_approx(needed)} each"
        )
    if e.reason == "did-not-fit" and e.remaining_budget is not None:
        return head + f"not funded: did not fit the {_approx(e.remaining_budget)} left"
    return head + f"not funded: {e.reason}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad file or arguments, 1 if
    the reader of the output went away before the end, as ``| head`` does: quietly, without
    Python's traceback)."""
    try:
        return _run(argv)
    except BrokenPipeError:
        # Whatever is still buffered goes nowhere, not to a pipe that raises again at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CLOSED_OUTPUT


def _run(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="barrio-pb", description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a pabulib .pb file")
    parser.add_argument("--rule", required=True, choices=RULES)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--as-approval",
        action="store_true",
        help="count a project given points or a rank as approved (as pabutools users do)",
    )
    parser.add_argument("--tie-breaking", choices=("id", "equalshares"), default="id")
    parser.add_argument("--seed", type=int, default=0, help="seed of the equalshares lot")
    parser.add_argument("--threshold", type=int, help="minimum score (default: the file's)")
    parser.add_argument("--sat", choices=("cost", "cardinality"))
    parser.add_argument("--stop", choices=("exhaustive", "overspend"), help="Add1 stopping rule")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_rule(args.rule)  # before the clock that times the election; reported apart
    loading = time.perf_counter() - started
    started = time.perf_counter()
    try:
        with open(args.file, "rb") as handle:
            election = parse_pb(handle)
    except PbFileError as error:
        for line, reason in error.problems:
            print(f"{args.file}:{line}: {reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"{args.file}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    threshold = args.threshold
    if threshold is None and args.rule == "greedy-threshold":
        declared = election.meta_value("min_project_score_threshold")
        threshold = int(declared) if declared is not None and declared.isdigit() else None
    try:
        outcome = decide(
            args.rule,
            instance_of(election),
            profile_of(election, as_approval=args.as_approval),
            tie_breaking=TieBreaking(args.tie_breaking, args.seed),
            threshold=threshold,
            sat=args.sat,
            stop=args.stop,
        )
    except ValueError as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    seconds = time.perf_counter() - started
    if args.json:
        document = outcome_json(outcome, args.file, seconds, loading)
        print(json.dumps(document, ensure_ascii=False))
        return 0
    print(f"{args.file}: {outcome.rule}, {len(outcome.selected)} projects funded")
    print(f"budget {_approx(outcome.budget)}, spent {_approx(outcome.total_cost)}")
    if outcome.voter_budget is not None:
        print(f"each voter's share in the final run: {_approx(outcome.voter_budget)}")
    for key, value in outcome.notes:
        print(f"{key}: {value}")
    by_round = sorted(outcome.explanations, key=lambda e: (e.round is None, e.round or 0))
    for explanation in by_round:
        print(_describe(explanation))
    loaded = f" (and {loading:.2f} s to load the compiled loops)" if loading >= 0.005 else ""
    print(f"computed in {seconds:.3f} s{loaded}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
