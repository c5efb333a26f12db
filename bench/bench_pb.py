"""Benchmark the allocation engine against pabutools on the pabulib files.

For each file it prints: projects, voters, distinct ballots, our time (reading, profile and
rule), pabutools' time (reading and rule; run in a child process, capped at ``--limit``
seconds and shown as "> limit" when it hits it), the ratio of the totals, the ratio of the
reading times alone (``parse_pabulib`` against ``parse_pb``), and whether both selected the
same projects. Times are CPU seconds, so that other load on the machine does not distort
the ratios. The rule is MES + Add1 + greedy completion unless ``--rule`` says otherwise.

Run from the repository root::

    python bench/bench_pb.py --quick          # eight representative files, a few minutes
    python bench/bench_pb.py                  # all 238 files (long: pabutools is slow)
    python bench/bench_pb.py --only Lodz --limit 300
    python bench/bench_pb.py --recorded       # all files, pabutools' times as recorded
    python bench/bench_pb.py --reading        # reading alone, every file, best of 3 to 15
    python bench/bench_pb.py --reading --against ../old-checkout  # two readers, one process
    python bench/bench_pb.py --runs --only Budapest  # Add1's MES runs, sets and orders
    python bench/bench_pb.py --against ../old-checkout  # two engines timed in one process

Non-approval ballots are converted to approval ballots for both engines, as pabutools users
do. pabutools gets a multiprofile (identical ballots merged), its fastest form.
"""

from __future__ import annotations

import argparse
import importlib
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
REFERENCE = ROOT / "barrio" / "core" / "tests" / "data" / "pabutools_reference.json"
sys.path.insert(0, str(ROOT))

QUICK = (
    "Netherlands_Assen_2024.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "Netherlands_Amsterdam_621.pb",
    "Poland_Gdansk_2020.pb",
    "Poland_Katowice_2023.pb",
    "Poland_Lodz_2022.pb",
    "Poland_Krakow_2024.pb",
)


def _timeout(signum: int, frame: object) -> None:
    raise TimeoutError


def reference_worker(path: str, rule: str, limit: float) -> None:
    """Time pabutools on one file (in a child process) and print one JSON object."""
    sys.path.insert(0, str(ROOT / "bench"))
    from pabutools.election import parse_pabulib
    from record_pb_reference import _approval_profile, _run_rule

    # The cap is on CPU time, like the times reported, so that other load on the machine
    # does not cut pabutools short.
    signal.signal(signal.SIGVTALRM, _timeout)
    signal.setitimer(signal.ITIMER_VIRTUAL, limit)
    result: dict[str, Any] = {}
    started = time.process_time()
    try:
        instance, profile = parse_pabulib(path)
        result["parse"] = time.process_time() - started
        profile = _approval_profile(instance, profile).as_multiprofile()
        started = time.process_time()
        outcome = _run_rule(rule, instance, profile)
        result["decide"] = time.process_time() - started
        result["selected"] = sorted(project.name for project in outcome)
    except TimeoutError:
        result["timeout"] = True
    print(json.dumps(result))


def ours(path: Path, rule: str) -> dict[str, Any]:
    from barrio.core.pb import decide, instance_of, parse_pb, profile_of

    started = time.process_time()
    with path.open("rb") as handle:
        election = parse_pb(handle)
    read = time.process_time()
    instance, profile = instance_of(election), profile_of(election, as_approval=True)
    parsed = time.process_time()
    outcome = decide(rule, instance, profile)
    done = time.process_time()
    return {
        "projects": instance.num_projects,
        "voters": profile.num_voters,
        "distinct": profile.num_ballots,
        "read": read - started,
        "parse": parsed - started,
        "decide": done - parsed,
        "selected": sorted(outcome.selected_ids()),
    }


def reference(path: Path, rule: str, limit: float) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, __file__, "--worker", str(path), "--rule", rule, "--limit", str(limit)],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        return {"error": (child.stderr.strip().splitlines() or ["?"])[-1]}
    result: dict[str, Any] = json.loads(child.stdout)
    return result


def recorded(path: Path, rule: str) -> dict[str, Any]:
    """pabutools' result and times for ``path`` as ``record_pb_reference.py`` stored them."""
    record = json.loads(REFERENCE.read_text("utf-8"))
    entry = record["files"].get(path.name, {})
    result = entry.get(rule, {})
    if "timeout" in result:
        return {"timeout": True, "parse": entry["parse_seconds"]}
    if "selected" not in result:
        return {}
    return {
        "parse": entry["parse_seconds"],
        "decide": result["seconds"],
        "selected": result["selected"],
    }


def reading(paths: list[Path], repeat: int, other: Path | None = None) -> None:
    """Time reading alone, ours (``parse_pb``) against pabutools' ``parse_pabulib``.

    Both in this process, alternately, the best of ``repeat`` CPU times each (five times as
    many on a file read in under 2 ms, twice on one under 20 ms: on a file of a hundred lines
    a single pause elsewhere weighs more than the code), so that load from elsewhere on the
    machine weighs on both alike. With ``other`` (another checkout's root), its reader is
    timed in turn too. Prints one line per file and how many files read less than 10 times
    faster.
    """
    from pabutools.election import parse_pabulib

    readers = {"this": _engine(ROOT).parse_pb}
    if other is not None:
        readers = {"other": _engine(other).parse_pb, **readers}

    def timed(read: Any, path: Path) -> float:
        started = time.process_time()
        with path.open("rb") as handle:
            read(handle)
        return time.process_time() - started

    def theirs(path: Path) -> float:
        started = time.process_time()
        parse_pabulib(str(path))
        return time.process_time() - started

    print(f"reading only, best of {repeat} to {5 * repeat} CPU times each")
    columns = "".join(f" {name + ' s':>8}" for name in readers)
    ratio_columns = "".join(f" {name:>6}" for name in readers)
    print(f"{'file':<44} {'lines':>7}{columns} {'pabu s':>8}{ratio_columns}")
    ratios: dict[str, list[tuple[float, str]]] = {name: [] for name in readers}
    for path in paths:
        first = timed(readers["this"], path)
        trials = repeat * (5 if first < 0.002 else 2 if first < 0.02 else 1)
        best = dict.fromkeys(readers, math.inf)
        reference = math.inf
        for _ in range(trials):
            for name, read in readers.items():
                best[name] = min(best[name], timed(read, path))
            reference = min(reference, theirs(path))
        for name in readers:
            ratios[name].append((reference / best[name], path.name))
        with path.open("rb") as handle:
            lines = sum(1 for _ in handle)
        times = "".join(f" {best[name]:8.5f}" for name in readers)
        shown = "".join(f" {reference / best[name]:5.1f}x" for name in readers)
        print(f"{path.name[:44]:<44} {lines:>7}{times} {reference:8.5f}{shown}", flush=True)
    for name, found in ratios.items():
        found.sort()
        slow = [file for ratio, file in found if ratio < 10]
        print(
            f"{name}: files {len(found)}; reading speed-up min {found[0][0]:.1f}x, "
            f"median {found[len(found) // 2][0]:.1f}x; under 10x: {len(slow)}"
        )


def runs(paths: list[Path]) -> None:
    """Count the MES runs Add1 makes per file, and the distinct sets and orders among them.

    The figure Add1's proofs are judged by: a run is made wherever the budget steps it may
    skip end, so fewer runs means longer proofs.
    """
    import importlib
    from fractions import Fraction

    from barrio.core.pb import instance_of, parse_pb, profile_of
    from barrio.core.pb.mes import MesData, MesRun, prepare
    from barrio.core.pb.threads import one_blas_thread
    from barrio.core.pb.tiebreak import BY_ID

    module = importlib.import_module("barrio.core.pb.equal_shares")
    plain = module.run_mes
    made: list[tuple[int, ...]] = []

    def counted(data: MesData, voter_budget: Fraction, **options: Any) -> MesRun:
        run: MesRun = plain(data, voter_budget, **options)
        made.append(run.winners)
        return run

    setattr(module, "run_mes", counted)  # noqa: B010 (mypy rejects assigning to it)
    print(f"{'file':<44} {'steps':>7} {'runs':>6} {'sets':>5} {'orders':>6} {'cpu s':>7}")
    for path in paths:
        with path.open("rb") as handle:
            election = parse_pb(handle)
        instance, profile = instance_of(election), profile_of(election, as_approval=True)
        data = prepare(instance, profile, "cost", BY_ID.ranks(instance, profile))
        made.clear()
        started = time.process_time()
        # (On one BLAS thread, as the rules run: see ``barrio.core.pb.threads``.)
        final = one_blas_thread(module.add1)(data, module.MesParams(add1=True))
        spent = time.process_time() - started
        steps = final.voter_budget - Fraction(instance.budget) / profile.num_voters
        print(
            f"{path.name[:44]:<44} {int(steps):>7} {len(made):>6} "
            f"{len({frozenset(w) for w in made}):>5} {len(set(made)):>6} {spent:7.2f}",
            flush=True,
        )


def _engine(root: Path) -> Any:
    """``barrio.core.pb`` of the checkout at ``root`` (setting aside any loaded before)."""
    for name in [name for name in sys.modules if name.split(".")[0] == "barrio"]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module("barrio.core.pb")
    finally:
        sys.path.remove(str(root))


def warm_up(engine: Any) -> float:
    """Run MES + Add1 on a two-project election with ``engine`` (a ``barrio.core.pb``) and
    return the CPU time it took: in a new process, the time to load the compiled loops
    (numba, from its cache in ``__pycache__``; compiling them the first time), paid once per
    process as a server pays it, and printed apart from the files' times. pabutools' time
    to import itself is not counted either."""
    # (An engine from before ``kernels.load`` loads what this election's runs call, which
    # missed the loop that settles a price exactly: the first file then paid for it.)
    instance = engine.Instance(("A", "B", "C"), (12, 19, 14), 49)
    profile = engine.make_profile([{0: 1}, {1: 1}, {1: 1, 2: 1}], 3, approval=True)
    started = time.process_time()
    load = getattr(engine.kernels, "load", None)
    if load is not None:
        load()
    engine.decide("mes-add1-greedy", instance, profile)
    return time.process_time() - started


def against(paths: list[Path], other: Path, rule: str) -> None:
    """Time another checkout's engine and this one alternately, in this process.

    Reading, the profile and ``rule`` per file, each engine in turn (best of 1 to 5 CPU
    times, fewer for slow files), so that load from elsewhere weighs on both alike; the
    ratios are against pabutools' recorded times, as ``--recorded`` computes them.
    """
    engines = {"other": _engine(other), "this": _engine(ROOT)}
    for name, engine in engines.items():
        print(f"{name}: loaded in {warm_up(engine):.2f} s (once per process, not counted)")

    def timed(engine: Any, path: Path) -> float:
        started = time.process_time()
        with path.open("rb") as handle:
            election = engine.parse_pb(handle)
        profile = engine.profile_of(election, as_approval=True)
        engine.decide(rule, engine.instance_of(election), profile)
        return time.process_time() - started

    cap = json.loads(REFERENCE.read_text("utf-8"))["cap_seconds"]
    print(f"other: {engines['other'].__file__}, this: {engines['this'].__file__}")
    print("ratios against pabutools' recorded times")
    print(f"{'file':<44} {'other s':>8} {'this s':>8} {'pabu s':>8} {'other':>7} {'this':>7}")
    ratios: dict[str, list[float]] = {"other": [], "this": []}
    for path in paths:
        theirs = recorded(path, rule)
        if "timeout" in theirs:
            their_total = cap
        elif "decide" in theirs:
            their_total = theirs["parse"] + theirs["decide"]
        else:
            continue
        first = timed(engines["this"], path)
        trials = 5 if first < 0.05 else 3 if first < 0.5 else 1
        best = {"other": math.inf, "this": math.inf}
        for trial in range(trials):
            for name in ("other", "this") if trial % 2 == 0 else ("this", "other"):
                best[name] = min(best[name], timed(engines[name], path))
        for name in best:
            ratios[name].append(their_total / best[name])
        print(
            f"{path.name[:44]:<44} {best['other']:8.4f} {best['this']:8.4f} {their_total:8.2f}"
            f" {their_total / best['other']:6.0f}x {their_total / best['this']:6.0f}x",
            flush=True,
        )
    for name, found in ratios.items():
        found.sort()
        if found:
            print(f"{name}: files {len(found)}, median speed-up {found[len(found) // 2]:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="eight representative files")
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--skip", default=None, help="leave out files whose name contains this")
    parser.add_argument("--rule", default="mes-add1-greedy")
    parser.add_argument("--limit", type=float, help="pabutools cap per file, seconds")
    parser.add_argument("--no-reference", action="store_true", help="time our engine only")
    parser.add_argument(
        "--recorded",
        action="store_true",
        help="take pabutools' times from the recorded reference instead of running it",
    )
    parser.add_argument(
        "--reading", action="store_true", help="time reading alone against parse_pabulib"
    )
    parser.add_argument(
        "--runs", action="store_true", help="count Add1's MES runs per file (MES + Add1 alone)"
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout's root: time its engine and this one alternately",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    limit = args.limit or (30.0 if args.quick else 120.0)
    if args.recorded:
        limit = json.loads(REFERENCE.read_text("utf-8"))["cap_seconds"]
    if args.worker:
        reference_worker(args.worker, args.rule, limit)
        return
    if not DATA.is_dir():
        sys.exit(f"pabulib data not found at {DATA}")
    paths = sorted(DATA.glob("*.pb"), key=lambda p: p.stat().st_size)
    if args.quick:
        paths = [p for p in paths if p.name in QUICK]
    paths = [p for p in paths if args.only in p.name]
    if args.skip:
        paths = [p for p in paths if args.skip not in p.name]
    if args.reading:
        reading(paths, repeat=3, other=args.against.resolve() if args.against else None)
        return
    if args.runs:
        runs(paths)
        return
    if args.against:
        against(paths, args.against.resolve(), args.rule)
        return
    import barrio.core.pb

    loaded = warm_up(barrio.core.pb)
    print(f"rule {args.rule}; pabutools capped at {limit:.0f} s (shown as '> {limit:.0f}')")
    print(f"our compiled loops loaded in {loaded:.2f} s (once per process, not counted)")
    header = (
        f"{'file':<44} {'proj':>5} {'voters':>7} {'distinct':>8} "
        f"{'ours s':>7} {'pabu s':>8} {'ratio':>7} {'parse x':>8}  same"
    )
    print(header)
    ratios, parse_ratios, mismatches = [], [], []
    totals: list[float] = []
    errors: list[str] = []
    for path in paths:
        mine = ours(path, args.rule)
        total = mine["parse"] + mine["decide"]
        totals.append(total)
        if args.no_reference:
            theirs: dict[str, Any] = {"skipped": True}
        elif args.recorded:
            theirs = recorded(path, args.rule)
        else:
            theirs = reference(path, args.rule, limit)
        if "decide" in theirs:
            their_total = theirs["parse"] + theirs["decide"]
            shown, ratio = f"{their_total:8.2f}", f"{their_total / total:6.0f}x"
            ratios.append(their_total / total)
            same = "yes" if theirs["selected"] == mine["selected"] else "NO"
            if same == "NO":
                mismatches.append(path.name)
        elif "timeout" in theirs:
            shown, ratio, same = f"> {limit:.0f}".rjust(8), f">{limit / total:5.0f}x", "-"
            ratios.append(limit / total)
        elif "error" in theirs:
            shown, ratio, same = "error".rjust(8), "-".rjust(7), "-"
            errors.append(f"{path.name}: {theirs['error']}")
        else:
            shown, ratio, same = "-".rjust(8), "-".rjust(7), "-"
        parse_ratio = "-"
        if "parse" in theirs:
            # Reading against reading: pabutools' parse_pabulib against our parse_pb (the
            # compact profile, which pabutools has no counterpart of, counts in our total).
            parse_ratios.append(theirs["parse"] / mine["read"])
            parse_ratio = f"{theirs['parse'] / mine['read']:7.0f}x"
        print(
            f"{path.name[:44]:<44} {mine['projects']:>5} {mine['voters']:>7} "
            f"{mine['distinct']:>8} {total:7.3f} {shown} {ratio:>7} {parse_ratio:>8}  {same}",
            flush=True,
        )
    slow = sum(total >= 1.0 for total in totals)
    worst = max(totals, default=0.0)
    print(f"files: {len(paths)}; slowest of ours: {worst:.3f} s; files at 1 s or more: {slow}")
    # The goals, at the median and file by file: 50x for the rule, 10x for reading.
    if ratios:
        ratios.sort()
        print(
            f"speed-up (pabutools / ours, capped runs as lower bounds): "
            f"min {ratios[0]:.0f}x, median {ratios[len(ratios) // 2]:.0f}x, "
            f"files under 50x: {sum(ratio < 50 for ratio in ratios)} of {len(ratios)}"
        )
    if parse_ratios:
        parse_ratios.sort()
        print(
            f"parsing speed-up: min {parse_ratios[0]:.0f}x, "
            f"median {parse_ratios[len(parse_ratios) // 2]:.0f}x, "
            f"files under 10x: {sum(ratio < 10 for ratio in parse_ratios)} of {len(parse_ratios)}"
        )
    print(f"different selections: {', '.join(mismatches) or 'none'}")
    for error in errors:
        print(f"pabutools failed on {error}")


if __name__ == "__main__":
    main()
