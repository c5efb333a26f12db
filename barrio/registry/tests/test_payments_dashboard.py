"""The payments dashboard: sums by city and group, small rows and their complements hidden."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from barrio.registry.payments_dashboard import (
    MoneyRow,
    Record,
    dashboard_csv,
    money_rows,
    suppress_small,
)


def records(cities: dict[str, int], *, group: str = "Migrant") -> list[Record]:
    """One delivered payment of 100.00 PEN per household, ``cities`` giving how many live where."""
    out: list[Record] = []
    for city, count in cities.items():
        start = len(out)
        out += [(start + n, city, group, "PEN", "delivered", 10_000, 10_000) for n in range(count)]
    return out


def rows_of(data: list[Record]) -> list[MoneyRow]:
    return suppress_small(money_rows(data, total_name="All"))


def shown(rows: list[MoneyRow]) -> dict[tuple[str, str], int | None]:
    return {(row.dimension, row.name): row.households for row in rows}


def test_one_small_city_hides_the_smallest_other_city_too():
    """Callao alone under five would be the total minus Lima and Arequipa: Arequipa goes too."""
    rows = rows_of(records({"Lima": 9, "Arequipa": 6, "Callao": 2}))
    assert shown(rows) == {
        ("city", "Arequipa"): None,
        ("city", "Callao"): None,
        ("city", "Lima"): 9,
        ("group", "Migrant"): 17,
        ("total", "All"): 17,
    }
    hidden = {row.name: row.hidden for row in rows if row.suppressed}
    assert hidden == {"Arequipa": "complement", "Callao": "small"}
    lines = dashboard_csv(rows).splitlines()
    assert "city,Arequipa,PEN,hidden,,," in lines
    assert "city,Callao,PEN,<5,,," in lines
    assert "city,Lima,PEN,9,900.00,900.00,900.00" in lines
    assert "total,All,PEN,17,1700.00,1700.00,1700.00" in lines


def test_two_small_cities_hide_nothing_more():
    rows = rows_of(records({"Lima": 9, "Arequipa": 3, "Callao": 2}))
    assert [row.name for row in rows if row.suppressed] == ["Arequipa", "Callao"]
    assert {row.hidden for row in rows if row.suppressed} == {"small"}


def test_no_small_row_hides_nothing():
    rows = rows_of(records({"Lima": 9, "Callao": 5}))
    assert not any(row.suppressed for row in rows)
    assert shown(rows)[("total", "All")] == 14


def test_a_programme_under_five_hides_its_total_too():
    rows = rows_of(records({"Lima": 4}))
    assert all(row.suppressed for row in rows)


def test_rows_sum_money_by_status():
    """Planned counts every payment, released those sent, delivered what providers reported."""
    data: list[Record] = [
        (1, "Lima", "Host", "PEN", "pending", 100, None),
        (2, "Lima", "Host", "PEN", "sent", 200, None),
        (3, "Lima", "Migrant", "PEN", "failed", 300, 0),
        (3, "Lima", "Migrant", "USD", "delivered", 50, 40),
    ]
    rows = money_rows(data, total_name="All")
    assert [
        (r.dimension, r.name, r.currency, r.households, r.planned, r.released, r.delivered)
        for r in rows
    ] == [
        ("city", "Lima", "PEN", 3, 600, 500, 0),
        ("city", "Lima", "USD", 1, 50, 50, 40),
        ("group", "Host", "PEN", 2, 300, 200, 0),
        ("group", "Migrant", "PEN", 1, 300, 300, 0),
        ("group", "Migrant", "USD", 1, 50, 50, 40),
        ("total", "All", "PEN", 3, 600, 500, 0),
        ("total", "All", "USD", 1, 50, 50, 40),
    ]


households = st.lists(
    st.tuples(
        st.sampled_from(["Lima", "Callao", "Arequipa", "Cusco", "Piura"]),
        st.sampled_from(["Migrant", "Refugee", "Host"]),
        st.lists(
            st.tuples(
                st.sampled_from(["PEN", "USD"]),
                st.sampled_from(["pending", "sent", "delivered", "failed"]),
                st.integers(1, 10**6),
            ),
            min_size=1,
            max_size=2,
        ),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(households)
def test_no_hidden_row_can_be_worked_out_from_the_shown_rows_and_the_total(people):
    """Per currency and dimension, a shown total leaves zero or at least two rows hidden;
    every row under five is hidden, and every shown row is the exact sum."""
    data: list[Record] = [
        (number, city, group, currency, status, cents, cents if status == "delivered" else None)
        for number, (city, group, payments) in enumerate(people)
        for currency, status, cents in payments
    ]
    exact = money_rows(data, total_name="All")
    rows = suppress_small(exact)
    assert len(rows) == len(exact)
    hidden: dict[tuple[str, str], int] = defaultdict(int)
    total_shown = {row.currency: not row.suppressed for row in rows if row.dimension == "total"}
    for before, after in zip(exact, rows, strict=True):
        assert (before.dimension, before.name, before.currency) == (
            after.dimension,
            after.name,
            after.currency,
        )
        assert before.households is not None
        if before.households < 5:
            assert after.hidden == "small"
        if after.suppressed:
            assert (after.planned, after.released, after.delivered) == (None, None, None)
            hidden[after.dimension, after.currency] += 1
        else:
            assert after == before
    for (dimension, currency), count in hidden.items():
        if dimension != "total" and total_shown[currency]:
            assert count >= 2, (dimension, currency)
