"""Record pabutools' outcomes on the pabulib files, for the oracle test to compare against.

Running pabutools live on every file and rule would take hours (its MES + Add1 reruns the
rule once per currency unit of per-voter budget), far beyond the test suite's time budget.
This script runs it once, with a time cap per file and rule, and writes the selected project
ids to ``barrio/core/tests/data/pabutools_reference.json``. Pairs that hit the cap are
recorded as such (and listed in ``docs/allocation.md``).

Usage (from the repository root; it is slow, run it in the background)::

    nice python bench/record_pb_reference.py [--cap SECONDS] [--only SUBSTRING]

Pairs recorded as over the cap can be run again later with a longer cap, alone (one pair
can take pabutools an hour; the cap is then on CPU time, so that other load on the machine
does not cut it short)::

    nice python bench/record_pb_reference.py --retry --rules mes-add1 --cap 7200 --only Toulouse

The first record timed pabutools by the wall clock, to the millisecond, on a loaded machine:
too coarse for files that take it a few milliseconds (many were recorded as 0.0 s). Files
whose recorded reading and MES + Add1 + greedy took under ``--retime`` seconds are timed
again by their CPU time, to the microsecond (the selections must not change)::

    nice python bench/record_pb_reference.py --retime 5

Non-approval ballots are converted to approval ballots as pabutools users do (a project with
points or a rank counts as approved); profiles are merged into multiprofiles, which changes
pabutools' speed but not its outcomes.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "pabulib"
OUTPUT = ROOT / "barrio" / "core" / "tests" / "data" / "pabutools_reference.json"
RULES = ("greedy", "mes", "mes-add1", "mes-add1-greedy", "phragmen")


def _approval_profile(instance: Any, profile: Any) -> Any:
    from pabutools.election import ApprovalBallot, ApprovalProfile

    if isinstance(profile, ApprovalProfile):
        return profile
    ballots = []
    for ballot in profile:
        # Cardinal and cumulative ballots map projects to points; ordinal ballots are ordered
        # dicts mapping each ranked project to None.
        ballots.append(
            ApprovalBallot([p for p, points in ballot.items() if points is None or points > 0])
        )
    return ApprovalProfile(ballots, instance=instance)


def _run_rule(rule: str, instance: Any, profile: Any, add1: Any = None) -> Any:
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes-add1":
        outcome = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
        )
    elif rule == "mes-add1-greedy" and add1 is not None:
        # completion_by_rule_combination's second step, on the MES + Add1 outcome computed
        # just before (running it again would double the slowest part for nothing).
        if instance.is_exhaustive(add1):
            outcome = add1
        else:
            outcome = greedy_utilitarian_welfare(
                instance, profile, sat_class=Cost_Sat, initial_budget_allocation=add1
            )
    elif rule == "mes-add1-greedy":
        outcome = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
        )
    elif rule == "phragmen":
        outcome = sequential_phragmen(instance, profile)
    else:
        raise ValueError(rule)
    return outcome


def _timeout(signum: int, frame: object) -> None:
    raise TimeoutError


def worker(path: str, cap: float, rules: tuple[str, ...], cpu: bool) -> None:
    """Run ``rules`` on one file and print one JSON object (run in a child process).

    With ``cpu`` the cap is on the process's CPU time rather than on wall-clock time.
    """
    from pabutools.election import parse_pabulib

    clock = time.process_time if cpu else time.perf_counter
    digits = 6 if cpu else 3
    started = clock()
    instance, profile = parse_pabulib(path)
    parse_seconds = clock() - started
    profile = _approval_profile(instance, profile).as_multiprofile()
    results: dict[str, Any] = {"parse_seconds": round(parse_seconds, digits)}
    if cpu:
        results["clock"] = "cpu"
    timer = signal.ITIMER_VIRTUAL if cpu else signal.ITIMER_REAL
    signal.signal(signal.SIGVTALRM if cpu else signal.SIGALRM, _timeout)
    add1 = None
    for rule in rules:
        if rule == "mes-add1-greedy" and "timeout" in results.get("mes-add1", {}):
            # The completion needs the Add1 outcome first, which did not finish in time.
            results[rule] = {"timeout": cap}
            continue
        signal.setitimer(timer, cap)
        started = clock()
        try:
            outcome = _run_rule(rule, instance, profile, add1)
            if rule == "mes-add1":
                add1 = outcome
            selected = sorted(project.name for project in outcome)
        except TimeoutError:
            results[rule] = {"timeout": cap}
            continue
        finally:
            signal.setitimer(timer, 0)
        seconds = clock() - started
        if rule == "mes-add1-greedy":
            seconds += results["mes-add1"].get("seconds", 0)
        results[rule] = {"selected": selected, "seconds": round(seconds, digits)}
        if cpu:
            results[rule]["cpu_cap"] = cap
    print(json.dumps(results))


def _write(recorded: dict[str, Any], output: Path) -> None:
    """Write the record with one line per file, so that a re-recording diffs readably."""
    head = {key: value for key, value in recorded.items() if key != "files"}
    lines = [json.dumps(head, sort_keys=True)[:-1] + ', "files": {']
    entries = sorted(recorded["files"].items())
    for i, (name, result) in enumerate(entries):
        comma = "," if i < len(entries) - 1 else ""
        lines.append(f" {json.dumps(name)}: {json.dumps(result, sort_keys=True)}{comma}")
    lines.append("}}")
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per file and rule")
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--largest-first", action="store_true", help="start with big files")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the record")
    parser.add_argument(
        "--rules", default=",".join(RULES), help="comma-separated rules (default: all)"
    )
    parser.add_argument(
        "--retry",
        action="store_true",
        help="run again, with --cap seconds of CPU time, the pairs recorded as over the cap",
    )
    parser.add_argument(
        "--retime",
        type=float,
        help="time again, by CPU time, the files recorded under this many seconds",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cpu", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rules = tuple(r for r in args.rules.split(",") if r)
    if unknown := set(rules) - set(RULES):
        parser.error(f"unknown rules: {', '.join(sorted(unknown))}")
    if args.worker:
        worker(args.worker, args.cap, rules, args.cpu)
        return
    from importlib.metadata import version

    import pabutools  # noqa: F401 - fail early if the reference is missing

    output: Path = args.output
    recorded = json.loads(output.read_text(encoding="utf-8")) if output.exists() else {}
    if recorded.get("pabutools_version", version("pabutools")) != version("pabutools"):
        sys.exit("the record was made with another pabutools version; start a new --output")
    recorded["pabutools_version"] = version("pabutools")
    if not args.retry and args.retime is None:
        recorded["cap_seconds"] = args.cap
    recorded["conversion"] = "non-approval ballots as approval (points > 0 or ranked)"
    files = recorded.setdefault("files", {})
    paths = sorted(DATA.glob("*.pb"), key=lambda p: p.stat().st_size, reverse=args.largest_first)
    for path in paths:
        if args.only not in path.name:
            continue
        entry = files.get(path.name, {"error": 1})
        if args.retime is not None:
            # Every rule's time counts: a pair retried alone (``cpu_cap``) took long.
            times = [entry.get(rule, {}).get("seconds", math.inf) for rule in rules]
            total = entry.get("parse_seconds", math.inf) + sum(times)
            retried = any("cpu_cap" in entry.get(rule, {}) for rule in rules)
            fresh = total < args.retime and not retried and entry.get("clock") != "cpu"
            todo = rules if fresh else ()
        elif args.retry:
            todo = tuple(r for r in rules if "timeout" in entry.get(r, {}))
        else:
            todo = rules if "error" in entry else ()
        if not todo:
            continue
        started = time.perf_counter()
        command = [sys.executable, __file__, "--worker", str(path), "--cap", str(args.cap)]
        cpu = args.retry or args.retime is not None
        command += ["--rules", ",".join(todo)] + (["--cpu"] if cpu else [])
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(f"{path.name}: {child.stderr.strip().splitlines()[-1:]}", flush=True)
            if not args.retry:
                files[path.name] = {"error": child.stderr.strip().splitlines()[-1:]}
        elif args.retime is not None:
            found = json.loads(child.stdout)
            for rule in todo:
                if found[rule].get("selected") != entry.get(rule, {}).get("selected"):
                    sys.exit(f"{path.name}: pabutools now selects otherwise under {rule}")
            files[path.name] = found
        elif args.retry:
            # Keep what was recorded; replace only the pairs that now finished.
            found = json.loads(child.stdout)
            entry.update({r: v for r, v in found.items() if r in todo and "selected" in v})
            files[path.name] = entry
        else:
            files[path.name] = json.loads(child.stdout)
        _write(recorded, output)
        print(f"{path.name}: {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
