"""The votes API: a manager sets up and opens a vote, residents cast ballots, bad input is a
readable 4xx with the field named, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.participation.models import Ballot, Election, Voter
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import (
    GUERRERO,
    approved_proposals,
    open_vote,
    residents,
)

pytestmark = pytest.mark.django_db


def body(world, **fields):
    now = timezone.now()
    data = {
        "title": "Consulta",
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=1)).isoformat(),
        "ballot_kind": "knapsack",
        "rule": "mes-add1-greedy",
        "pots": [
            {
                "name": "Guerrero",
                "budget_cents": 200_000_000,
                "unit_id": world.colonias[GUERRERO].pk,
            }
        ],
    }
    data.update(fields)
    return data


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_manager_sets_up_and_opens_a_vote_and_a_resident_votes():
    world = build_world()
    approved_proposals(world, [100_000_000, 80_000_000])
    manager = signed_in_client(world.manager)
    created = post(manager, f"/api/v1/calls/{world.call.pk}/votes", body(world))
    assert created.status_code == 201, created.content
    vote = created.json()
    assert vote["status"] == "draft"
    assert vote["currency"] == "MXN"
    opened = post(manager, f"/api/v1/votes/{vote['id']}/open", {})
    assert opened.status_code == 200
    pot = opened.json()["pots"][0]
    assert [i["cost_cents"] for i in pot["items"]] == [100_000_000, 80_000_000]
    (ana,) = residents(world, 1)
    resident = signed_in_client(ana)
    url = f"/api/v1/votes/{vote['id']}/pots/{pot['id']}/ballots"
    over = post(
        resident, url, {"choices": [{"proposal": i["proposal_id"]} for i in pot["items"]] * 1}
    )
    assert over.status_code == 201  # 180 of 200 million: fits
    again = post(resident, url, {"choices": [{"proposal": pot["items"][0]["proposal_id"]}]})
    assert again.status_code == 409
    assert again.json()["code"] == "already_voted"
    public = Client().get(f"/api/v1/votes/{vote['id']}")
    assert public.status_code == 200  # an open vote of a public programme


BAD_VOTES = [
    ({"ballot_kind": "plural"}, ["body", "payload", "ballot_kind"]),
    ({"pots": []}, ["body", "payload", "pots"]),
    ({"opens_at": "tomorrow"}, ["body", "payload", "opens_at"]),
    (
        {"pots": [{"name": "x", "budget_cents": 0}]},
        ["body", "payload", "pots", "0", "budget_cents"],
    ),
    ({"opens_at": "2026-12-01T10:00:00"}, ["body", "payload", "opens_at"]),
    ({"ballot_kind": "cumulative"}, ["body", "payload", "points"]),
    ({"rule": "greedy-threshold"}, ["body", "payload", "threshold"]),
]


@pytest.mark.parametrize(("fields", "loc"), BAD_VOTES)
def test_bad_votes_are_named_and_not_stored(fields, loc):
    world = build_world()
    response = post(
        signed_in_client(world.manager),
        f"/api/v1/calls/{world.call.pk}/votes",
        body(world, **fields),
    )
    assert response.status_code in (400, 422), response.content
    assert loc in [error["loc"] for error in response.json()["errors"]]
    assert not Election.objects.exists()


def test_bad_ballots_are_named_and_not_stored():
    world = build_world()
    election = open_vote(world, ballot_kind="knapsack", max_choices=None)
    pot = election.pots.get()
    ids = list(pot.items.values_list("proposal_id", flat=True))
    (ana,) = residents(world, 1)
    client = signed_in_client(ana)
    url = f"/api/v1/votes/{election.pk}/pots/{pot.pk}/ballots"
    cases = [
        ({"choices": [{"proposal": p} for p in ids]}, ["body", "payload", "choices"]),  # > budget
        ({"choices": [{"proposal": 424242}]}, ["body", "payload", "choices", 0, "proposal"]),
        (
            {"choices": [{"proposal": ids[0]}, {"proposal": ids[0]}]},
            ["body", "payload", "choices", 1, "proposal"],
        ),
        (
            {"choices": [{"proposal": ids[0], "value": 3}]},
            ["body", "payload", "choices", 0, "value"],
        ),
        ({"choices": "all"}, ["body", "payload", "choices"]),
        ({"choices": [{"proposal": -1}]}, ["body", "payload", "choices", "0", "proposal"]),
    ]
    for data, loc in cases:
        response = post(client, url, data)
        assert response.status_code in (400, 422), (data, response.content)
        assert loc in [error["loc"] for error in response.json()["errors"]], response.json()
    assert (
        post(client, f"/api/v1/votes/{election.pk}/pots/999999/ballots", cases[0][0]).status_code
        == 404
    )
    assert not Voter.objects.exists()
    assert not Ballot.objects.exists()


def test_closing_before_the_end_and_approving_ones_own_run_are_conflicts():
    world = build_world()
    election = open_vote(world)
    manager = signed_in_client(world.manager)
    response = post(manager, f"/api/v1/votes/{election.pk}/close", {})
    assert response.status_code == 409
    assert response.json()["code"] == "period_not_over"
    response = post(manager, f"/api/v1/votes/{election.pk}/runs", {"rule": "mes"})
    assert response.status_code == 409
    assert response.json()["code"] == "not_closed"
    response = post(manager, f"/api/v1/votes/{election.pk}/runs", {"rule": "borda"})
    assert response.status_code == 409  # the state is checked before the rule
