"""``manage.py import_indicators FILE``: import indicator values from a CSV or XLSX table."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from barrio.errors import ValidationFailed
from barrio.territories.services import indicators_define_from_table, indicators_import


class Command(BaseCommand):
    help = (
        "Import indicator values from a CSV or XLSX table, in long form (unit_code, indicator, "
        "period, value[, group]) or wide form (unit_code and one column per indicator, with "
        "--period). Every row is checked first; any problem rejects the whole table. A table "
        "without codes names its units in the columns unit_name and parent (the parent's code "
        "or name) with --join name --level LEVEL; names that cannot be matched wait on the "
        "names page (/territories/names/) for a person to choose, and the next import uses "
        "that choice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--country", required=True, help="ISO 3166 code of the units.")
        parser.add_argument("--level", help="Level of the units, when codes repeat across levels.")
        parser.add_argument("--form", choices=["long", "wide"], default="long")
        parser.add_argument("--period", help="The period of a wide table, e.g. 2020.")
        parser.add_argument("--sheet", help="Sheet of an XLSX file (default: the first).")
        parser.add_argument(
            "--definitions",
            type=Path,
            help="A table of indicator definitions (code, name, measure, source, vintage, "
            "direction, kind) to create or update first.",
        )
        parser.add_argument(
            "--join",
            choices=["code", "name", "location"],
            default="code",
            help="Find the units by code (default), by name within their parent (columns "
            "unit_name, parent) or by the point they contain (columns longitude, latitude).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count only.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                if options["definitions"]:
                    defined = indicators_define_from_table(path=options["definitions"])
                    self.stdout.write(f"{len(defined)} indicators defined.")
                report = indicators_import(
                    path=options["file"],
                    country=options["country"].upper(),
                    level=options["level"],
                    form=options["form"],
                    period=options["period"],
                    sheet=options["sheet"],
                    dry_run=options["dry_run"],
                    join=options["join"],
                )
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except ValidationFailed as error:
            if options["join"] == "name" and not options["definitions"]:
                # The failed import rolled back the names it left for a person to choose;
                # a dry run outside that transaction records them for the names page.
                with contextlib.suppress(ValidationFailed):
                    indicators_import(
                        path=options["file"],
                        country=options["country"].upper(),
                        level=options["level"],
                        form=options["form"],
                        period=options["period"],
                        sheet=options["sheet"],
                        dry_run=True,
                        join="name",
                    )
            for problem in error.errors:
                self.stderr.write(problem.describe())
            raise CommandError(str(error.message)) from error
        counts = report.summary()
        mode = "applied" if report.applied else "dry run, nothing written"
        if report.joined:
            joined = ", ".join(f"{kind} {count}" for kind, count in sorted(report.joined.items()))
            self.stdout.write(f"Rows joined: {joined}.")
        self.stdout.write(
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['empty']} empty, 0 rejected ({mode})."
        )
