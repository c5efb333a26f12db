"""The census list and a station's paper ballots are imported by a real task worker: the
page queues a job, the worker checks the whole file, then applies it in one transaction,
and the job page shows the progress and the outcome (or every problem, nothing applied)."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.crypto import decrypt
from barrio.jobs.models import Job
from barrio.jobs.tests.worker import queued_job as queued
from barrio.jobs.tests.worker import run_worker
from barrio.participation.models import Ballot, CensusEntry, PaperEntry, PaperTally, PendingImport
from barrio.participation.tests.census_factories import HEADER, census_setup
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.paper_factories import paper_vote, sheet_rows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

NEW_PEOPLE = "INE,NEW-0001,1981-02-03,,,\nINE,NEW-0002,04/05/1982,,,015-001\n"
SHEETS = [(1, 1, 0), (0, 1, 0), (0, 0, 0), (1, 0, 1)]  # the third is blank


@pytest.fixture(autouse=True)
def english():
    with override_settings(LANGUAGE_CODE="en"):
        yield


def csv_upload(text: str, name: str = "file.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def sheets_csv(election, sheets, code="M-01") -> str:
    return "\n".join(",".join(str(c) for c in row) for row in sheet_rows(election, sheets, code))


def test_a_good_census_file_is_applied_by_the_worker_with_progress(tmp_path):
    world, election, _pot, _ids = census_setup(tmp_path)
    client = signed_in_client(world.manager)
    job = queued(
        client.post(
            f"/participation/votes/{election.pk}/census/",
            {"file": csv_upload(HEADER + NEW_PEOPLE)},
        )
    )
    # Until the worker runs, the file waits encrypted: no document number in clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM participation_pendingimport")
        (stored,) = cursor.fetchone()
    clear = base64.b64encode((HEADER + NEW_PEOPLE).encode()).decode()
    assert stored != clear
    assert decrypt(stored) == clear
    assert CensusEntry.objects.count() == 3
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.percent == 100
    assert job.total > 0
    assert job.done == job.total
    assert job.result["added"] == 2
    assert job.result["unchanged"] == 0
    assert job.result["url"] == f"/participation/votes/{election.pk}/census/"
    assert CensusEntry.objects.filter(election=election).count() == 5
    assert not PendingImport.objects.exists()  # the file is gone once imported
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "2 people added; 0 were already on the census." in page


def test_a_bad_census_file_lists_every_problem_and_applies_nothing(tmp_path):
    world, election, _pot, _ids = census_setup(tmp_path)
    client = signed_in_client(world.manager)
    bad = "INE,NEW-0001,1981-02-03,,,\nINE,NEW-0002,1980-13-01,,,\nINE,NEW-0003,1983-01-01,,x,\n"
    job = queued(
        client.post(
            f"/participation/votes/{election.pk}/census/", {"file": csv_upload(HEADER + bad)}
        )
    )
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert [e["loc"] for e in job.result["errors"]] == [
        ["row", 3, "birth_date"],
        ["row", 4, "email"],
    ]
    assert CensusEntry.objects.count() == 3  # not even the good row
    assert not PendingImport.objects.exists()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "row 3 birth_date" in page


def test_the_census_page_refuses_a_wrong_file_or_sender_at_once(tmp_path):
    world, election, _pot, _ids = census_setup(tmp_path)
    url = f"/participation/votes/{election.pk}/census/"
    refused = signed_in_client(world.manager).post(
        url, {"file": csv_upload(HEADER + NEW_PEOPLE, "census.txt")}
    )
    assert refused.status_code == 200
    assert "Send a .csv or .xlsx file." in refused.content.decode()
    auditor = signed_in_client(world.auditor).post(url, {"file": csv_upload(HEADER + NEW_PEOPLE)})
    assert auditor.status_code == 403
    assert not Job.objects.exists()
    assert not PendingImport.objects.exists()


def test_two_paper_entries_are_counted_by_the_worker_with_progress():
    world = build_world()
    election, made, people = paper_vote(world)
    pot = election.pots.get()
    url = f"/participation/votes/{election.pk}/stations/{made.pk}/paper/"
    jobs = []
    for person in people:
        response = signed_in_client(person).post(
            url,
            {"pot": pot.pk, "kind": "sheets", "file": csv_upload(sheets_csv(election, SHEETS))},
        )
        jobs.append(queued(response))
        run_worker()
    first, second = jobs
    for job in jobs:
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, job.error
        assert job.percent == 100
        assert job.done == job.total > 0
        assert job.result["url"] == f"/participation/votes/{election.pk}/stations/{made.pk}/"
    assert first.result["tally"] is None
    assert second.result["tally"] == PaperTally.Status.COUNTED
    assert second.result["summary"] == "Both entries agree: the paper ballots are counted."
    assert PaperEntry.objects.count() == 2
    assert Ballot.objects.filter(pot=pot).count() == 3  # the blank sheet is no ballot
    assert not PendingImport.objects.exists()


def test_a_bad_paper_table_lists_every_problem_and_stores_nothing():
    world = build_world()
    election, made, people = paper_vote(world)
    pot = election.pots.get()
    rows = sheets_csv(election, SHEETS).splitlines()
    rows[2] = rows[2].replace("M-01", "M-99", 1)  # row 3: a station that does not exist
    assert rows[4].endswith(",1")  # row 5: sheet 4, its last project ticked
    rows[4] = rows[4][:-1] + "y"  # not a number
    client = signed_in_client(people[0])
    job = queued(
        client.post(
            f"/participation/votes/{election.pk}/stations/{made.pk}/paper/",
            {"pot": pot.pk, "kind": "sheets", "file": csv_upload("\n".join(rows))},
        )
    )
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    locs = [e["loc"] for e in job.result["errors"]]
    assert ["row", 3, "station"] in locs
    assert ["row", 5, pot.items.order_by("position").last().proposal.reference] in locs
    assert not PaperEntry.objects.exists()
    assert not Ballot.objects.exists()
    assert not PendingImport.objects.exists()
    assert "row 3 station" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_the_station_page_refuses_a_second_entry_by_the_same_official_at_once():
    election, made, people = paper_vote(build_world())
    pot = election.pots.get()
    client = signed_in_client(people[0])
    url = f"/participation/votes/{election.pk}/stations/{made.pk}/paper/"
    body = {"pot": pot.pk, "kind": "sheets"}
    queued(client.post(url, {**body, "file": csv_upload(sheets_csv(election, SHEETS))}))
    run_worker()
    again = client.post(url, {**body, "file": csv_upload(sheets_csv(election, SHEETS))})
    assert again.status_code == 302
    assert again["Location"] == f"/participation/votes/{election.pk}/stations/{made.pk}/"
    shown = client.get(again["Location"]).content.decode()
    assert "The second entry is typed by another official." in shown
    assert Job.objects.count() == 1
    assert not PendingImport.objects.exists()
