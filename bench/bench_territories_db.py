"""Benchmark of the territories app end to end from the database, against the plain
numpy/mapclassify computation of the same numbers on the same arrays.

Run from the repository root::

    python bench/bench_territories_db.py [--quick]

A temporary SQLite database (in a temporary directory, migrated by the script) receives the
units and indicator values with bulk inserts; then the app's own services run as the pages,
the API and the commands run them: ``index_compute`` (reads the values, computes, stores the
scores and the run), ``indicator_map`` twice (quintiles and natural breaks, as the map
classifies) and ``targeting_run_create`` (reads, classifies, ranks, applies the quotas and
stores one explained decision per unit). Parts:

(a) 70,000 synthetic units (7,000 with ``--quick``), goal under 2 s for the three steps;
(b) the real 1,834 Peruvian districts, after importing their polygons with ``units_import``
    (the import is timed against reading and measuring the same file with pyogrio/shapely);
(c) the size of the map's GeoJSON (``map_feature_collection``) for the 1,651 Mexico City
    colonias of the demo (``barrio/demo/data``), goal under 1 MB, against the source file.

(b) reads ``../shared/data/territories/peru_distritos`` and is skipped, saying so, without it.
Each line prints the input size, our time or size, the reference's and the ratio.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_territories import (  # noqa: E402
    DATA,
    Inputs,
    Stages,
    ours_pipeline,
    peru_inputs,
    pipeline_spec,
    plain_pipeline,
    report,
    synthetic_inputs,
)

DEMO_DATA = ROOT / "barrio" / "demo" / "data"
PERIOD = "2025"


def setup_django() -> None:
    """Point Barrio at a fresh SQLite database in a temporary directory and migrate it."""
    os.environ["BARRIO_VAR_DIR"] = tempfile.mkdtemp(prefix="barrio-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "barrio.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Territory:
    """A programme over the units of one country, with an administrator to act in it."""

    def __init__(self, country: str, slug: str) -> None:
        from django.contrib.auth import get_user_model

        from barrio.accounts.services import programme_create, user_create

        self.country = country
        self.programme = programme_create(
            slug=slug, name=slug, country=country, currency="USD", time_zone="UTC"
        )
        self.actor = user_create(email=f"admin@{slug}.bench", password=secrets.token_urlsafe())
        get_user_model().objects.filter(pk=self.actor.pk).update(is_superuser=True)
        self.actor.refresh_from_db()

    def cover(self, root: Any) -> None:
        """Make ``root`` and everything inside it the programme's territory."""
        from barrio.accounts.services import programme_set_units

        programme_set_units(programme=self.programme, units=[root])

    def store_values(self, level: str, inputs: Inputs) -> None:
        """Define the indicators and bulk-insert their values for the units of ``level``."""
        from barrio.territories.models import IndicatorValue, TerritorialUnit
        from barrio.territories.services import indicator_define

        ids = dict(
            TerritorialUnit.objects.filter(country=self.country, level=level).values_list(
                "code", "pk"
            )
        )
        for code, direction in inputs.indicators:
            indicator = indicator_define(code=code, name=code, direction=direction, kind="rate")
            IndicatorValue.objects.bulk_create(
                [
                    IndicatorValue(indicator=indicator, unit_id=ids[c], period=PERIOD, value=v)
                    for c, v in zip(inputs.codes, inputs.values[code].tolist(), strict=True)
                    if c in ids and v == v  # NaN: a missing value
                ],
                batch_size=5000,
            )


def synthetic_territory(inputs: Inputs) -> Territory:
    """A country of 32 regions holding the synthetic units (no geometry)."""
    from barrio.territories.models import TerritorialUnit
    from barrio.territories.services import unit_create

    territory = Territory("ZZ", "bench-synthetic")
    root = unit_create(country="ZZ", level="país", code="ZZ", name="Synthetic")
    regions = {
        g: unit_create(country="ZZ", level="región", code=g, name=g, parent=root)
        for g in sorted(set(inputs.groups))
    }
    TerritorialUnit.objects.bulk_create(
        [
            TerritorialUnit(
                country="ZZ",
                level="unidad",
                code=code,
                name=code,
                parent=regions[g],
                path=f"{regions[g].path}{code}/",
            )
            for code, g in zip(inputs.codes, inputs.groups, strict=True)
        ],
        batch_size=5000,
    )
    territory.cover(root)
    territory.store_values("unidad", inputs)
    return territory


def app_pipeline(
    st: Stages, territory: Territory, level: str, group_level: str, inputs: Inputs
) -> tuple[Any, ...]:
    """The app's services from the database: index, quintiles, natural breaks, targeting."""
    from barrio.planning.services import targeting_run_create
    from barrio.planning.specs import TargetingSpec
    from barrio.territories.selectors import indicator_map, unit_list
    from barrio.territories.services import index_compute, index_define

    spec = pipeline_spec(inputs.indicators)
    from barrio.core.indices.spec_data import spec_to_data

    index = index_define(code="bench_index", name="Bench index", spec=spec_to_data(spec))
    # A queryset: the services read it as plain rows, without building 70,000 instances.
    units = unit_list().filter(country=territory.country, level=level)
    run = st.run(
        "index",
        lambda: index_compute(
            index=index,
            units=units,
            period=PERIOD,
            input_periods=dict.fromkeys((c for c, _d in inputs.indicators), PERIOD),
        ),
    )
    quintiles = st.run(
        "quintiles",
        lambda: indicator_map(
            indicator=index.indicator, units=units, period=PERIOD, method="quantiles", k=5
        ),
    )
    st.run(
        "natural breaks",
        lambda: indicator_map(
            indicator=index.indicator, units=units, period=PERIOD, method="fisher_jenks", k=5
        ),
    )
    targeting = st.run(
        "targeting",
        lambda: targeting_run_create(
            actor=territory.actor,
            programme=territory.programme,
            spec=TargetingSpec(
                name="Bench",
                level=level,
                indicator=index.code,
                period=PERIOD,
                strata=("high", "very_high"),
                group_level=group_level,
                at_least_per_group=inputs.at_least,
                at_most_per_group=max(2, inputs.k // 10),
                max_units=inputs.k,
            ),
        ),
    )
    return units, run, quintiles, targeting


def check_same(
    territory: Territory, level: str, inputs: Inputs, app: tuple[Any, ...], plain: tuple[Any, ...]
) -> None:
    """The app stored the plain index numbers and quintiles, and the core's selection."""
    from barrio.territories.models import IndicatorValue

    units, _run, quintiles, targeting = app
    code_of = dict(units.values_list("pk", "code"))
    stored = dict(
        IndicatorValue.objects.filter(
            indicator__code="bench_index", period=PERIOD, unit__level=level
        ).values_list("unit_id", "value")
    )
    by_code = {code_of[pk]: v for pk, v in stored.items() if pk in code_of}
    scores = np.array([by_code.get(c, np.nan) for c in inputs.codes])
    np.testing.assert_allclose(scores, plain[0], atol=1e-9)
    pk_of = {code: pk for pk, code in code_of.items()}
    classes = np.array([quintiles.classes.get(pk_of[c], -1) for c in inputs.codes])
    np.testing.assert_array_equal(classes, plain[1])
    core = ours_pipeline(Stages(), inputs, pipeline_spec(inputs.indicators))
    chosen = set(targeting.decisions.filter(selected=True).values_list("unit__code", flat=True))
    assert chosen == set(core[3]), "the stored selection differs from the core's"


def compare_app(
    what: str,
    territory: Territory,
    level: str,
    group_level: str,
    inputs: Inputs,
    repeats: int,
) -> float:
    """Best of ``repeats`` app runs against the plain computation; returns the app's time."""
    best: dict[str, Stages] = {}
    app: tuple[Any, ...] = ()
    plain: tuple[Any, ...] = ()
    for _ in range(repeats):
        st = Stages()
        app = app_pipeline(st, territory, level, group_level, inputs)
        if "app" not in best or sum(st.seconds.values()) < sum(best["app"].seconds.values()):
            best["app"] = st
        st = Stages()
        plain = plain_pipeline(st, inputs)
        if "plain" not in best or sum(st.seconds.values()) < sum(best["plain"].seconds.values()):
            best["plain"] = st
    total = sum(best["app"].seconds.values())
    report(what, len(inputs.codes), total, sum(best["plain"].seconds.values()))
    for stage, t in best["app"].seconds.items():
        report(f"  {stage}", len(inputs.codes), t, best["plain"].seconds[stage])
    cpu = best["app"].cpu
    stages = ", ".join(f"{stage} {t:.2f}" for stage, t in cpu.items())
    print(
        f"{'':44} processor time: app {sum(cpu.values()):.3f} s ({stages}), plain "
        f"{sum(best['plain'].cpu.values()):.3f} s; wall time exceeds it when other work "
        "shares the machine"
    )
    check_same(territory, level, inputs, app, plain)
    return total


def warm_up() -> None:
    """Compile mapclassify's numba kernels once, so that no part pays for it."""
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mapclassify.FisherJenksSampled(np.arange(600.0), k=5, pct=0.9)


def timed(what: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` once and print how long it took (a set-up step, not compared)."""
    t0 = time.perf_counter()
    out = fn()
    print(f"{'  set-up: ' + what:<44} {time.perf_counter() - t0:7.3f} s")
    return out


def bench_synthetic(n: int, repeats: int) -> None:
    """(a) index + classes + targeting over ``n`` synthetic units in the database."""
    inputs = synthetic_inputs(n)
    territory = timed(f"{n:,} units and 6 indicators stored", lambda: synthetic_territory(inputs))
    total = compare_app(
        "app from DB: index + classes + targeting (synth.)",
        territory,
        "unidad",
        "región",
        inputs,
        repeats,
    )
    print(f"{'':44} goal under 2 s: {'met' if total < 2 else 'NOT met'} ({total:.2f} s)")


def import_reference(path: Path) -> int:
    """Read the file and compute what the import computes, without the database."""
    frame = pyogrio.read_dataframe(str(path), use_arrow=False)
    geometries = frame.geometry.to_numpy()
    valid = shapely.is_valid(geometries)
    transformer = Transformer.from_crs("EPSG:4326", "EPSG:6933", always_xy=True)
    areas = [
        shapely.transform(g, transformer.transform, interleaved=False).area
        for g in geometries
        if g is not None
    ]
    texts = shapely.to_geojson(shapely.set_precision(geometries, 1e-6))
    return int(valid.sum()) + len(areas) + len(texts)


def bench_peru(repeats: int) -> None:
    """(b) import the 1,834 district polygons, then the pipeline over them."""
    from barrio.territories.files import UnitFileOptions
    from barrio.territories.services import unit_create, units_import

    polygons = DATA / "peru_distritos" / "peru_distritos_simple.geojson"
    inputs = peru_inputs()
    if inputs is None or not polygons.exists():
        print(f"skipped: {polygons} not found (the real data live in ../shared)")
        return
    territory = Territory("PE", "bench-peru")
    root = unit_create(country="PE", level="país", code="PE", name="Perú")
    features = json.loads(polygons.read_text("utf-8"))["features"]
    for code, name in sorted(
        {(f["properties"]["IDDPTO"], f["properties"]["NOMBDEP"]) for f in features}
    ):
        unit_create(country="PE", level="departamento", code=code, name=name, parent=root)
    options = UnitFileOptions(
        code_field="IDDIST", name_field="NOMBDIST", parent_code_field="IDDPTO"
    )
    t0 = time.perf_counter()
    result = units_import(
        path=polygons,
        country="PE",
        level="distrito",
        options=options,
        parent_level="departamento",
        allow_missing_geometry=True,
    )
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    import_reference(polygons)
    plain = time.perf_counter() - t0
    report("import of the district polygons (units_import)", len(features), ours, plain)
    print(f"{'':44} {result.summary()}; plain = pyogrio read + validity + areas + GeoJSON")
    territory.cover(root)
    territory.store_values("distrito", inputs)
    compare_app(
        "app from DB: index + classes + targeting (Peru)",
        territory,
        "distrito",
        "departamento",
        inputs,
        repeats,
    )


def bench_map_size() -> None:
    """(c) the map's GeoJSON for the 1,651 colonias of Mexico City, coloured by an indicator."""
    from barrio.territories.files import UnitFileOptions
    from barrio.territories.models import IndicatorValue, TerritorialUnit
    from barrio.territories.selectors import indicator_map, map_feature_collection, unit_list
    from barrio.territories.services import indicator_define, unit_create, units_import

    source = DEMO_DATA / "mx_cdmx_colonias.geojson"
    root = unit_create(country="MX", level="entidad", code="09", name="Ciudad de México")
    for code in {
        f["properties"]["parent"] for f in json.loads(source.read_text("utf-8"))["features"]
    }:
        unit_create(country="MX", level="alcaldía", code=code, name=code, parent=root)
    units_import(
        path=source,
        country="MX",
        level="colonia",
        options=UnitFileOptions(code_field="code", name_field="name", parent_code_field="parent"),
        parent_level="alcaldía",
    )
    units = list(unit_list(within=[root]).filter(level="colonia"))
    indicator = indicator_define(code="bench_crimes", name="Crimes", direction="higher_is_worse")
    rng = np.random.default_rng(1)
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(indicator=indicator, unit=u, period=PERIOD, value=float(v))
            for u, v in zip(units, rng.gamma(2.0, 40.0, size=len(units)).round(1), strict=True)
        ]
    )
    t0 = time.perf_counter()
    mapped = indicator_map(indicator=indicator, units=units, period=PERIOD, method="quantiles")
    text = map_feature_collection(units, mapped)
    seconds = time.perf_counter() - t0
    size = len(text.encode("utf-8"))
    reference = source.stat().st_size
    json.loads(text)  # it is valid JSON
    zipped = len(gzip.compress(text.encode("utf-8")))
    n = TerritorialUnit.objects.filter(level="colonia").count()
    print(
        f"{'map GeoJSON (CDMX colonias, one indicator)':<44} n={n:>6}  ours {size / 1e6:6.3f} MB"
        f"  source {reference / 1e6:6.3f} MB  ratio {size / reference:5.2f}"
    )
    print(
        f"{'':44} gzip {zipped / 1e6:.3f} MB; built in {seconds:.3f} s; goal under 1 MB: "
        f"{'met' if size < 1e6 else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, set up the database and run every part."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="7,000 synthetic units, one repeat")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 3
    timed("temporary database migrated", setup_django)
    warm_up()
    bench_synthetic(7_000 if args.quick else 70_000, repeats)
    bench_peru(repeats)
    bench_map_size()
    print(
        "note: the plain computation reads nothing and stores nothing; the app reads the "
        "values from the database, stores the scores, the run and one explained decision per "
        "unit."
    )


if __name__ == "__main__":
    main()
