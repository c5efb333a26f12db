"""Benchmark of joining Mexico City's 2018 participatory-budget table to the 2022 colonias.

Run from the repository root::

    python bench/bench_names.py [--quick]

Prints the input size, the share of the 1,078 rows matched by ``match_names`` (with the
IECM 2016/2018 catalogue) against the reference computed in the same run -- a plain join
on upper-cased, accent-free names within the alcaldía --, the rows per kind, the
precision evidence (log correlation of the row's 2010 population with the matched
colonia's 2022 population, per group of kinds) and both times. ``--quick`` runs once
instead of three times. The data are read from ``../shared/data/territories``; without
them the script says so and exits.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from barrio.core.names import candidates_with_aliases, match_names  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "territories"
GROUPS = {
    "certain (exact, normalised, section)": {"exact", "normalised", "section"},
    "partial, fuzzy": {"partial", "fuzzy"},
    "split, leftover": {"split", "leftover"},
    "compound (first unit)": {"compound"},
}


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of ``repeats`` calls of ``fn`` and its last result."""
    best, result = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def plain_key(name: str) -> str:
    """Upper case without accents, surrounding spaces dropped."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper().strip()


def main() -> None:
    """Match the table, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run once, not three times")
    repeats = 1 if parser.parse_args().quick else 3
    pp_dir, col_dir = DATA / "cdmx_presupuesto_participativo", DATA / "cdmx_colonias"
    if not (pp_dir.is_dir() and col_dir.is_dir()):
        print(f"names: shared data not found under {DATA}; skipped")
        return
    with (pp_dir / "pp2018_proyectos_por_colonia.csv").open(encoding="utf-8") as f:
        pp = list(csv.DictReader(f))
    with (pp_dir / "colonias_iecm_pob2010.csv").open(encoding="utf-8") as f:
        catalogue = [(r["del_ref"], r["nombre_ref"]) for r in csv.DictReader(f)]
    geo = json.loads((col_dir / "colonias_cdmx_simplified.geojson").read_text("utf-8"))
    props = [f["properties"] for f in geo["features"]]
    cands = candidates_with_aliases(
        [
            (str(i), p["alcaldia"], p["colonia"], shape(f["geometry"]).normalize().wkb)
            for i, (f, p) in enumerate(zip(geo["features"], props, strict=True))
        ]
    )
    with (col_dir / "colonia_population_iecm2022.csv").open(encoding="utf-8") as f:
        pop22 = {(r["alcaldia"], r["colonia"]): float(r["matched_pop"]) for r in csv.DictReader(f)}
    rows = [(r["alcaldia"], r["colonia"]) for r in pp]

    def plain_join() -> float:
        known = {(c.parent, plain_key(n)) for c in cands for n in (c.name, *c.aliases)}
        return sum((p, plain_key(n)) in known for p, n in rows) / len(rows)

    t_plain, plain_rate = best_of(repeats, plain_join)
    t_ours, report = best_of(repeats, lambda: match_names(rows, cands, catalogue=catalogue))
    print(f"names: {len(rows)} rows of 2018 against {len(cands)} colonias of 2022")
    print(
        f"  matched {report.matched_rate:.1%} vs plain name join {plain_rate:.1%} "
        f"(ratio {report.matched_rate / plain_rate:.2f}); "
        f"time {t_ours:.2f} s vs {t_plain:.3f} s"
    )
    print("  rows per kind: " + ", ".join(f"{k} {n}" for k, n in report.counts().items()))
    for label, kinds in GROUPS.items():
        pairs = []
        for m, r in zip(report.matches, pp, strict=True):
            if m.kind in kinds and m.code and r["pob_2010"]:
                p = props[int(m.code)]
                if (found := pop22.get((p["alcaldia"], p["colonia"]))) is not None:
                    pairs.append((float(r["pob_2010"]), found))
        arr = np.log1p(np.array(pairs))
        r_log = np.corrcoef(arr[:, 0], arr[:, 1])[0, 1] if len(pairs) > 2 else math.nan
        print(f"  population 2010 vs 2022, log correlation, {label}: {r_log:.3f} (n={len(pairs)})")


if __name__ == "__main__":
    main()
