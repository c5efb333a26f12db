"""The import template: one row per person, the columns of ``TEMPLATE_COLUMNS``.

``python -m barrio.registry.imports.template`` writes the shipped files
``barrio/registry/data/plantilla_hogares.xlsx`` (sheet ``personas``, with the codes on
sheet ``codigos`` and two example rows on sheet ``ejemplo``) and ``plantilla_hogares.csv``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from barrio.registry.imports.parse import TEMPLATE_COLUMNS

DATA = Path(__file__).resolve().parents[1] / "data"
XLSX = DATA / "plantilla_hogares.xlsx"
CSV = DATA / "plantilla_hogares.csv"

CODES = {
    "residence_status": ["host", "migrant", "refugee", "asylum_seeker", "returnee"],
    "relationship": [
        "head",
        "partner",
        "child",
        "parent",
        "sibling",
        "grandchild",
        "grandparent",
        "other_relative",
        "not_related",
    ],
    "sex": ["female", "male", "other", "unknown"],
    "document_type": [
        "ve_passport",
        "ve_cedula",
        "pe_dni",
        "pe_ce",
        "pe_cpp",
        "pe_ptp",
        "co_cc",
        "co_ce",
        "co_pep",
        "co_ppt",
        "ec_cedula",
        "passport",
        "national_id",
        "refugee_card",
        "birth_certificate",
        "other",
    ],
    "vulnerability": [
        "single_caregiver",
        "disability",
        "chronic_illness",
        "older_person_alone",
        "pregnant_or_lactating",
        "unaccompanied_child",
        "violence_survivor",
        "no_income",
        "eviction_risk",
        "irregular_status",
    ],
    "collector": ["primary", "alternate"],
    "disability, pregnancy": ["yes", "no"],
    "dates": ["YYYY-MM-DD", "DD/MM/YYYY"],
    "nationality, document_country": ["ISO 3166: VE, PE, CO, EC, …"],
}
# Synthetic people: no real person has these names and numbers.
EXAMPLE = [
    [
        "H-0001",
        "150132",
        "migrant",
        "2022-03-01",
        "Jr. Ejemplo 123",
        "P-1",
        "head",
        "Ana María",
        "Ejemplo",
        "Prueba",
        "female",
        "1990-05-17",
        "VE",
        "ve_passport",
        "000000001",
        "",
        "987000001",
        "no",
        "no",
        "single_caregiver",
        "primary",
        "2026-01-15",
    ],
    [
        "H-0001",
        "150132",
        "migrant",
        "2022-03-01",
        "Jr. Ejemplo 123",
        "P-2",
        "child",
        "Luis",
        "Ejemplo",
        "",
        "male",
        "2016-02-01",
        "VE",
        "pe_cpp",
        "000000002",
        "",
        "",
        "no",
        "no",
        "",
        "",
        "",
    ],
]


def template_xlsx() -> bytes:
    """Return the template workbook as bytes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "personas"
    sheet.append(list(TEMPLATE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    codes = workbook.create_sheet("codigos")
    codes.append(["column", "values"])
    for column, values in CODES.items():
        codes.append([column, ", ".join(values)])
    example = workbook.create_sheet("ejemplo")
    example.append(list(TEMPLATE_COLUMNS))
    for row in EXAMPLE:
        example.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    """Return the template as CSV (the header only), UTF-8 with a BOM for spreadsheets."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(TEMPLATE_COLUMNS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def main() -> None:
    """Write the shipped template files."""
    DATA.mkdir(exist_ok=True)
    XLSX.write_bytes(template_xlsx())
    CSV.write_bytes(template_csv())


if __name__ == "__main__":
    main()
