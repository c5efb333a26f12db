"""Administrators import a file of units from a page; a task worker does the work."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from shapely.geometry import box

from barrio.jobs.models import Job
from barrio.territories.models import TerritorialUnit, UnitFileUpload
from barrio.territories.tasks import import_units_file

pytestmark = pytest.mark.django_db

FORM = {
    "country": "cl",
    "level": "comuna",
    "code_field": "code",
    "name_field": "name",
}


@pytest.fixture
def admin_client(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    staff = get_user_model().objects.create_user(
        username="admin@example.org", password="x-pass-1", is_staff=True
    )
    client = Client()
    client.force_login(staff)
    return client


def geojson(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "comunas.geojson"
    gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").to_file(path)
    return path


def run_job(job: Job) -> Job:
    """Do the job's work here, as the worker process does (tested in barrio/jobs)."""
    upload = UnitFileUpload.objects.latest("created_at")
    import_units_file.call(job_id=str(job.pk), upload_id=upload.pk)
    job.refresh_from_db()
    return job


def test_import_from_the_page_reports_progress_and_result(admin_client, tmp_path):
    path = geojson(tmp_path, [{"code": "13101", "name": "Santiago", "geometry": box(0, 0, 1, 1)}])
    with path.open("rb") as handle:
        response = admin_client.post("/territories/import/units/", {**FORM, "file": handle})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    job = run_job(job)
    assert job.status == Job.Status.SUCCEEDED
    assert (job.done, job.total) == (3, 4)
    assert job.result["created"] == 1
    assert TerritorialUnit.objects.get(code="13101").country == "CL"
    page = admin_client.get(f"/jobs/{job.pk}/").content.decode()
    assert job.result["summary"] in page


def test_rejected_file_lists_each_problem_on_the_job_page(admin_client, tmp_path):
    path = geojson(
        tmp_path,
        [
            {"code": "13101", "name": "Santiago", "geometry": box(0, 0, 1, 1)},
            {"code": "13101", "name": "Otra", "geometry": box(1, 0, 2, 1)},
        ],
    )
    with path.open("rb") as handle:
        admin_client.post("/territories/import/units/", {**FORM, "file": handle})
    job = run_job(Job.objects.get())
    assert job.status == Job.Status.FAILED
    assert [e["loc"] for e in job.result["errors"]] == [
        ["feature", 1, "code"],
        ["feature", 2, "code"],
    ]
    page = admin_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "feature 2 code" in page
    assert not TerritorialUnit.objects.exists()


def test_wrong_kind_of_file_is_refused_by_the_form(admin_client, tmp_path):
    bad = tmp_path / "comunas.csv"
    bad.write_text("code,name\n1,a\n")
    with bad.open("rb") as handle:
        response = admin_client.post("/territories/import/units/", {**FORM, "file": handle})
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_only_administrators_import(admin_client):
    user = get_user_model().objects.create_user(username="ana@example.org", password="x-pass-1")
    client = Client()
    client.force_login(user)
    assert client.get("/territories/import/units/").status_code == 403
    assert admin_client.get("/territories/import/units/").status_code == 200
