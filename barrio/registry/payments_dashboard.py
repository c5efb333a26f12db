"""The programme's payments dashboard: money planned, released and delivered, by city and group.

*Planned* is what the plans hold (payments not left out), *released* what released plans
sent to providers, *delivered* what providers reported delivered. A row of fewer than
:data:`~barrio.registry.selectors.SMALL_COUNT` households shows no count and no money, nor
does a second row where the total would otherwise give the first away (see
:func:`suppress_small`).
The chart is an SVG drawn here, from our own markup: no script, no CDN.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.translation import gettext as _

from barrio.money import format_cents
from barrio.registry.choices import ResidenceStatus
from barrio.registry.models import Payment
from barrio.registry.selectors import SMALL_COUNT
from barrio.registry.services.reconciliation import city_of

if TYPE_CHECKING:
    from barrio.accounts.models import Programme

_RELEASED = (Payment.Status.SENT, Payment.Status.DELIVERED, Payment.Status.FAILED)


#: One payment as the dashboard sums it: household, city, group, currency, status, entitled
#: and delivered cents.
Record = tuple[int, str, str, str, str, int, int | None]


@dataclass
class MoneyRow:
    """One city or group in one currency; money ``None`` when the row is suppressed.

    ``hidden`` says why: ``"small"`` (fewer than :data:`SMALL_COUNT` households) or
    ``"complement"`` (hidden as well, so that a small row cannot be worked out from the total).
    """

    dimension: str
    name: str
    currency: str
    households: int | None
    planned: int | None
    released: int | None
    delivered: int | None
    hidden: str = ""

    @property
    def suppressed(self) -> bool:
        return self.households is None


def payments_dashboard(programme: Programme, *, small: int = SMALL_COUNT) -> list[MoneyRow]:
    """The rows of the dashboard: by city, by group, and the programme's total per currency.

    Rows of fewer than ``small`` households are hidden (:func:`suppress_small`). Callers
    have checked that the user may see the programme's cash assistance.
    """
    rows = Payment.objects.filter(plan__programme=programme).exclude(status=Payment.Status.EXCLUDED)
    city = city_of(programme)
    labels = dict(ResidenceStatus.choices)
    records: Iterable[Record] = (
        (
            household,
            city(country, path),
            str(labels.get(group, group)),
            currency,
            status,
            cents,
            paid,
        )
        for household, country, path, group, currency, status, cents, paid in rows.values_list(
            "household_id",
            "household__unit__country",
            "household__unit__path",
            "household__residence_status",
            "currency",
            "status",
            "amount_cents",
            "delivered_cents",
        )
    )
    return suppress_small(money_rows(records, total_name=_("All households")), small)


def money_rows(records: Iterable[Record], *, total_name: str) -> list[MoneyRow]:
    """Sum payments by city, by group and in total, per currency; nothing hidden yet.

    Rows come cities first, then groups, then totals, each by name and currency.
    """
    # key -> [planned, released, delivered]
    sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    seen: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for household, city, group, currency, status, cents, delivered in records:
        keys = (
            ("city", city, currency),
            ("group", group, currency),
            ("total", total_name, currency),
        )
        for key in keys:
            seen[key].add(household)
            money = sums[key]
            money[0] += cents
            if status in _RELEASED:
                money[1] += cents
            money[2] += delivered or 0
    order = ("city", "group", "total")
    return [
        MoneyRow(*key, len(seen[key]), planned, released, delivered)
        for key, (planned, released, delivered) in sorted(
            sums.items(), key=lambda item: (order.index(item[0][0]), item[0][1:])
        )
    ]


def suppress_small(rows: list[MoneyRow], small: int = SMALL_COUNT) -> list[MoneyRow]:
    """Hide each row of fewer than ``small`` households, and what would give it away.

    A row's count and money are hidden when it has fewer than ``small`` households (the
    total too: then every row of its currency is that small). The cities of a currency add
    up to its total, and so do its groups: where exactly one city (or group) is hidden, the
    total minus the shown rows would reveal it, so the smallest other city (or group) is
    hidden as well (complementary suppression). No hidden row can then be worked out from
    the shown ones.
    """
    hidden = {i: "small" for i, row in enumerate(rows) if (row.households or 0) < small}
    parts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row.dimension != "total":
            parts[row.dimension, row.currency].append(i)
    for members in parts.values():
        shown = [i for i in members if i not in hidden]
        if len(members) - len(shown) == 1 and shown:
            hidden[min(shown, key=lambda i: (rows[i].households or 0, rows[i].name))] = "complement"
    return [
        replace(row, households=None, planned=None, released=None, delivered=None, hidden=why)
        if (why := hidden.get(i))
        else row
        for i, row in enumerate(rows)
    ]


def dashboard_csv(rows: list[MoneyRow]) -> str:
    """The dashboard for donors' reports: one line a row, amounts in currency units."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(
        ["dimension", "name", "currency", "households", "planned", "released", "delivered"]
    )
    for row in rows:
        money = [
            "" if cents is None else f"{cents // 100}.{cents % 100:02d}"
            for cents in (row.planned, row.released, row.delivered)
        ]
        households = {"small": f"<{SMALL_COUNT}", "complement": "hidden"}.get(
            row.hidden, str(row.households)
        )
        writer.writerow([row.dimension, row.name, row.currency, households, *money])
    return text.getvalue()


def dashboard_svg(rows: list[MoneyRow]) -> str:
    """A bar chart of the cities: planned, released and delivered, each to its own scale
    of the largest planned amount of its currency. Suppressed cities are not drawn."""
    cities = [r for r in rows if r.dimension == "city" and not r.suppressed]
    if not cities:
        return ""
    top: dict[str, int] = defaultdict(int)
    for row in cities:
        top[row.currency] = max(top[row.currency], row.planned or 0)
    label_width, bar_width, bar, gap = 180, 360, 12, 14
    height = len(cities) * (3 * bar + gap) + 30
    series = (
        ("planned", _("Planned"), "bar-planned"),
        ("released", _("Released"), "bar-released"),
        ("delivered", _("Delivered"), "bar-delivered"),
    )
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {label_width + bar_width + 140} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="chart-title">'
        f'<title id="chart-title">{escape(_("Money planned, released and delivered by city"))}'
        "</title>"
    ]
    y = 0
    for row in cities:
        parts.append(f'<text x="0" y="{y + 2 * bar}" class="chart-label">{escape(row.name)}</text>')
        for i, (field, label, css) in enumerate(series):
            cents = getattr(row, field) or 0
            width = round(bar_width * cents / top[row.currency]) if top[row.currency] else 0
            value = format_cents(cents, row.currency)
            parts.append(
                f'<rect x="{label_width}" y="{y + i * bar}" width="{width}" height="{bar - 2}" '
                f'class="{css}"><title>{escape(label)}: {escape(value)}</title></rect>'
            )
        y += 3 * bar + gap
    legend_x = label_width
    for _field, label, css in series:
        parts.append(
            f'<rect x="{legend_x}" y="{y + 4}" width="10" height="10" class="{css}"></rect>'
            f'<text x="{legend_x + 14}" y="{y + 13}" class="chart-label">{escape(label)}</text>'
        )
        legend_x += 120
    parts.append("</svg>")
    return "".join(parts)
