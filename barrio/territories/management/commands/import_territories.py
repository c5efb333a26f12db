"""``manage.py import_territories FILE``: import a file of territorial units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from barrio.errors import ValidationFailed
from barrio.territories.files import UnitFileOptions
from barrio.territories.services import units_import


class Command(BaseCommand):
    help = (
        "Import territorial units of one level from a GeoJSON, zipped Shapefile or GeoPackage "
        "file, reprojected to WGS84. Every feature is checked first; a file with any bad "
        "feature is rejected whole, naming each. Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--country", required=True, help="ISO 3166 code, e.g. MX.")
        parser.add_argument("--level", required=True, help="e.g. colonia, comuna, distrito.")
        parser.add_argument("--code-field", required=True, help="Property holding the code.")
        parser.add_argument("--name-field", required=True, help="Property holding the name.")
        parser.add_argument("--parent-code-field", help="Property holding the parent's code.")
        parser.add_argument("--parent-level", help="Level of the parents (default: any).")
        parser.add_argument("--layer", help="Layer of a GeoPackage or multi-layer file.")
        parser.add_argument("--encoding", help="Text encoding of an old file, e.g. cp1252.")
        parser.add_argument("--crs", help="CRS of a file that declares none, e.g. EPSG:6372.")
        parser.add_argument("--vintage", default="", help="Catalogue vintage, e.g. 2022.")
        parser.add_argument(
            "--allow-missing-geometry",
            action="store_true",
            help="Accept features without geometry (they are imported without one).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count only.")

    def handle(self, *args: Any, **options: Any) -> None:
        file_options = UnitFileOptions(
            code_field=options["code_field"],
            name_field=options["name_field"],
            parent_code_field=options["parent_code_field"],
            layer=options["layer"],
            encoding=options["encoding"],
            crs=options["crs"],
        )
        try:
            report = units_import(
                path=options["file"],
                country=options["country"].upper(),
                level=options["level"],
                options=file_options,
                parent_level=options["parent_level"],
                vintage=options["vintage"],
                allow_missing_geometry=options["allow_missing_geometry"],
                dry_run=options["dry_run"],
            )
        except ValidationFailed as error:
            for problem in error.errors:
                self.stderr.write(problem.describe())
            raise CommandError(str(error.message)) from error
        counts = report.summary()
        mode = "applied" if report.applied else "dry run, nothing written"
        self.stdout.write(
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, 0 rejected ({mode})."
        )
