"""API of the committee review and the assemblies: each endpoint, its roles and bad input
(a readable 4xx in the one error shape, nothing changed)."""

from __future__ import annotations

import pytest

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    Assembly,
    CommitteeMember,
    ReviewAssignment,
    ReviewDecision,
    ReviewScore,
    Vote,
)
from barrio.participation.tests.factories import build_world, make_proposal
from barrio.participation.tests.review_factories import second_reviewer

pytestmark = pytest.mark.django_db
S = ProposalStatus
JSON = "application/json"


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, body, content_type=JSON)


def test_the_committee_review_through_the_api() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED)
    manager = signed_in_client(world.manager)
    response = _post(
        manager,
        f"/api/v1/calls/{world.call.pk}/committee",
        {"user_id": world.reviewer.pk, "affiliation": "academic", "organisation": "UNAM"},
    )
    assert response.status_code == 201, response.content
    member_id = response.json()["id"]
    bad = _post(
        manager,
        f"/api/v1/calls/{world.call.pk}/committee",
        {"user_id": world.team.pk, "affiliation": "academic"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "user_id"]
    response = _post(
        manager, f"/api/v1/proposals/{proposal.pk}/review-assignments", {"member_id": member_id}
    )
    assert response.status_code == 201
    assignment_id = response.json()["id"]

    member = signed_in_client(world.reviewer)
    queue = member.get("/api/v1/programmes/pcmb/review/assignments").json()
    assert [a["id"] for a in queue] == [assignment_id]
    scores_url = f"/api/v1/review/assignments/{assignment_id}/scores"
    good = {
        "scores": [
            {"criterion": "feasibility", "value": 5, "reason": "Predio propio."},
            {"criterion": "impact", "value": 4, "reason": "Mil vecinos."},
        ]
    }
    early = _post(member, scores_url, good, "put")
    assert (early.status_code, early.json()["code"]) == (409, "not_declared")
    declared = _post(
        member, f"/api/v1/review/assignments/{assignment_id}/declaration", {"conflict": False}
    )
    assert declared.status_code == 200
    outside = {
        "scores": [
            {"criterion": "feasibility", "value": 7, "reason": "x"},
            {"criterion": "impact", "value": 4, "reason": ""},
        ]
    }
    response = _post(member, scores_url, outside, "put")
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["errors"]} == {
        ("body", "scores", "feasibility", "value"),
        ("body", "scores", "impact", "reason"),
    }
    assert not ReviewScore.objects.exists()
    assert _post(member, scores_url, good, "put").status_code == 200

    # Another member, not assigned, and the manager cannot score it.
    other_user, _other = second_reviewer(world)
    assert _post(signed_in_client(other_user), scores_url, good, "put").status_code == 404
    overview = manager.get(f"/api/v1/calls/{world.call.pk}/review").json()
    assert overview[0]["aggregate"] == 92.0
    assert signed_in_client(world.representative).get(
        f"/api/v1/calls/{world.call.pk}/review"
    ).status_code in {403, 404}
    decision_url = f"/api/v1/proposals/{proposal.pk}/review-decision"
    response = _post(member, decision_url, {"outcome": "admitted"})
    assert response.status_code == 404  # members score; the decision is not theirs to see
    response = _post(signed_in_client(world.team), decision_url, {"outcome": "admitted"})
    assert response.status_code == 403
    response = _post(manager, decision_url, {"outcome": "rejected"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "reason"]
    response = _post(manager, decision_url, {"outcome": "admitted"})
    assert response.status_code == 201
    assert response.json()["aggregate"] == 92.0
    again = _post(manager, decision_url, {"outcome": "admitted"})
    assert (again.status_code, again.json()["code"]) == (409, "not_under_review")
    assert ReviewDecision.objects.count() == 1
    assert CommitteeMember.objects.count() == 2
    assert ReviewAssignment.objects.count() == 1


def test_an_assembly_through_the_api() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED, title="Cancha")
    team = signed_in_client(world.team)
    body = {
        "unit_id": world.group.unit.pk,
        "held_at": "2026-03-01T18:00:00-06:00",
        "place": "Cancha de la colonia",
        "proposal_ids": [proposal.pk],
        "quorum_min_attendees": 2,
        "voting": "individual",
    }
    response = _post(team, f"/api/v1/calls/{world.call.pk}/assemblies", body)
    assert response.status_code == 201, response.content
    assembly = response.json()
    url = f"/api/v1/assemblies/{assembly['id']}"
    response = _post(team, f"{url}/attendance", {"names": ["Rosa Pérez", "Juan", "rosa perez"]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "names", 3]
    response = _post(team, f"{url}/attendance", {"names": ["Rosa Pérez", "Juan"]})
    assert response.json()["attendance"] == 2
    attendees = team.get(f"{url}?unmask=true").json()["attendees"]
    assert [a["name"] for a in attendees] == ["Rosa Pérez", "Juan"]
    assert team.get(url).json()["attendees"][0]["name"] is None
    rosa, juan = (a["id"] for a in attendees)
    vote = {"proposal_id": proposal.pk, "attendee_id": rosa, "choice": "for"}
    assert _post(team, f"{url}/votes", vote).status_code == 200
    twice = _post(team, f"{url}/votes", {**vote, "choice": "against"})
    assert (twice.status_code, twice.json()["code"]) == (409, "already_voted")
    assert Vote.objects.count() == 1
    tally = _post(
        team,
        f"{url}/tallies/{proposal.pk}",
        {"votes_for": 1, "votes_against": 0, "abstentions": 0},
        "put",
    )
    assert tally.status_code == 409
    assert _post(team, f"{url}/votes", {**vote, "attendee_id": juan}).status_code == 200
    committee = {
        "proposal_id": proposal.pk,
        "kind": "administration",
        "members": [{"name": "Rosa Pérez", "role": "president"}],
    }
    assert _post(team, f"{url}/committees", committee).status_code == 201
    bad = _post(team, f"{url}/committees", {**committee, "kind": "royal"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "kind"]
    assert _post(signed_in_client(world.reviewer), f"{url}/close", {}).status_code == 404
    closed = _post(team, f"{url}/close", {})
    assert closed.status_code == 200
    assert closed.json()["agenda"][0]["result"] == "approved"
    assert Assembly.objects.get().status == "closed"
    # Approved, but the supervision committee is missing: works cannot start yet.
    public = signed_in_client(world.representative)
    assert public.get("/api/v1/programmes/pcmb/approved-proposals").json() == []


def test_an_assembly_without_quorum_cannot_approve_through_the_api() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED)
    team = signed_in_client(world.team)
    body = {
        "unit_id": world.group.unit.pk,
        "held_at": "2026-03-01T18:00:00-06:00",
        "place": "Salón",
        "proposal_ids": [proposal.pk],
        "quorum_share_percent": 50,
        "quorum_base": 40,
    }
    assembly = _post(team, f"/api/v1/calls/{world.call.pk}/assemblies", body).json()
    url = f"/api/v1/assemblies/{assembly['id']}"
    _post(team, f"{url}/attendance", {"names": ["A", "B", "C"]})
    over = _post(
        team,
        f"{url}/tallies/{proposal.pk}",
        {"votes_for": 3, "votes_against": 1, "abstentions": 0},
        "put",
    )
    assert over.status_code == 422
    _post(
        team,
        f"{url}/tallies/{proposal.pk}",
        {"votes_for": 3, "votes_against": 0, "abstentions": 0},
        "put",
    )
    response = _post(team, f"{url}/close", {})
    assert (response.status_code, response.json()["code"]) == (409, "no_quorum")
    proposal.refresh_from_db()
    assert proposal.status == S.ADMITTED
    bad = _post(
        team,
        f"/api/v1/calls/{world.call.pk}/assemblies",
        {**body, "proposal_ids": [999999], "quorum_share_percent": 300},
    )
    assert bad.status_code == 422
