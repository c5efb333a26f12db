"""bulk_insert writes the same rows bulk_create would, JSON included, in batches."""

from __future__ import annotations

import pytest

from barrio.bulk import bulk_insert
from barrio.territories.models import Indicator, IndicatorValue, TerritorialUnit

pytestmark = pytest.mark.django_db


def test_bulk_insert_writes_plain_rows_in_batches():
    indicator = Indicator.objects.create(code="people", name="People")
    units = TerritorialUnit.objects.bulk_create(
        [
            TerritorialUnit(country="PE", level="distrito", code=f"{i:03d}", name="x", path=f"{i}/")
            for i in range(7)
        ]
    )
    written = bulk_insert(
        IndicatorValue,
        ("indicator", "unit", "period", "group", "value"),
        ((indicator.pk, unit.pk, "2020", "", float(i)) for i, unit in enumerate(units)),
        batch_size=3,
    )
    assert written == 7
    assert sorted(IndicatorValue.objects.values_list("unit__code", "value")) == [
        (f"{i:03d}", float(i)) for i in range(7)
    ]


def test_bulk_insert_converts_json_and_refuses_what_is_not_a_column(programme_with_run):
    from barrio.planning.models import TargetingDecision
    from barrio.planning.services.targeting import DECISION_FIELDS

    run, unit = programme_with_run
    bulk_insert(
        TargetingDecision,
        DECISION_FIELDS,
        [(run.pk, unit.pk, None, "", "", None, 0, True, 1, "selected", {"rank": 1, "of": [2]})],
    )
    decision = TargetingDecision.objects.get()
    assert decision.params == {"rank": 1, "of": [2]}
    assert decision.selected is True
    with pytest.raises(ValueError, match="decisions"):
        bulk_insert(TargetingRun_model(), ("decisions",), [])


def TargetingRun_model():  # noqa: N802
    from barrio.planning.models import TargetingRun

    return TargetingRun


@pytest.fixture
def programme_with_run():
    from barrio.planning.models import TargetingRun
    from barrio.planning.tests.factories import build_plan

    plan = build_plan()
    indicator = Indicator.objects.get(code="need")
    run = TargetingRun.objects.create(
        programme=plan.programme,
        name="Run",
        level="distrito",
        indicator=indicator,
        period="2025",
        parameters={},
        fingerprint="x",
        unit_count=1,
        eligible_count=1,
        selected_count=1,
        total_cost_cents=0,
    )
    return run, plan.districts["N1"]


def test_bulk_insert_splits_rows_into_statements_and_encodes_a_shared_value_once(
    programme_with_run, monkeypatch
):
    """Several rows per INSERT, a partial last one; one JSON encoding per shared object."""
    from barrio import bulk
    from barrio.planning.models import TargetingDecision
    from barrio.planning.services.targeting import DECISION_FIELDS

    run, _unit = programme_with_run
    units = list(TerritorialUnit.objects.order_by("code"))
    assert len(units) >= 5
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 2)
    shared = {"limit": 3}
    calls = []
    adapt = bulk.connections["default"].ops.adapt_json_value
    monkeypatch.setattr(
        bulk.connections["default"].ops,
        "adapt_json_value",
        lambda value, encoder: calls.append(value) or adapt(value, encoder),
    )
    rows = [
        (run.pk, unit.pk, float(i), "", "", None, 0, False, i + 1, "over_count_limit", shared)
        for i, unit in enumerate(units)
    ]
    rows[0] = (*rows[0][:-1], {"rank": 1, "of": ["a"]})
    assert bulk_insert(TargetingDecision, DECISION_FIELDS, rows, batch_size=3) == len(units)
    stored = list(TargetingDecision.objects.order_by("rank").values_list("value", "params"))
    assert stored == [(float(i), row[-1]) for i, row in enumerate(rows)]
    assert calls == [{"rank": 1, "of": ["a"]}, shared]


def test_bulk_insert_columns_writes_the_rows_the_columns_hold(programme_with_run):
    """Columns become rows, JSON converted column-wise; unequal columns are refused."""
    from barrio.bulk import bulk_insert_columns
    from barrio.planning.models import TargetingDecision

    run, _unit = programme_with_run
    units = [unit.pk for unit in TerritorialUnit.objects.order_by("code")][:3]
    shared = {"limit": 1}
    written = bulk_insert_columns(
        TargetingDecision,
        {
            "run": [run.pk] * 3,
            "unit": units,
            "value": [1.5, None, 3.0],
            "selected": [True, False, False],
            "rank": [1, None, 2],
            "reason": ["selected", "not_eligible_no_value", "over_count_limit"],
            "params": [{"rank": 1}, {}, shared],
            "stratum": ["high", "", "low"],
            "group": ["", "", ""],
            "cost_cents": [0, 0, 0],
        },
    )
    assert written == 3
    rows = TargetingDecision.objects.order_by("unit__code").values_list(
        "unit", "value", "selected", "rank", "reason", "params"
    )
    assert list(rows) == [
        (units[0], 1.5, True, 1, "selected", {"rank": 1}),
        (units[1], None, False, None, "not_eligible_no_value", {}),
        (units[2], 3.0, False, 2, "over_count_limit", {"limit": 1}),
    ]
    with pytest.raises(ValueError, match="different lengths"):
        bulk_insert_columns(TargetingDecision, {"run": [run.pk], "unit": []})
    assert TargetingDecision.objects.count() == 3


def test_bulk_insert_encrypts_encrypted_fields():
    """An encrypted field is a TextField inside: it must still be written encrypted."""
    import datetime as dt

    from django.db import connection

    from barrio.registry.models import DeliveryAccount, Household, Member
    from barrio.registry.tests.factories import build_desk, household, register

    desk = build_desk()
    register(desk, household())
    home = Household.objects.get()
    bulk_insert(
        DeliveryAccount,
        ("household", "provider", "mechanism", "details", "updated_at"),
        [(home.pk, "yape", "mobile_wallet", '{"phone": "987654321"}', dt.datetime.now(dt.UTC))],
    )
    now = dt.datetime.now(dt.UTC)
    fields = (
        "household",
        "external_id",
        "given_names",
        "family_name_1",
        "family_name_2",
        "sex",
        "birth_date",
        "nationality",
        "relationship",
        "disability",
        "pregnancy",
        "phone",
        "phone_index",
        "name_index",
        "created_at",
        "updated_at",
    )
    row = (
        home.pk,
        "",
        "Yusmary",
        "Pérez",
        "",
        "female",
        dt.date(1990, 1, 2),
        "VE",
        "sibling",
        False,
        False,
        "",
        "",
        "",
        now,
        now,
    )
    bulk_insert(Member, fields, [row])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT details FROM {DeliveryAccount._meta.db_table}")  # noqa: S608
        assert "987654321" not in cursor.fetchone()[0]
    assert DeliveryAccount.objects.get().details == '{"phone": "987654321"}'
    written = Member.objects.get(relationship="sibling")
    assert (written.given_names, written.birth_date) == ("Yusmary", dt.date(1990, 1, 2))
