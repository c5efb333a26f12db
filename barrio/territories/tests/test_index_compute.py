"""Composite indices: defined as data, computed over units, reproducible by fingerprint."""

from __future__ import annotations

import pytest

from barrio.errors import ValidationFailed
from barrio.territories.models import IndicatorValue
from barrio.territories.services import index_compute, index_define, indicator_define, unit_create

pytestmark = pytest.mark.django_db

SPEC = {
    "orientation": "higher_is_worse",
    "root": {
        "code": "need",
        "children": [
            {"indicator": "poverty", "direction": "higher_is_worse", "goalposts": [0, 50]},
            {"indicator": "hdi", "direction": "higher_is_better", "goalposts": [0, 1]},
        ],
    },
}


@pytest.fixture
def units():
    found = []
    for code, poverty, hdi in (("a", 10, 0.8), ("b", 40, 0.5), ("c", 25, None)):
        unit = unit_create(country="PE", level="distrito", code=code, name=code.upper())
        found.append(unit)
        IndicatorValue.objects.create(indicator=POVERTY(), unit=unit, period="2018", value=poverty)
        if hdi is not None:
            IndicatorValue.objects.create(indicator=HDI(), unit=unit, period="2019", value=hdi)
    return found


def POVERTY():  # noqa: N802 (a factory named after what it returns)
    return indicator_define(
        code="poverty", name="Poverty", kind="percentage", direction="higher_is_worse"
    )


def HDI():  # noqa: N802
    return indicator_define(code="hdi", name="HDI", kind="index", direction="higher_is_better")


PERIODS = {"poverty": "2018", "hdi": "2019"}


def test_scores_are_stored_as_an_indicator_and_recomputing_gives_the_same_run(units):
    index = index_define(code="need", name="Need", spec=SPEC)
    run = index_compute(index=index, units=units, period="2020", input_periods=PERIODS)
    scores = dict(
        IndicatorValue.objects.filter(indicator__code="need", period="2020").values_list(
            "unit__code", "value"
        )
    )
    # a: mean(20, 20) = 20; b: mean(80, 50) = 65; c: only poverty (re-weighted) = 50
    assert scores == pytest.approx({"a": 20.0, "b": 65.0, "c": 50.0})
    assert (run.unit_count, run.scored_count) == (3, 3)
    again = index_compute(
        index=index, units=list(reversed(units)), period="2020", input_periods=PERIODS
    )
    assert again.fingerprint == run.fingerprint
    assert IndicatorValue.objects.filter(indicator__code="need").count() == 3
    assert index.indicator.direction == "higher_is_worse"


def test_changed_input_changes_the_fingerprint(units):
    index = index_define(code="need", name="Need", spec=SPEC)
    first = index_compute(index=index, units=units, period="2020", input_periods=PERIODS)
    IndicatorValue.objects.filter(unit__code="a", indicator__code="poverty").update(value=11)
    second = index_compute(index=index, units=units, period="2020", input_periods=PERIODS)
    assert first.fingerprint != second.fingerprint


def test_unknown_indicator_and_malformed_tree_are_refused(units):
    bad = {
        "root": {"code": "x", "children": [{"indicator": "nope", "direction": "higher_is_worse"}]}
    }
    with pytest.raises(ValidationFailed) as failure:
        index_define(code="x", name="X", spec=bad)
    assert failure.value.errors[0].loc == ("spec", "indicator", "nope")
    with pytest.raises(ValidationFailed):
        index_define(code="y", name="Y", spec={"root": {"code": "y", "children": []}})


def test_missing_period_and_refused_data_change_nothing(units):
    index = index_define(code="need", name="Need", spec=SPEC)
    with pytest.raises(ValidationFailed):
        index_compute(index=index, units=units, period="2020", input_periods={"poverty": "2018"})
    constant = {
        "root": {
            "code": "flat",
            "children": [{"indicator": "poverty", "direction": "higher_is_worse"}],
        }
    }
    IndicatorValue.objects.filter(indicator__code="poverty").update(value=5)
    flat = index_define(code="flat", name="Flat", spec=constant)
    with pytest.raises(ValidationFailed):
        index_compute(index=flat, units=units, period="2020", input_periods=PERIODS)
    assert not IndicatorValue.objects.filter(indicator__code__in=["need", "flat"]).exists()


def test_classify_command_prints_strata_and_units(units):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command(
        "classify",
        "--indicator",
        "poverty",
        "--country",
        "PE",
        "--level",
        "distrito",
        "--method",
        "equal_interval",
        "--k",
        "3",
        stdout=out,
    )
    text = out.getvalue()
    assert text.startswith("Poverty, 2018, equal_interval:")
    assert "b\tB\t40\t" in text
    with pytest.raises(CommandError):
        call_command(
            "classify",
            "--indicator",
            "poverty",
            "--country",
            "PE",
            "--level",
            "distrito",
            "--period",
            "1900",
        )


def test_a_queryset_of_units_gives_the_same_scores_and_replaces_only_its_units(units):
    """Many units come as a queryset, read as plain rows; recomputing some units replaces
    their scores and keeps the others'."""
    from barrio.territories.models import TerritorialUnit

    index = index_define(code="need", name="Need", spec=SPEC)
    first = index_compute(index=index, units=units, period="2020", input_periods=PERIODS)
    again = index_compute(
        index=index,
        units=TerritorialUnit.objects.filter(level="distrito"),
        period="2020",
        input_periods=PERIODS,
    )
    assert again.fingerprint == first.fingerprint
    assert IndicatorValue.objects.filter(indicator__code="need").count() == 3
    IndicatorValue.objects.filter(indicator__code="poverty", unit__code="a").update(value=30)
    index_compute(
        index=index,
        units=TerritorialUnit.objects.filter(code="a"),
        period="2020",
        input_periods=PERIODS,
    )
    scores = dict(
        IndicatorValue.objects.filter(indicator__code="need").values_list("unit__code", "value")
    )
    # a alone: poverty 30 of 50 = 60 and hdi 0.8 = 20, mean 40; b and c unchanged.
    assert scores == pytest.approx({"a": 40.0, "b": 65.0, "c": 50.0})
    with pytest.raises(ValidationFailed):
        index_compute(
            index=index,
            units=TerritorialUnit.objects.none(),
            period="2020",
            input_periods=PERIODS,
        )


def test_compute_index_command_scores_the_units_of_a_level(units, tmp_path):
    """The command reads the configuration, scores every unit and stores the scores."""
    import io
    import json

    from django.core.management import CommandError, call_command
    from django.utils import translation

    config = tmp_path / "need.json"
    config.write_text(json.dumps({"code": "need", "name": "Need", **SPEC}), "utf-8")
    out = io.StringIO()
    args = ("--country", "pe", "--level", "distrito", "--period", "2020")
    call_command(
        "compute_index",
        str(config),
        *args,
        "--input",
        "poverty=2018",
        "--input",
        "hdi=2019",
        stdout=out,
    )
    assert out.getvalue().startswith("need: 3 of 3 units scored for 2020; fingerprint sha256:")
    scores = IndicatorValue.objects.filter(indicator__code="need", period="2020")
    assert dict(scores.values_list("unit__code", "value")) == pytest.approx(
        {"a": 20.0, "b": 65.0, "c": 50.0}
    )
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="not valid"):
        call_command("compute_index", str(config), *args, "--input", "poverty=2018", stderr=err)
    assert "input_periods hdi: Give the period of this indicator." in err.getvalue()
    assert scores.count() == 3


@pytest.mark.parametrize("by_id", [True, False])
def test_value_column_follows_the_given_ids(units, monkeypatch, by_id):
    """Values land at their unit's position, whatever the order; NaN where a unit has none
    (read by id for few units, by indicator and period for many)."""
    import math

    from barrio.territories import maps

    if not by_id:
        monkeypatch.setattr(maps, "UNITS_BY_ID", 1)
    a, b, c = units
    other = unit_create(country="PE", level="distrito", code="d", name="D")
    column = maps.unit_value_column(
        indicator=HDI(), unit_ids=[c.pk, other.pk, b.pk, a.pk], period="2019"
    )
    assert math.isnan(column[0])
    assert math.isnan(column[1])
    assert column[2:].tolist() == [0.5, 0.8]
    assert maps.unit_value_column(indicator=HDI(), unit_ids=[], period="2019").size == 0
    assert math.isnan(maps.unit_value_column(indicator=HDI(), unit_ids=[a.pk], period="1").item())
