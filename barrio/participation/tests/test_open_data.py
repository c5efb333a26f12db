"""The public open-data catalogue: every published dataset, its licence, and a download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings

from barrio.core.pb import decide, instance_of, parse_pb, profile_of
from barrio.participation.services import (
    Choice,
    allocation_run_approve,
    allocation_run_create,
    ballot_cast,
    paper_entry_import,
    vote_close,
)
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.paper_factories import paper_vote, sheet_rows, table
from barrio.participation.tests.vote_factories import residents, second_manager

pytestmark = pytest.mark.django_db


def published_with_paper(tmp_path):
    """A greedy vote with online ballots, a station's sheets and another's totals, published."""
    world = build_world()
    election, made, people = paper_vote(world)
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    refs = [item.proposal.reference for item in pot.items.order_by("position")]
    for voter, chosen in zip(residents(world, 3), ([0], [1, 2], [2]), strict=True):
        ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[p]) for p in chosen])
    sheets = table(tmp_path, sheet_rows(election, [(1, 1, 0), (0, 0, 1)]), "s.csv")
    for person in people:
        paper_entry_import(actor=person, station=made, pot=pot, kind="sheets", path=sheets)
    from barrio.participation.tests.paper_factories import station

    other = station(world, election, people, code="M-02")
    totals = table(tmp_path, [["station", "sheets", *refs], ["M-02", 4, 3, 1, 2]], "t.csv")
    for person in people:
        paper_entry_import(actor=person, station=other, pot=pot, kind="counts", path=totals)
    election = vote_close(
        actor=world.manager, election=election, now=election.closes_at + dt.timedelta(seconds=1)
    )
    run = allocation_run_create(actor=world.manager, election=election)
    allocation_run_approve(actor=second_manager(world), run=run)
    return world, election, pot, run


def test_the_catalogue_lists_every_published_file_and_each_downloads(tmp_path):
    _world, election, pot, run = published_with_paper(tmp_path)
    client = Client()
    response = client.get("/api/v1/open-data/")
    assert response.status_code == 200
    body = response.json()
    assert body["licence"]["id"] == "CC-BY-4.0"
    datasets = body["datasets"]
    assert {d["format"] for d in datasets} == {"CSV", "pabulib"}
    assert len(datasets) == 1 + election.pots.count()
    for dataset in datasets:
        assert dataset["licence"] == body["licence"]
        assert dataset["download_url"].startswith("http://testserver/")
        assert dataset["title"]
        download = client.get(dataset["download_url"])
        assert download.status_code == 200, dataset
        assert download.content
    (pb_url,) = [d["download_url"] for d in datasets if d["format"] == "pabulib"]
    text = client.get(pb_url).content.decode()
    assert "rule;greedy" in text
    pb = parse_pb(text.splitlines())
    selected = {p.project_id for p in pb.projects if p.field("selected") == "1"}
    funded = {str(r.item.proposal_id) for r in run.results.filter(funded=True)}
    assert selected == funded
    # The stations' totals are in the file as one-project voters: the greedy result holds.
    assert set(decide("greedy", instance_of(pb), profile_of(pb)).selected_ids()) == funded
    votes = dict(run.results.values_list("item__proposal_id", "votes"))
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    assert [votes[i] for i in ids] == [1 + 1 + 3, 1 + 1 + 1, 2 + 1 + 2]


def test_nothing_unpublished_or_private_is_listed(tmp_path):
    world, election, _pot, _run = published_with_paper(tmp_path)
    world.programme.is_public = False
    world.programme.save(update_fields=["is_public"])
    assert Client().get("/api/v1/open-data/").json()["datasets"] == []
    world.programme.is_public = True
    world.programme.save(update_fields=["is_public"])
    election.runs.update(status="draft")
    assert Client().get("/api/v1/open-data/").json()["datasets"] == []


@override_settings(
    BARRIO_OPEN_DATA_LICENCE={"id": "ODbL-1.0", "name": "ODbL", "url": "https://example.org/"}
)
def test_the_licence_is_the_programmes_setting():
    assert Client().get("/api/v1/open-data/").json()["licence"]["id"] == "ODbL-1.0"
