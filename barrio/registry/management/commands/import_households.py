"""``manage.py import_households FILE --programme SLUG [--mapping NAME] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from barrio.accounts.selectors import programme_get
from barrio.errors import ValidationFailed
from barrio.registry.selectors import column_mapping_get
from barrio.registry.services import household_import
from barrio.registry.services.imports import MAX_DUPLICATE_SHARE


class Command(BaseCommand):
    help = (
        "Import households from an XLSX or CSV file of the template (one row per person) or "
        "a KoboToolbox JSON export. Every row is checked first; any problem rejects the whole "
        "file and is listed with its row and column. Households already imported are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--programme", required=True, help="Short name of the programme.")
        parser.add_argument("--mapping", default="", help="A saved column mapping.")
        parser.add_argument("--sheet", default="", help="Sheet of an XLSX file.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count only.")
        parser.add_argument(
            "--max-duplicates",
            type=float,
            default=MAX_DUPLICATE_SHARE,
            help="Abort when more than this share of people are probably registered already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        programme = programme_get(slug=options["programme"])
        if programme is None:
            raise CommandError(f"No programme {options['programme']}.")
        mapping = None
        if options["mapping"]:
            mapping = column_mapping_get(programme=programme, name=options["mapping"])
            if mapping is None:
                raise CommandError(f"No column mapping {options['mapping']} in this programme.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        # The server's own command line acts for the programme as a whole.
        try:
            report = household_import(
                actor=None,
                programme=programme,
                content=path.read_bytes(),
                file_name=path.name,
                mapping=mapping,
                sheet=options["sheet"],
                dry_run=options["dry_run"],
                max_duplicate_share=options["max_duplicates"],
            )
        except ValidationFailed as error:
            for problem in error.errors[:200]:
                self.stderr.write(problem.describe())
            if len(error.errors) > 200:
                self.stderr.write(f"… and {len(error.errors) - 200} more.")
            raise CommandError(str(error.message)) from error
        mode = "applied" if report.applied else "dry run, nothing written"
        self.stdout.write(
            f"{report.rows} rows: {report.households_new} households and {report.people_new} "
            f"people new, {report.households_already_imported} households already imported, "
            f"{report.probable_duplicates} probable duplicates ({mode})."
        )
