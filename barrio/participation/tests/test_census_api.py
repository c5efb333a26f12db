"""The census API and pages: import and read (staff, audited), ask for a code, vote with it."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.participation.models import Ballot, CensusEntry, Election, OneTimeCode, Voter
from barrio.participation.tests.census_factories import (
    HEADER,
    PEOPLE,
    RecordingSender,
    census_setup,
    last_code,
)
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import open_vote

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("recording_sender"),
]
ANA = {"document_number": "ABCD800531HDF", "birth_date": "1980-05-31"}


@pytest.fixture
def vote(tmp_path):
    return census_setup(tmp_path)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def upload(text, name="census.csv"):
    return SimpleUploadedFile(name, (HEADER + text).encode())


def test_a_voter_asks_for_a_code_and_votes_with_it_without_signing_in(vote):
    _world, election, pot, ids = vote
    client = Client()
    sent = post(client, f"/api/v1/votes/{election.pk}/census/codes", {**ANA, "channel": "sms"})
    assert sent.status_code == 201, sent.json()
    assert sent.json()["to"] == "…78"
    url = f"/api/v1/votes/{election.pk}/pots/{pot.pk}/census-ballots"
    ballot = {**ANA, "code": last_code(), "choices": [{"proposal": ids[0]}]}
    cast = post(client, url, ballot)
    assert cast.status_code == 201, cast.json()
    assert Ballot.objects.get().receipt == cast.json()["receipt"]
    again = post(client, url, ballot)
    assert again.status_code == 409
    assert again.json()["code"] == "code_used"
    assert Voter.objects.count() == 1


def test_bad_input_is_a_readable_4xx_and_counts_nothing(vote):
    _world, election, pot, ids = vote
    client = Client()
    codes = f"/api/v1/votes/{election.pk}/census/codes"
    unknown = post(client, codes, {"document_number": "NOPE", "birth_date": "1980-05-31"})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "not_on_census"
    assert unknown.json()["errors"][0]["loc"] == ["body", "payload", "document_number"]
    wrong_date = post(client, codes, {**ANA, "birth_date": "1980-05-30"})
    assert wrong_date.status_code == 422
    assert post(client, codes, {**ANA, "birth_date": "not a date"}).status_code == 422
    url = f"/api/v1/votes/{election.pk}/pots/{pot.pk}/census-ballots"
    no_code = post(client, url, {**ANA, "code": "123456", "choices": [{"proposal": ids[0]}]})
    assert no_code.status_code == 409
    assert no_code.json()["code"] == "no_code"
    post(client, codes, ANA)
    forged = f"{(int(last_code()) + 1) % 1_000_000:06d}"
    wrong = post(client, url, {**ANA, "code": forged, "choices": [{"proposal": ids[0]}]})
    assert wrong.json()["code"] == "wrong_code"
    unknown_project = post(
        client, url, {**ANA, "code": last_code(), "choices": [{"proposal": 999}]}
    )
    assert unknown_project.status_code == 422
    assert not Voter.objects.exists()
    assert not Ballot.objects.exists()


def test_a_manager_imports_a_file_and_gets_a_report_of_every_wrong_cell(vote):
    world, election, _pot, _ids = vote
    client = signed_in_client(world.manager)
    url = f"/api/v1/votes/{election.pk}/census"
    bad = client.post(url, {"file": upload("INE,X9,1980-13-01,,,\nINE,X10,1980-01-01,,x,\n")})
    assert bad.status_code == 422
    assert [e["loc"] for e in bad.json()["errors"]] == [
        ["row", 2, "birth_date"],
        ["row", 3, "email"],
    ]
    assert CensusEntry.objects.count() == 3
    same = client.post(url, {"file": upload(PEOPLE)})
    assert same.status_code == 201
    assert same.json() == {"rows": 3, "added": 0, "unchanged": 3}
    assert client.post(url, {"file": upload(PEOPLE, "c.txt")}).status_code == 422


def test_staff_read_the_census_masked_and_every_read_is_audited(vote):
    world, election, _pot, _ids = vote
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = signed_in_client(world.auditor).get(f"/api/v1/votes/{election.pk}/census")
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 3
    assert data["entries"][0]["document"] == "•••HDF"
    assert "ABCD800531HDF" not in response.content.decode()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 3
    for user in (world.team, world.representative):
        assert signed_in_client(user).get(f"/api/v1/votes/{election.pk}/census").status_code == 403
    assert Client().get(f"/api/v1/votes/{election.pk}/census").status_code == 401


def test_only_a_manager_imports(vote):
    world, election, _pot, _ids = vote
    for user in (world.auditor, world.team):
        response = signed_in_client(user).post(
            f"/api/v1/votes/{election.pk}/census", {"file": upload("INE,Z1,1980-01-01,,,\n")}
        )
        assert response.status_code == 403
    assert CensusEntry.objects.count() == 3


def test_the_pages_lead_a_voter_from_her_document_to_her_receipt(vote):
    _world, election, pot, ids = vote
    client = Client()
    detail = client.get(f"/participation/votes/{election.pk}/")
    assert f"/participation/votes/{election.pk}/identify/" in detail.content.decode()
    ballot_url = f"/participation/votes/{election.pk}/pots/{pot.pk}/census-ballot/"
    assert client.get(ballot_url)["Location"].endswith("/identify/")
    identify = client.post(
        f"/participation/votes/{election.pk}/identify/", {**ANA, "channel": "sms"}
    )
    assert identify.status_code == 302
    assert identify["Location"] == ballot_url
    page = client.get(ballot_url)
    assert 'autocomplete="one-time-code"' in page.content.decode()
    wrong = client.post(ballot_url, {"choice": [str(ids[0])], "code": "x"})
    assert 'role="alert"' in wrong.content.decode()
    assert not Ballot.objects.exists()
    done = client.post(ballot_url, {"choice": [str(ids[0])], "code": last_code()})
    assert Ballot.objects.get().receipt in done.content.decode()
    assert OneTimeCode.objects.get().used_at is not None


def test_the_identify_page_says_when_a_person_is_not_on_the_census(vote):
    _world, election, _pot, _ids = vote
    response = Client().post(
        f"/participation/votes/{election.pk}/identify/",
        {"document_number": "NOPE", "birth_date": "1980-05-31", "channel": "sms"},
    )
    assert response.status_code == 200
    assert "census" in response.content.decode() or "padrón" in response.content.decode()
    assert not OneTimeCode.objects.exists()


def test_the_census_page_queues_the_import_and_shows_the_list(vote):
    """The file is checked by a task worker (see test_import_jobs.py); the page sends the
    manager to the job's page at once."""
    world, election, _pot, _ids = vote
    client = signed_in_client(world.manager)
    url = f"/participation/votes/{election.pk}/census/"
    sent = client.post(url, {"file": upload("INE,X9,1980-12-01,,,\n")})
    assert sent.status_code == 302
    assert sent["Location"].startswith("/jobs/")
    assert CensusEntry.objects.count() == 3  # nothing yet: the worker imports it
    page = client.get(url)
    assert "•••HDF" in page.content.decode()
    assert signed_in_client(world.team).get(url).status_code == 403


def test_a_resident_vote_has_no_census_pages():
    world = build_world()
    election = open_vote(world)
    assert election.validation == Election.Validation.SIGNED_IN_RESIDENT
    client = signed_in_client(world.manager)
    assert client.get(f"/participation/votes/{election.pk}/census/").status_code == 403
    assert RecordingSender is not None
