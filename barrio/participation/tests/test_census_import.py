"""census_import: the whole file is checked first, nothing stored on any error, no repeats."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from openpyxl import Workbook

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.models import CensusEntry, Election
from barrio.participation.services.census import census_import, document_index
from barrio.participation.tests.census_factories import PEOPLE, census_file
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import open_vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def election(world):
    return open_vote(world, validation=Election.Validation.CENSUS)


def test_people_are_stored_encrypted_and_found_by_their_document(world, election, tmp_path):
    done = census_import(actor=world.manager, election=election, path=census_file(tmp_path))
    assert (done.rows, done.added, done.unchanged) == (3, 3, 0)
    entry = CensusEntry.objects.get(document_index=document_index("abcd 800531-hdf"))
    assert entry.birth_date == dt.date(1980, 5, 31)
    assert entry.phone == "5512345678"
    assert entry.unit == world.colonias["015-001"]
    luis = CensusEntry.objects.get(document_index=document_index("G1234567"))
    assert luis.email == "luis@example.org"
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(CensusEntry._meta.db_table)
        query = f"SELECT document_number, birth_date FROM {table} WHERE id = %s"  # noqa: S608
        cursor.execute(query, [entry.pk])
        number, born = cursor.fetchone()
    assert "ABCD" not in number
    assert "1980" not in born


def test_importing_the_same_file_again_adds_nothing(world, election, tmp_path):
    path = census_file(tmp_path)
    census_import(actor=world.manager, election=election, path=path)
    again = census_import(actor=world.manager, election=election, path=path)
    assert (again.added, again.unchanged) == (0, 3)
    assert CensusEntry.objects.count() == 3


def test_an_xlsx_file_is_read_like_a_csv(world, election, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["tipo_documento", "numero_documento", "fecha_nacimiento", "colonia"])
    sheet.append(["INE", "XYZ1", dt.datetime(1988, 2, 29), "015-002"])
    path = tmp_path / "padron.xlsx"
    book.save(path)
    done = census_import(actor=world.manager, election=election, path=path)
    assert done.added == 1
    assert CensusEntry.objects.get().birth_date == dt.date(1988, 2, 29)


@pytest.mark.parametrize(
    ("line", "column"),
    [
        (",X1,1980-01-01,,,", "document_type"),
        ("INE,,1980-01-01,,,", "document_number"),
        ("INE,X1,31-31-1980,,,", "birth_date"),
        ("INE,X1,2999-01-01,,,", "birth_date"),
        ("INE,X1,1980-02-30,,,", "birth_date"),
        ("INE,X1,1980-01-01,12ab,,", "phone"),
        ("INE,X1,1980-01-01,,not-an-address,", "email"),
        ("INE,X1,1980-01-01,,,999-999", "unit_code"),
        ("INE,ABCD800531HDF,1980-01-01,,,", "document_number"),  # twice in the file
    ],
)
def test_one_wrong_cell_refuses_the_whole_file(world, election, tmp_path, line, column):
    with pytest.raises(ValidationFailed) as caught:
        census_import(
            actor=world.manager, election=election, path=census_file(tmp_path, PEOPLE + line)
        )
    assert ("row", 5, column) in [e.loc for e in caught.value.errors]
    assert caught.value.code == "census_rejected"
    assert not CensusEntry.objects.exists()


def test_a_known_document_with_another_birth_date_is_a_problem_of_its_row(
    world, election, tmp_path
):
    census_import(actor=world.manager, election=election, path=census_file(tmp_path))
    changed = PEOPLE.replace("1980-05-31", "1981-05-31") + "INE,NEW1,1999-09-09,,,\n"
    with pytest.raises(ValidationFailed) as caught:
        census_import(actor=world.manager, election=election, path=census_file(tmp_path, changed))
    assert [e.loc for e in caught.value.errors] == [("row", 2, "birth_date")]
    assert CensusEntry.objects.count() == 3  # NEW1 was not added either


def test_a_missing_column_is_reported_by_name(world, election, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("document_number,phone\nX1,5512345678\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        census_import(actor=world.manager, election=election, path=path)
    assert {e.loc for e in caught.value.errors} == {
        ("row", 1, "document_type"),
        ("row", 1, "birth_date"),
    }
    assert not CensusEntry.objects.exists()


def test_only_a_manager_imports_and_only_into_a_census_vote(world, election, tmp_path):
    path = census_file(tmp_path)
    for user in (world.team, world.auditor, world.representative):
        with pytest.raises(PermissionDenied):
            census_import(actor=user, election=election, path=path)
    resident_vote = open_vote(world)
    with pytest.raises(Conflict) as caught:
        census_import(actor=world.manager, election=resident_vote, path=path)
    assert caught.value.code == "not_a_census_vote"
    Election.objects.filter(pk=election.pk).update(status=Election.Status.CLOSED)
    election.refresh_from_db()
    with pytest.raises(Conflict):
        census_import(actor=world.manager, election=election, path=path)
    assert not CensusEntry.objects.exists()


def test_an_unreadable_file_is_refused(world, election, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(ValidationFailed):
        census_import(actor=world.manager, election=election, path=path)
    assert not CensusEntry.objects.exists()
