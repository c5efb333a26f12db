"""household_import: staged, all or nothing, the same file twice adds nothing; bad input
reported with row, column and reason."""

from __future__ import annotations

import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from barrio.errors import PermissionDenied, ValidationFailed
from barrio.registry.imports.parse import TEMPLATE_COLUMNS
from barrio.registry.imports.template import CSV, XLSX
from barrio.registry.models import Consent, Document, Household, ImportBatch, Member
from barrio.registry.services import (
    column_mapping_save,
    household_import,
    import_batch_create,
    import_batch_run,
)
from barrio.registry.tests.factories import build_desk, register
from barrio.registry.tests.importing import csv_bytes, person, two_households, xlsx_bytes

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Member.objects.count(),
        Document.objects.count(),
        Consent.objects.count(),
    )


def run(desk, content: bytes, name: str = "file.csv", **options):
    return household_import(
        actor=options.pop("actor", desk.caseworker),
        programme=desk.world.lima,
        content=content,
        file_name=name,
        **options,
    )


def rejected_locs(desk, content: bytes, name: str = "file.csv", **options):
    with pytest.raises(ValidationFailed) as caught:
        run(desk, content, name, **options)
    assert counts() == (0, 0, 0, 0)
    return caught.value, [e.loc for e in caught.value.errors]


def test_dry_run_summarises_and_writes_nothing():
    desk = build_desk()
    report = run(desk, csv_bytes(two_households()), dry_run=True)
    assert (report.rows, report.households_new, report.people_new) == (3, 2, 3)
    assert report.by_status == {"migrant": 1, "host": 1}
    assert not report.applied
    assert counts() == (0, 0, 0, 0)


def test_apply_writes_everything_and_the_same_file_twice_adds_nothing():
    desk = build_desk()
    content = csv_bytes(two_households())
    report = run(desk, content)
    assert report.applied
    assert counts() == (2, 3, 3, 2)
    first = Household.objects.get(external_id="H1")
    assert first.head.given_names == "Yusmary"
    assert first.primary_collector == first.head  # the adult head collects by default
    assert first.head.birth_date.isoformat() == "1990-05-17"
    again = run(desk, content)
    assert (again.households_new, again.households_already_imported) == (0, 2)
    assert counts() == (2, 3, 3, 2)


def test_xlsx_template_is_read_from_its_sheet():
    desk = build_desk()
    report = run(desk, xlsx_bytes(two_households()), "hogares.xlsx")
    assert report.households_new == 2


def test_shipped_template_has_the_columns():
    workbook = load_workbook(XLSX, read_only=True)
    assert workbook.sheetnames == ["personas", "codigos", "ejemplo"]
    header = next(workbook["personas"].iter_rows(max_row=1, values_only=True))
    assert list(header) == list(TEMPLATE_COLUMNS)
    assert CSV.read_text(encoding="utf-8-sig").strip() == ",".join(TEMPLATE_COLUMNS)
    issue_columns = (
        "household_id unit_code residence_status arrival_date address member_id relationship "
        "given_names family_name_1 family_name_2 sex birth_date nationality document_type "
        "document_number document_country phone"
    )
    for column in issue_columns.split():
        assert column in TEMPLATE_COLUMNS


def test_wrong_dates_are_reported_with_row_and_column():
    desk = build_desk()
    rows = two_households()
    rows[1]["birth_date"] = "31/02/2015"
    rows[2]["arrival_date"] = "mañana"
    error, locs = rejected_locs(desk, csv_bytes(rows))
    assert ("row", 3, "birth_date") in locs
    assert ("row", 4, "arrival_date") in locs
    assert error.code == "invalid_rows"


def test_unknown_document_type_is_reported():
    desk = build_desk()
    rows = two_households()
    rows[0]["document_type"] = "pasaporte_marciano"
    _error, locs = rejected_locs(desk, csv_bytes(rows))
    assert locs == [("row", 2, "document_type")]


def test_member_without_household_is_reported():
    desk = build_desk()
    rows = [*two_households(), person(household_id="", member_id="P9", document_number="9")]
    _error, locs = rejected_locs(desk, csv_bytes(rows))
    assert ("row", 5, "household_id") in locs


def test_household_without_head_and_conflicting_rows_are_reported():
    desk = build_desk()
    rows = two_households()
    rows[0]["relationship"] = "partner"
    rows[1]["unit_code"] = "070101"
    _error, locs = rejected_locs(desk, csv_bytes(rows))
    assert ("row", 2, "relationship") in locs
    assert ("row", 3, "unit_code") in locs


def test_unknown_unit_and_a_unit_outside_the_actor_scope_are_reported():
    desk = build_desk()
    rows = two_households()
    rows[2]["unit_code"] = "999999"
    _error, locs = rejected_locs(desk, csv_bytes(rows))
    assert locs == [("row", 4, "unit_code")]
    _error, locs = rejected_locs(desk, csv_bytes(two_households()), actor=desk.province_caseworker)
    assert locs == [("row", 4, "unit_code")]  # Callao is not hers


def test_merged_cells_are_refused():
    desk = build_desk()
    error, locs = rejected_locs(desk, xlsx_bytes(two_households(), merge="A2:A3"), "m.xlsx")
    assert error.code == "rejected_file"
    assert ("sheet", "personas", "cells", "A2:A3") in locs


def test_wrong_sheet_is_refused():
    desk = build_desk()
    error, _locs = rejected_locs(
        desk, xlsx_bytes(two_households(), sheet="Hoja1"), "f.xlsx", sheet="Datos"
    )
    assert "Hoja1" in str(error.message)
    error, _locs = rejected_locs(desk, csv_bytes([], columns=["a", "b"]))
    assert error.code == "rejected_file"


def test_a_sheet_without_the_columns_is_refused():
    desk = build_desk()
    workbook = Workbook()
    workbook.active.append(["total", "mes"])
    workbook.active.append(["12", "enero"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    error, _locs = rejected_locs(desk, buffer.getvalue(), "resumen.xlsx")
    assert error.code == "rejected_file"


def test_not_a_workbook_not_utf8_and_unknown_extension_are_refused():
    desk = build_desk()
    for content, name in (
        (b"not a zip", "x.xlsx"),
        ("nombre;apellido\nJosé;Núñez".encode("latin-1"), "x.csv"),
        (b"whatever", "x.pdf"),
    ):
        error, _locs = rejected_locs(desk, content, name)
        assert error.code == "rejected_file"


KOBO = [
    {
        "_id": 501,
        "_uuid": "uuid-501",
        "grp_hogar/unit_code": "150122",
        "grp_hogar/residence_status": "refugee",
        "grp_hogar/arrival_date": "2023-01-10",
        "grp_hogar/miembros": [
            {
                "grp_hogar/miembros/relationship": "head",
                "grp_hogar/miembros/given_names": "Carlos",
                "grp_hogar/miembros/family_name_1": "Rivas",
                "grp_hogar/miembros/sex": "male",
                "grp_hogar/miembros/nationality": "VE",
                "grp_hogar/miembros/birth_date": "1980-01-01",
                "grp_hogar/miembros/document_type": "ve_cedula",
                "grp_hogar/miembros/document_number": "V-11222333",
            },
            {
                "grp_hogar/miembros/relationship": "partner",
                "grp_hogar/miembros/given_names": "Daniela",
                "grp_hogar/miembros/family_name_1": "Rivas",
                "grp_hogar/miembros/sex": "female",
                "grp_hogar/miembros/nationality": "VE",
                "grp_hogar/miembros/pregnancy": True,
            },
        ],
    }
]


def test_kobo_export_one_household_per_submission():
    desk = build_desk()
    report = run(desk, json.dumps({"results": KOBO}).encode(), "kobo.json")
    assert (report.households_new, report.people_new) == (1, 2)
    household = Household.objects.get()
    assert household.external_id == "uuid-501"
    assert household.members.get(given_names__isnull=False, relationship="partner").pregnancy


@pytest.mark.parametrize(
    ("content", "loc"),
    [
        (b"{not json", ("file",)),
        (b"{}", ("file",)),
        (json.dumps(["text"]).encode(), ("submission", 1)),
        (json.dumps([{"_id": 1, "unit_code": "150122"}]).encode(), ("submission", 1)),
        (
            json.dumps([{"_id": 1, "miembros": [{"a": 1}, 5]}]).encode(),
            ("submission", 1, "member", 2),
        ),
    ],
)
def test_malformed_kobo_exports_are_refused(content, loc):
    desk = build_desk()
    _error, locs = rejected_locs(desk, content, "kobo.json")
    assert loc in locs


def test_column_mapping_reads_another_agencys_file():
    desk = build_desk()
    mapping = column_mapping_save(
        actor=desk.caseworker,
        programme=desk.world.lima,
        name="socio-2025",
        columns={
            "household_id": "ID Hogar",
            "given_names": "Nombres",
            "family_name_1": "Apellido paterno",
            "sex": "Sexo",
            "birth_date": "Nacimiento",
            "residence_status": "Condición",
            "relationship": "Parentesco",
        },
        values={"residence_status": {"Refugiado": "refugee"}, "relationship": {"Jefe": "head"}},
        date_format="%m/%d/%Y",
    )
    row = {
        "ID Hogar": "A-7",
        "unit_code": "150122",
        "Condición": "Refugiado",
        "Parentesco": "Jefe",
        "Nombres": "Marta",
        "Apellido paterno": "Salas",
        "Sexo": "F",
        "Nacimiento": "12/31/1985",
        "nationality": "CO",
    }
    report = run(desk, csv_bytes([row], columns=list(row)), mapping=mapping)
    assert report.households_new == 1
    member = Member.objects.get()
    assert (member.sex, member.birth_date.isoformat()) == ("female", "1985-12-31")
    with pytest.raises(ValidationFailed):
        run(desk, csv_bytes([row], columns=list(row)))  # without its mapping


def test_bad_mappings_are_refused():
    desk = build_desk()
    with pytest.raises(ValidationFailed) as caught:
        column_mapping_save(
            actor=desk.caseworker,
            programme=desk.world.lima,
            name="Bad Name",
            columns={"nombre": "X", "given_names": "A", "family_name_1": "A"},
            date_format="%Q",
        )
    assert {e.loc[0] for e in caught.value.errors} == {"name", "columns", "date_format"}
    with pytest.raises(PermissionDenied):
        column_mapping_save(actor=desk.manager, programme=desk.world.lima, name="x", columns={})


def test_too_many_probable_duplicates_abort_the_import():
    desk = build_desk()
    register(desk)  # holds passport V-123 456 78
    rows = two_households()
    rows[0]["document_number"] = "V12345678"
    error, _locs = rejected_locs_after(desk, csv_bytes(rows))
    assert error.code == "too_many_duplicates"
    report = run(desk, csv_bytes(rows), dry_run=True, max_duplicate_share=0.5)
    assert report.probable_duplicates == 1


def rejected_locs_after(desk, content):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        run(desk, content)
    assert counts() == before
    return caught.value, [e.loc for e in caught.value.errors]


def test_roles_that_do_not_register_cannot_import():
    desk = build_desk()
    with pytest.raises(PermissionDenied):
        run(desk, csv_bytes(two_households()), actor=desk.manager)


def test_batch_is_checked_then_applied_and_its_file_dropped():
    desk = build_desk()
    batch = import_batch_create(
        actor=desk.caseworker,
        programme=desk.world.lima,
        content=csv_bytes(two_households()),
        file_name="h.csv",
    )
    steps = []
    with pytest.raises(ValidationFailed):
        import_batch_run(batch=batch, actor=desk.caseworker, apply=True, progress=print)
    import_batch_run(
        batch=batch, actor=desk.caseworker, apply=False, progress=lambda *a: steps.append(a)
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.summary["households_new"] == 2
    assert counts() == (0, 0, 0, 0)
    import_batch_run(batch=batch, actor=desk.caseworker, apply=True, progress=print)
    batch.refresh_from_db()
    assert (batch.status, batch.payload) == (ImportBatch.Status.APPLIED, "")
    assert Household.objects.filter(import_batch=batch).count() == 2
    assert steps


def test_command_imports_checks_and_reports_problems(tmp_path):
    desk = build_desk()
    good = tmp_path / "hogares.csv"
    good.write_bytes(csv_bytes(two_households()))
    out = StringIO()
    call_command("import_households", str(good), "--programme", "lima", "--dry-run", stdout=out)
    assert "2 households and 3 people new" in out.getvalue()
    assert counts() == (0, 0, 0, 0)
    call_command("import_households", str(good), "--programme", "lima", stdout=out)
    assert counts() == (2, 3, 3, 2)
    bad = tmp_path / "malo.csv"
    rows = two_households()
    rows[1]["birth_date"] = "2015-13-45"
    bad.write_bytes(csv_bytes(rows))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_households", str(bad), "--programme", "lima", stderr=err)
    assert "row 3 birth_date" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("import_households", str(good), "--programme", "nowhere")
    with pytest.raises(CommandError):
        call_command("import_households", str(good), "--programme", "lima", "--mapping", "x")
    assert Household.objects.filter(programme=desk.world.lima).count() == 2
