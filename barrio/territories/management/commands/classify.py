"""``manage.py classify``: classify the units by an indicator and print the strata."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from barrio.territories.selectors import (
    METHODS,
    indicator_get,
    indicator_map,
    indicator_periods,
    unit_list,
)


class Command(BaseCommand):
    help = (
        "Classify the units of a country and level by an indicator (quantiles, equal "
        "intervals, natural breaks, or local Moran's I hot spots) and print each class with its "
        "bounds and count, then each unit with its value and class. Writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", required=True)
        parser.add_argument("--country", required=True)
        parser.add_argument("--level", required=True)
        parser.add_argument("--period", help="Default: the newest period with values.")
        parser.add_argument("--method", choices=list(METHODS), default="quantiles")
        parser.add_argument("--k", type=int, default=5, choices=range(2, 8))

    def handle(self, *args: Any, **options: Any) -> None:
        indicator = indicator_get(code=options["indicator"])
        if indicator is None:
            raise CommandError(f"No indicator has the code {options['indicator']}.")
        # A queryset, read as plain rows: no model instance per unit (countries have 70,000).
        units = unit_list().filter(country=options["country"].upper(), level=options["level"])
        periods = indicator_periods(indicator, units)
        period = options["period"] or (periods[0] if periods else "")
        if period not in periods:
            raise CommandError(
                f"{indicator.code} has no value in period {period!r} for these units; "
                f"it has: {', '.join(periods) or 'none'}."
            )
        mapped = indicator_map(
            indicator=indicator,
            units=units,
            period=period,
            method=options["method"],
            k=options["k"],
        )
        self.stdout.write(f"{indicator.name}, {period}, {options['method']}:")
        for entry in mapped.legend:
            bounds = "" if entry.lower is None else f" {entry.lower:g} – {entry.upper:g}"
            self.stdout.write(f"  {entry.label}:{bounds} ({entry.count})")
        for pk, code, name in units.values_list("pk", "code", "name"):
            value = mapped.values.get(pk)
            shown = "—" if value is None else f"{value:g}"
            self.stdout.write(f"{code}\t{name}\t{shown}\t{mapped.label_of(pk)}")
