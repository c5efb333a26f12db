"""The API of stations and paper ballots: each endpoint, its role, and bad input as a
readable 4xx naming the row and column, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.participation.models import Ballot, PaperEntry, PollingStation
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.paper_factories import officials, paper_vote, sheet_rows
from barrio.participation.tests.vote_factories import GUERRERO

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def csv_file(rows, name="papel.csv"):
    text = "\n".join(",".join(str(c) for c in row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode())


def test_a_manager_adds_a_station_and_assigns_an_official():
    world = build_world()
    election, _made, _people = paper_vote(world)
    manager = signed_in_client(world.manager)
    url = f"/api/v1/votes/{election.pk}/stations"
    unit = world.colonias[GUERRERO].pk
    created = post(
        manager, url, {"code": "M-09", "name": "Mesa", "place": "Plaza", "unit_id": unit}
    )
    assert created.status_code == 201, created.content
    station = created.json()
    again = post(manager, url, {"code": "M-09", "name": "Mesa", "place": "Plaza"})
    assert again.status_code == 422
    assert again.json()["errors"][0]["loc"] == ["body", "payload", "code"]
    (new,) = officials(world, 1, prefix="new")
    assigned = post(manager, f"{url}/{station['id']}/officials", {"user_id": new.pk})
    assert assigned.status_code == 201
    assert assigned.json()["officials"] == [new.pk]
    assert post(manager, f"{url}/{station['id']}/officials", {"user_id": 10**9}).status_code == 404
    listed = manager.get(url).json()
    assert {s["code"] for s in listed} == {"M-01", "M-09"}
    team = signed_in_client(world.team)
    assert post(team, url, {"code": "M-10", "name": "n", "place": "p"}).status_code == 403
    assert Client().get(url).status_code in {401, 404}
    assert PollingStation.objects.count() == 2


def test_two_officials_enter_paper_ballots_and_a_supervisor_resolves(tmp_path):
    world = build_world()
    election, made, people = paper_vote(world)
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    url = f"/api/v1/votes/{election.pk}/stations/{made.pk}/paper"
    first, second = (signed_in_client(person) for person in people)
    one = first.post(
        url, {"pot": pot.pk, "kind": "sheets", "file": csv_file(sheet_rows(election, [(1, 0, 0)]))}
    )
    assert one.status_code == 201, one.content
    assert one.json()["tally"] is None
    bad = second.post(
        url,
        {
            "pot": pot.pk,
            "kind": "sheets",
            "file": csv_file([["station", "sheet", "P-X"], [1, 1, 1]]),
        },
    )
    assert bad.status_code == 422
    locs = [e["loc"] for e in bad.json()["errors"]]
    assert ["row", 1, "P-X"] in locs
    not_csv = second.post(url, {"pot": pot.pk, "kind": "sheets", "file": csv_file([], "a.pdf")})
    assert not_csv.status_code == 422
    two = second.post(
        url, {"pot": pot.pk, "kind": "sheets", "file": csv_file(sheet_rows(election, [(0, 1, 0)]))}
    )
    assert two.status_code == 201
    tally = two.json()["tally"]
    assert tally["status"] == "disputed"
    assert tally["disagreements"] == [
        {"sheet": "1", "project": ids[0], "first": 1, "second": 0},
        {"sheet": "1", "project": ids[1], "first": 0, "second": 1},
    ]
    read = signed_in_client(world.auditor).get(url)
    assert read.status_code == 200
    assert [len(p["entries"]) for p in read.json()] == [2]
    resolve = f"/api/v1/votes/{election.pk}/stations/{made.pk}/pots/{pot.pk}/resolve"
    assert post(first, resolve, {"sheets": {"1": {}}}).status_code == 403
    wrong = post(signed_in_client(world.manager), resolve, {"sheets": {"7": {}}})
    assert wrong.status_code == 422
    done = post(signed_in_client(world.manager), resolve, {"sheets": {"1": {str(ids[0]): 1}}})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "counted"
    assert Ballot.objects.count() == 1
    assert PaperEntry.objects.count() == 2


def test_an_official_enters_an_in_person_ballot_through_the_api():
    world = build_world()
    election, made, people = paper_vote(world, validation="in_person")
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    url = f"/api/v1/votes/{election.pk}/stations/{made.pk}/ballots"
    data = {
        "pot": pot.pk,
        "document_type": "ine",
        "document_number": "ABC123",
        "choices": [{"proposal": ids[0]}],
    }
    official = signed_in_client(people[0])
    assert post(official, url, data).status_code == 201
    assert post(official, url, data).status_code == 409
    assert post(official, url, {**data, "document_type": "dni"}).status_code == 422
    assert post(signed_in_client(world.manager), url, data).status_code in {403, 404}
    assert Ballot.objects.count() == 1
