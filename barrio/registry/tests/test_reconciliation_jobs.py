"""A provider's result file sent from the reconciliation page is applied by a real task
worker: the page checks who sends it and its kind at once, keeps it encrypted, and the worker
checks every row, then applies all of it in one transaction or nothing; the stored file is
gone either way."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.crypto import decrypt
from barrio.jobs.models import Job
from barrio.jobs.tests.worker import queued_job as queued
from barrio.jobs.tests.worker import run_worker
from barrio.registry.models import Payment, ReconciliationImport
from barrio.registry.tests.test_reconciliation import HEADER, released, state
from barrio.registry.tests.test_target_list_create import cash  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

PAGE = "/registry/programmes/lima/reconciliation/"


@pytest.fixture(autouse=True)
def english(settings):
    """Pages and jobs in English, the words the assertions read."""
    settings.LANGUAGE_CODE = "en"


def upload(text: str, name: str = "resultado.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def stored_payloads() -> list[str]:
    """The files kept in the database, as stored (encrypted), read past the model."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM registry_reconciliationimport ORDER BY id")
        return [payload for (payload,) in cursor.fetchall()]


def test_a_good_file_is_applied_by_the_worker_with_its_report(cash):  # noqa: F811
    _plan, _cycle, r1, r2 = released(cash)
    text = HEADER + f"{r1},250,2026-05-03,,PEN\n{r2},0,,cuenta cerrada,PEN\n"
    client = signed_in_client(cash.officer)
    before = state()
    job = queued(client.post(PAGE, {"file": upload(text)}))
    # Until the worker runs, the file waits encrypted and nothing is applied.
    (stored,) = stored_payloads()
    clear = base64.b64encode(text.encode()).decode()
    assert stored != clear
    assert r1 not in stored
    assert decrypt(stored) == clear
    assert state() == before
    record = ReconciliationImport.objects.get()
    assert (record.status, record.job_id) == ("received", str(job.pk))

    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.percent, job.done) == (100, job.total)
    assert job.result["summary"] == "2 rows read, 2 payments changed."
    url = f"/registry/programmes/lima/reconciliation/imports/{record.pk}/"
    assert job.result["url"] == url
    record.refresh_from_db()
    assert (record.status, record.row_count, record.changed_count) == ("applied", 2, 2)
    assert stored_payloads() == [""]  # the file is gone once applied
    paid, failed = Payment.objects.get(reference=r1), Payment.objects.get(reference=r2)
    assert (paid.status, paid.delivered_cents) == ("delivered", 25_000)
    assert (failed.status, failed.failure_reason) == ("failed", "cuenta cerrada")
    assert "2 rows read, 2 payments changed." in client.get(f"/jobs/{job.pk}/").content.decode()
    shown = client.get(url)
    assert shown.status_code == 200
    assert "2 rows, 2 payments changed" in shown.content.decode()
    assert shown.context["report"] == []

    # The same file again: applied, nothing changed.
    before = state()
    again = queued(client.post(PAGE, {"file": upload(text)}))
    run_worker()
    again.refresh_from_db()
    assert again.result["summary"] == "2 rows read, 0 payments changed."
    assert state() == before
    assert stored_payloads() == ["", ""]


def test_a_bad_file_reports_every_problem_and_changes_nothing(cash):  # noqa: F811
    _plan, _cycle, r1, r2 = released(cash)
    text = (
        HEADER
        + f"{r1},250,2026-05-03,,PEN\n"  # good, but not applied: another row is wrong
        + f"{r2},300.01,2026-05-03,,PEN\n"
        + "P999-H1,1,,,PEN\n"
        + f"{r1},0,,,PEN\n"  # r1 a second time
    )
    client = signed_in_client(cash.officer)
    before = state()
    job = queued(client.post(PAGE, {"file": upload(text)}))
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    problems = [(p["loc"][1], p["loc"][2]) for p in job.result["errors"]]
    assert problems == [(3, "delivered_amount"), (4, "reference"), (5, "reference")]
    assert state() == before  # nothing applied
    record = ReconciliationImport.objects.get()
    assert record.status == "rejected"
    assert record.errors == job.result["errors"]  # every problem, kept with the import
    assert stored_payloads() == [""]  # the file is gone once rejected
    page = client.get(f"/registry/programmes/lima/reconciliation/imports/{record.pk}/")
    assert page.status_code == 200
    report = page.context["report"]
    assert [(r["row"], r["column"]) for r in report] == [
        (p["loc"][1], p["loc"][2]) for p in record.errors
    ]
    text_shown = page.content.decode()
    assert "Nothing was applied" in text_shown
    assert "No payment of the programme has this reference." in text_shown
    listing = client.get(PAGE).content.decode()
    assert f"Rejected for {len(record.errors)} problems" in listing


def test_the_file_is_dropped_even_when_the_worker_fails_unexpectedly(cash, monkeypatch):  # noqa: F811
    _plan, _cycle, r1, _r2 = released(cash)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("barrio.registry.tasks.reconciliation_import_run", broken)
    client = signed_in_client(cash.officer)
    job = queued(client.post(PAGE, {"file": upload(HEADER + f"{r1},250,2026-05-03,,\n")}))
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "disk full" not in job.error
    assert stored_payloads() == [""]
    assert ReconciliationImport.objects.get().status == "rejected"
    assert Payment.objects.filter(status="delivered").count() == 0


def test_sender_programme_and_kind_are_checked_at_once(cash):  # noqa: F811
    client = signed_in_client(cash.officer)
    # No payment of the programme was sent to a provider yet.
    nothing = client.post(PAGE, {"file": upload(HEADER + "P1-H1,1,,,\n")})
    assert nothing.status_code == 422
    assert "No payment of this programme was sent" in nothing.content.decode()
    _plan, _cycle, r1, _r2 = released(cash)
    wrong_kind = client.post(PAGE, {"file": upload("{}", name="resultado.json")})
    assert wrong_kind.status_code == 422
    assert "Send an .xlsx or .csv file." in wrong_kind.content.decode()
    refused = signed_in_client(cash.caseworker).post(
        PAGE, {"file": upload(HEADER + f"{r1},250,,,\n")}
    )
    assert refused.status_code == 403
    manager = signed_in_client(cash.manager).post(PAGE, {"file": upload(HEADER + f"{r1},250,,,\n")})
    assert manager.status_code == 403
    assert not ReconciliationImport.objects.exists()
    assert not Job.objects.exists()
