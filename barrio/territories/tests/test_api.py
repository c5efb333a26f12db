"""The territories API for administrators: imports, indices and names, and bad input."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from barrio.jobs.models import Job
from barrio.territories.models import CompositeIndex, IndexRun, UnitNameChoice
from barrio.territories.tests.test_index_compute import SPEC, units  # noqa: F401
from barrio.territories.tests.test_indicators_import_by_name import colonias  # noqa: F401

pytestmark = pytest.mark.django_db

INDEX = {
    "code": "need",
    "name": "Need",
    "configuration": SPEC,
    "country": "PE",
    "level": "distrito",
    "period": "2020",
}


def client(*, staff):
    user = get_user_model().objects.create_user(
        username=f"{'staff' if staff else 'user'}@example.org", password="x-pass-1", is_staff=staff
    )
    made = Client(HTTP_ACCEPT_LANGUAGE="en")
    made.force_login(user)
    return made


def test_an_administrator_defines_and_computes_an_index(units):  # noqa: F811
    response = client(staff=True).post(
        "/api/v1/territories/indices", INDEX, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["scored_count"], body["input_periods"]) == (3, {"poverty": "2018", "hdi": "2019"})


def test_a_failed_computation_leaves_no_index(units):  # noqa: F811
    response = client(staff=True).post(
        "/api/v1/territories/indices",
        {**INDEX, "input_periods": {"poverty": "1990"}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["spec"]
    assert not CompositeIndex.objects.exists()
    assert not IndexRun.objects.exists()


def test_only_administrators_use_these_operations(units):  # noqa: F811
    user = client(staff=False)
    assert (
        user.post("/api/v1/territories/indices", INDEX, content_type="application/json").status_code
        == 403
    )
    assert user.get("/api/v1/territories/unit-names").status_code == 403
    assert Client().get("/api/v1/territories/indices").status_code == 401


def test_a_table_is_queued_and_a_wrong_file_is_named(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    staff = client(staff=True)
    table = SimpleUploadedFile("v.csv", b"unit_code,indicator,period,value\n")
    response = staff.post(
        "/api/v1/territories/indicator-values/imports", {"country": "PE", "file": table}
    )
    assert response.status_code == 202
    assert Job.objects.get().pk.hex == response.json()["job"].replace("-", "")
    wrong = SimpleUploadedFile("v.pdf", b"%PDF")
    response = staff.post(
        "/api/v1/territories/indicator-values/imports", {"country": "PE", "file": wrong}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "file"]
    assert Job.objects.count() == 1


def test_a_name_is_chosen_through_the_api(tmp_path, colonias):  # noqa: F811
    from barrio.errors import ValidationFailed
    from barrio.territories.services import indicators_import
    from barrio.territories.tests.test_indicators_import_by_name import TABLE, write

    with pytest.raises(ValidationFailed):
        indicators_import(path=write(tmp_path, TABLE), country="MX", level="colonia", join="name")
    staff = client(staff=True)
    (pending,) = staff.get("/api/v1/territories/unit-names").json()
    assert (pending["name"], pending["parent"], pending["unit"]) == ("LA CONCHITA", "09011", None)
    _tlahuac, found = colonias
    response = staff.put(
        f"/api/v1/territories/unit-names/{pending['id']}",
        {"unit_id": found["Zapotitlán"].pk},
        content_type="application/json",
    )
    assert response.json()["unit"] == found["Zapotitlán"].code
    assert UnitNameChoice.objects.get().unit == found["Zapotitlán"]
    missing = staff.put(
        f"/api/v1/territories/unit-names/{pending['id']}",
        {"unit_id": 999999},
        content_type="application/json",
    )
    assert missing.status_code == 422
