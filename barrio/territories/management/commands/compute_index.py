"""``manage.py compute_index``: define a composite index from a JSON file and compute it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from barrio.errors import ValidationFailed
from barrio.territories.selectors import unit_list
from barrio.territories.services import index_compute, index_define


class Command(BaseCommand):
    help = (
        "Define (or update) a composite index from a JSON configuration and compute it over "
        "the units of a country and level, storing the 0-100 scores as the values of an "
        "indicator with the index's code. Example: compute_index need.json --country PE "
        "--level distrito --period 2020 --input idh_2019=2019 --input pct_pobreza_total=2018"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("config", type=Path, help="JSON: code, name, and the index tree.")
        parser.add_argument("--country", required=True)
        parser.add_argument("--level", required=True, help="Level of the units scored.")
        parser.add_argument("--period", required=True, help="Period of the scores.")
        parser.add_argument(
            "--input",
            action="append",
            default=[],
            metavar="INDICATOR=PERIOD",
            help="Period to read for an indicator of the index (repeat for each).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config = json.loads(options["config"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"The configuration could not be read: {error}") from error
        periods = {}
        for item in options["input"]:
            code, _sep, period = item.partition("=")
            if not period:
                raise CommandError(f"--input {item}: write INDICATOR=PERIOD.")
            periods[code] = period
        # A queryset: index_compute reads it as plain rows, without a model instance per unit.
        units = unit_list().filter(country=options["country"].upper(), level=options["level"])
        try:
            index = index_define(
                code=str(config.get("code", "")),
                name=str(config.get("name", config.get("code", ""))),
                spec=config,
                description=str(config.get("description", "")),
            )
            run = index_compute(
                index=index, units=units, period=options["period"], input_periods=periods
            )
        except ValidationFailed as error:
            for problem in error.errors:
                self.stderr.write(problem.describe())
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            f"{index.code}: {run.scored_count} of {run.unit_count} units scored for "
            f"{run.period}; fingerprint {run.fingerprint[:23]}."
        )
