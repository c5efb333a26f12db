"""Benchmark of the territories core against the plain numpy/mapclassify/esda computation.

Run from the repository root::

    python bench/bench_territories.py [--quick]

Each line prints the input size, the time of ``barrio.core`` (index + classification +
targeting, or LISA), the time of the plain computation of the same numbers with numpy,
mapclassify and esda, and the ratio ours / plain. Times are the best of several repeats
(one with ``--quick``, which also uses 7,000 synthetic units and 99 permutations).
The real data are read from ``../shared/data/territories``; sections whose files are
missing say so and are skipped.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import esda
import mapclassify
import numpy as np
from libpysal.weights import Queen
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from barrio.core.classification import classify  # noqa: E402
from barrio.core.hotspots import contiguity, local_moran  # noqa: E402
from barrio.core.indices import Group, IndexSpec, Indicator, compute_index  # noqa: E402
from barrio.core.targeting import Quota, TargetingRule, TargetingUnit, run_targeting  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "territories"
STRATA = frozenset({"high", "very_high"})


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of ``repeats`` calls of ``fn`` and its last result."""
    best, result = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def report_fit(scores: np.ndarray, ours: np.ndarray, plain: np.ndarray) -> None:
    """Print the goodness of variance fit (GVF, 1 is perfect) of both natural breaks."""
    present = ~np.isnan(scores)
    y = scores[present]

    def gvf(classes: np.ndarray) -> float:
        within = sum(((y[classes == c] - y[classes == c].mean()) ** 2).sum() for c in set(classes))
        return float(1 - within / ((y - y.mean()) ** 2).sum())

    print(
        f"{'':44} natural breaks fit (GVF): ours {gvf(ours[present]):.5f}, plain {gvf(plain):.5f}"
    )


def report(what: str, n: int, ours: float, plain: float) -> None:
    """Print one benchmark line."""
    print(
        f"{what:<44} n={n:>6}  ours {ours:7.3f} s  plain {plain:7.3f} s  ratio {ours / plain:5.2f}"
    )


def pipeline_spec(indicators: list[tuple[str, str]]) -> IndexSpec:
    """Two equal dimensions of min-max indicators, arithmetic means, deprivation-oriented."""
    half = len(indicators) // 2
    dims = (
        Group("d1", tuple(Indicator(c, d) for c, d in indicators[:half])),  # type: ignore[arg-type]
        Group("d2", tuple(Indicator(c, d) for c, d in indicators[half:])),  # type: ignore[arg-type]
    )
    return IndexSpec("bench", Group("index", dims), orientation="higher_is_worse")


@dataclass(frozen=True)
class Inputs:
    """Units, their indicator columns, region per unit, population, and the selection size."""

    codes: list[str]
    values: dict[str, np.ndarray]
    indicators: list[tuple[str, str]]
    groups: list[str]
    population: np.ndarray
    k: int
    at_least: int


class Stages:
    """Wall time per stage of one pipeline run, accumulated as ``{stage: seconds}``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # processor time of this process, the same stages

    def run(self, stage: str, fn: Callable[[], Any]) -> Any:
        """Run ``fn``, add its wall and processor time to ``stage`` and return its result."""
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0
        self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - c0
        return out


def ours_pipeline(st: Stages, inputs: Inputs, spec: IndexSpec) -> tuple[Any, ...]:
    """barrio.core: index, quintiles, natural breaks, targeting with quotas and a count."""
    codes, values, groups, k = inputs.codes, inputs.values, inputs.groups, inputs.k
    index = st.run("index", lambda: compute_index(spec, codes, values))
    strata = st.run("quintiles", lambda: classify(index.scores, "quantiles", 5))
    jenks = st.run("natural breaks", lambda: classify(index.scores, "fisher_jenks", 5))

    def target() -> Any:
        units = [
            TargetingUnit(c, float(s), lab, int(p), None, g, 0)
            for c, s, lab, p, g in zip(
                codes, index.scores, strata.label_of(), inputs.population, groups, strict=True
            )
        ]
        quotas = tuple(
            Quota(g, at_least=inputs.at_least, at_most=max(2, k // 10)) for g in sorted(set(groups))
        )
        return run_targeting(units, TargetingRule(strata=STRATA, quotas=quotas, max_units=k))

    run = st.run("targeting", target)
    return index.scores, strata.class_of, jenks.class_of, run.selected


def plain_pipeline(st: Stages, inputs: Inputs) -> tuple[Any, ...]:
    """The same numbers the plain way: numpy min-max and means, mapclassify, a sort."""
    codes, values, indicators, k = inputs.codes, inputs.values, inputs.indicators, inputs.k

    def index() -> np.ndarray:
        cols = []
        for c, d in indicators:
            x = values[c]
            s = (x - np.nanmin(x)) / (np.nanmax(x) - np.nanmin(x)) * 100
            cols.append(s if d == "higher_is_worse" else 100 - s)
        half = len(cols) // 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rows without any value: NaN, as intended
            d1 = np.nanmean(np.column_stack(cols[:half]), axis=1)
            d2 = np.nanmean(np.column_stack(cols[half:]), axis=1)
            out: np.ndarray = np.nanmean(np.column_stack([d1, d2]), axis=1)
        return out

    scores = st.run("index", index)
    present = ~np.isnan(scores)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = st.run("quintiles", lambda: mapclassify.Quantiles(scores[present], k=5))
        # The same sample size as barrio.core's default (500 values).
        pct = min(1.0, 500 / int(present.sum()))
        fj = st.run(
            "natural breaks",
            lambda: mapclassify.FisherJenksSampled(scores[present], k=5, pct=pct),
        )

    def target() -> list[str]:
        # Top k of the two upper quintiles by score then code (no quotas: the plain baseline).
        cls = np.full(scores.size, -1)
        cls[present] = q.yb
        eligible = np.flatnonzero(cls >= 3)
        order = eligible[np.lexsort((np.asarray(codes, dtype=object)[eligible], -scores[eligible]))]
        return [codes[i] for i in order[:k]]

    top = st.run("targeting", target)
    cls = np.full(scores.size, -1)
    cls[present] = q.yb
    return scores, cls, fj.yb, top


def compare(
    what: str, n: int, repeats: int, ours: Callable[[Stages], Any], plain: Callable[[Stages], Any]
) -> tuple[Any, Any]:
    """Run both pipelines ``repeats`` times; print the best total and each stage's time."""
    best: dict[str, Stages] = {}
    results = {}
    for name, fn in (("ours", ours), ("plain", plain)):
        for _ in range(repeats):
            st = Stages()
            results[name] = fn(st)
            if name not in best or sum(st.seconds.values()) < sum(best[name].seconds.values()):
                best[name] = st
    report(what, n, sum(best["ours"].seconds.values()), sum(best["plain"].seconds.values()))
    for stage, t in best["ours"].seconds.items():
        report(f"  {stage}", n, t, best["plain"].seconds[stage])
    return results["ours"], results["plain"]


def synthetic_inputs(n: int) -> Inputs:
    """``n`` seeded synthetic units, 6 indicators (1 % missing), 32 regions."""
    rng = np.random.default_rng(20240601)
    latent = rng.normal(size=n)
    indicators = [
        ("poverty", "higher_is_worse"),
        ("overcrowding", "higher_is_worse"),
        ("no_water", "higher_is_worse"),
        ("schooling", "higher_is_better"),
        ("income", "higher_is_better"),
        ("health_access", "higher_is_better"),
    ]
    values = {}
    for j, (c, d) in enumerate(indicators):
        sign = 1 if d == "higher_is_worse" else -1
        x = 50 + 15 * sign * latent + rng.normal(scale=5 + j, size=n)
        x[rng.random(n) < 0.01] = np.nan  # 1 % missing values
        values[c] = x
    codes = [f"U{i:06d}" for i in range(n)]
    groups = [f"R{g:02d}" for g in rng.integers(0, 32, size=n)]
    population = rng.integers(100, 20_000, size=n)
    return Inputs(codes, values, indicators, groups, population, k=n // 50, at_least=1)


def peru_inputs() -> Inputs | None:
    """The real Peruvian districts with a polygon: poverty, extreme poverty, food
    vulnerability, IDH; ``None`` when ``../shared`` is not there."""
    path = DATA / "peru_distritos" / "ubigeo_distrito_indicadores.csv"
    polygons = DATA / "peru_distritos" / "peru_distritos_simple.geojson"
    if not path.exists():
        print(f"skipped: {path} not found")
        return None
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if polygons.exists():
        ids = {
            ft["properties"]["IDDIST"] for ft in json.loads(polygons.read_text("utf-8"))["features"]
        }
        rows = [r for r in rows if r["inei"] in ids]

    def num(r: dict[str, str], key: str) -> float:
        try:
            return float(r[key])
        except ValueError:  # "", "NA", "S.I."
            return math.nan

    indicators = [
        ("pct_pobreza_total", "higher_is_worse"),
        ("pct_pobreza_extrema", "higher_is_worse"),
        ("indice_vulnerabilidad_alimentaria", "higher_is_worse"),
        ("idh_2019", "higher_is_better"),
    ]
    population = np.array(
        [
            0 if math.isnan(p := num(r, "pob_densidad_2020") * num(r, "superficie")) else p
            for r in rows
        ]
    )
    # At most 20 districts per department; no minimum (Callao has no poor district).
    return Inputs(
        [r["inei"] for r in rows],
        {c: np.array([num(r, c) for r in rows]) for c, _ in indicators},
        indicators,
        [r["inei"][:2] for r in rows],
        population,
        k=200,
        at_least=0,
    )


def bench_pipeline(what: str, inputs: Inputs, repeats: int) -> None:
    """barrio.core against numpy/mapclassify on the same arrays; same numbers checked."""
    spec = pipeline_spec(inputs.indicators)
    ours, plain = compare(
        what,
        len(inputs.codes),
        repeats,
        lambda st: ours_pipeline(st, inputs, spec),
        lambda st: plain_pipeline(st, inputs),
    )
    np.testing.assert_allclose(ours[0], plain[0], atol=1e-9)  # same index numbers
    np.testing.assert_array_equal(ours[1], plain[1])  # same quintiles
    report_fit(ours[0], ours[2], plain[2])


def bench_lisa(permutations: int, repeats: int) -> None:
    """Local Moran's I of 2023 crime counts over the Mexico City colonias (queen)."""
    base = DATA / "cdmx_colonias"
    if not (base / "colonias_cdmx_simplified.geojson").exists():
        print(f"skipped: {base} not found")
        return
    feats = json.loads((base / "colonias_cdmx_simplified.geojson").read_text("utf-8"))["features"]
    counts: dict[tuple[str, str], float] = {}
    with (base / "delitos_fgj_por_colonia_anio.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["anio"] == "2023":
                counts[(r["alcaldia"], r["colonia"])] = float(r["total"])
    ids = [str(i) for i in range(len(feats))]
    geoms = [shape(ft["geometry"]) for ft in feats]
    y = np.array(
        [
            counts.get((ft["properties"]["alcaldia"], ft["properties"]["colonia"]), 0.0)
            for ft in feats
        ]
    )

    def ours() -> Any:
        return local_moran(
            ids, y, contiguity(ids, geoms, "queen"), seed=1, permutations=permutations
        )

    def plain() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = Queen.from_iterable(geoms, silence_warnings=True)
            w.transform = "r"
            return esda.Moran_Local(y, w, permutations=permutations, seed=1, n_jobs=1)

    t_ours, h = best_of(repeats, ours)
    t_plain, ref = best_of(repeats, plain)
    linked = np.array([i not in set(h.islands) for i in ids])
    np.testing.assert_allclose(h.local_i[linked], ref.Is[linked], atol=1e-9)
    np.testing.assert_allclose(h.p_values[linked], ref.p_sim[linked])
    report(f"LISA {permutations} permutations (CDMX colonias)", len(ids), t_ours, t_plain)
    print(
        f"{'':44} hot spots {h.counts()['high_high']}, cold spots {h.counts()['low_low']}, "
        f"islands {len(h.islands)}"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run every section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs, one repeat")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 3
    n = 7_000 if args.quick else 70_000
    bench_pipeline("index + classes + targeting (synthetic)", synthetic_inputs(n), repeats)
    peru = peru_inputs()
    if peru is not None:
        bench_pipeline("index + classes + targeting (Peru districts)", peru, repeats)
    bench_lisa(99 if args.quick else 999, repeats)
    print(
        "note: the plain targeting is a bare sorted top-k; ours builds the units, applies the "
        "quotas and explains every unit's decision, and fingerprints the run."
    )


if __name__ == "__main__":
    main()
