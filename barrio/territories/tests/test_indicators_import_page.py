"""Administrators import indicator values from a page and choose the units of unknown names."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from barrio.jobs.models import Job
from barrio.territories.models import IndicatorFileUpload, IndicatorValue, UnitNameChoice
from barrio.territories.tasks import import_indicators_file
from barrio.territories.tests.test_indicators_import_by_name import TABLE, colonias  # noqa: F401

pytestmark = pytest.mark.django_db

FORM = {"country": "mx", "level": "colonia", "form": "long", "join": "name"}


@pytest.fixture
def admin_client(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    staff = get_user_model().objects.create_user(
        username="admin@example.org", password="x-pass-1", is_staff=True
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    return client


def send(client, text, name="pp.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    response = client.post("/territories/import/indicators/", {**FORM, "file": upload})
    assert response.status_code == 302, response.content
    job = Job.objects.latest("created_at")
    import_indicators_file.call(
        job_id=str(job.pk), upload_id=IndicatorFileUpload.objects.latest("created_at").pk
    )
    job.refresh_from_db()
    return job


def test_an_unknown_name_fails_the_import_and_is_chosen_on_the_names_page(
    admin_client,
    colonias,  # noqa: F811
):
    _tlahuac, units = colonias
    job = send(admin_client, TABLE)
    assert job.status == Job.Status.FAILED
    assert [e["loc"] for e in job.result["errors"]] == [["row", 5, "unit_name"]]
    assert not IndicatorValue.objects.exists()

    page = admin_client.get("/territories/names/")
    assert "LA CONCHITA" in page.content.decode()
    choice = UnitNameChoice.objects.get()
    response = admin_client.post(
        f"/territories/names/{choice.pk}/", {"unit": units["Zapotitlán"].pk}
    )
    assert response.status_code == 302
    message = admin_client.get(response["Location"]).content.decode()
    assert "LA CONCHITA now means Zapotitlán in every import." in message
    assert "LA CONCHITA" not in admin_client.get("/territories/names/").content.decode()
    assert "LA CONCHITA" in admin_client.get("/territories/names/?show=chosen").content.decode()

    job = send(admin_client, TABLE)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["created"] == 4
    assert job.result["joined"]["chosen"] == 1


def test_a_file_of_another_kind_is_refused_on_the_form(admin_client):
    upload = io.BytesIO(b"x")
    upload.name = "values.pdf"
    response = admin_client.post("/territories/import/indicators/", {**FORM, "file": upload})
    assert response.status_code == 200
    assert "Send a .csv or .xlsx file." in response.content.decode()
    assert not Job.objects.exists()


def test_the_pages_are_for_administrators_only():
    user = get_user_model().objects.create_user(username="u@example.org", password="x-pass-1")
    client = Client()
    client.force_login(user)
    assert client.get("/territories/import/indicators/").status_code == 403
    assert client.get("/territories/names/").status_code == 403


def test_the_names_page_offers_the_likeliest_units_first(admin_client, colonias):  # noqa: F811
    tlahuac, _units = colonias
    UnitNameChoice.objects.create(
        country="MX", level="colonia", parent=tlahuac, name="ZAPOTITLAN VIEJO", name_key="x"
    )
    html = admin_client.get("/territories/names/").content.decode()
    options = html[html.index("None: forget the choice") :]
    # By name alone "Los Olivos" would come first; the matcher's suggestions come before it.
    assert options.index("Zapotitl") < options.index("Los Olivos")


def test_the_names_page_reads_the_units_once_for_all_names(
    admin_client,
    colonias,  # noqa: F811
    django_assert_max_num_queries,
):
    tlahuac, _units = colonias
    for i in range(5):
        UnitNameChoice.objects.create(
            country="MX", level="colonia", parent=tlahuac, name=f"NOMBRE {i}", name_key=str(i)
        )
    admin_client.get("/territories/names/")  # warm the session and the user
    with django_assert_max_num_queries(8):
        admin_client.get("/territories/names/")
