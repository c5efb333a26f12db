"""Builders of import files for the tests (synthetic people only)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from barrio.registry.imports.parse import TEMPLATE_COLUMNS


def person(**overrides: str) -> dict[str, str]:
    row = {
        "household_id": "H1",
        "unit_code": "150122",
        "residence_status": "migrant",
        "arrival_date": "2022-03-01",
        "address": "Jr. Prueba 1",
        "member_id": "P1",
        "relationship": "head",
        "given_names": "Yusmary",
        "family_name_1": "Pérez",
        "family_name_2": "Gómez",
        "sex": "female",
        "birth_date": "17/05/1990",
        "nationality": "VE",
        "document_type": "ve_passport",
        "document_number": "100200300",
        "document_country": "",
        "phone": "987654321",
    }
    row.update(overrides)
    return row


def two_households() -> list[dict[str, str]]:
    return [
        person(),
        person(
            member_id="P2",
            relationship="child",
            given_names="Luis",
            sex="male",
            birth_date="2015-02-01",
            document_type="pe_cpp",
            document_number="CPP-1",
            phone="",
        ),
        person(
            household_id="H2",
            unit_code="070101",
            residence_status="host",
            arrival_date="",
            member_id="P3",
            given_names="Rosa",
            family_name_1="Quispe",
            nationality="PE",
            document_type="pe_dni",
            document_number="40506070",
        ),
    ]


def csv_bytes(rows: list[dict[str, str]], columns: Any = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns or TEMPLATE_COLUMNS[:17]))
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, str]], *, sheet: str = "personas", merge: str = "") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    columns = list(TEMPLATE_COLUMNS[:17])
    worksheet.append(columns)
    for row in rows:
        worksheet.append([row.get(c, "") for c in columns])
    if merge:
        worksheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
