"""Pages of the committee review and the assemblies, in Spanish, per role."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import Assembly, ReviewAssignment, ReviewScore
from barrio.participation.services import review_assign
from barrio.participation.tests.factories import build_world, make_proposal
from barrio.participation.tests.review_factories import add_member, second_reviewer

pytestmark = pytest.mark.django_db
S = ProposalStatus


def _spanish(client):
    client.cookies["django_language"] = "es"
    return client


def test_member_declares_and_scores_from_the_queue_and_sees_only_their_own() -> None:
    world = build_world()
    mine = make_proposal(world, status=S.SUBMITTED, title="Parque mío")
    theirs = make_proposal(world, status=S.SUBMITTED, title="Parque ajeno")
    assignment = review_assign(actor=world.manager, proposal=mine, member=add_member(world))
    _user, other = second_reviewer(world)
    foreign = review_assign(actor=world.manager, proposal=theirs, member=other)
    client = _spanish(signed_in_client(world.reviewer))
    queue = client.get("/participation/review/programmes/pcmb/").content.decode()
    assert "Parque mío" in queue
    assert "Parque ajeno" not in queue
    assert client.get(f"/participation/review/assignments/{foreign.pk}/").status_code == 404
    url = f"/participation/review/assignments/{assignment.pk}/"
    page = client.get(url).content.decode()
    assert "¿Tiene un conflicto de interés con esta propuesta?" in page
    response = client.post(url, {"action": "declare", "conflict": "no"})
    assert response.status_code == 302
    # A score outside the scale and a missing reason are named on the form; nothing saved.
    outside = {"action": "score", "score_feasibility": "9", "reason_feasibility": "Bien."}
    response = client.post(url, {**outside, "score_impact": "3", "reason_impact": "Sí."})
    assert response.status_code == 200
    assert "9 no es una de las opciones disponibles" in response.content.decode()
    response = client.post(
        url,
        {
            "action": "score",
            "score_feasibility": "4",
            "reason_feasibility": "Bien.",
            "score_impact": "3",
            "reason_impact": "",
        },
    )
    assert response.status_code == 200
    assert "Escriba la razón." in response.content.decode()
    assert not ReviewScore.objects.exists()
    response = client.post(
        url,
        {
            "action": "score",
            "score_feasibility": "4",
            "reason_feasibility": "Predio municipal.",
            "score_impact": "3",
            "reason_impact": "Sin áreas verdes.",
        },
    )
    assert response.status_code == 302
    assert ReviewScore.objects.filter(assignment=assignment).count() == 2


def test_manager_assigns_and_decides_on_the_overview_with_the_aggregate() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED, title="Luminarias")
    member = add_member(world)
    client = _spanish(signed_in_client(world.manager))
    url = f"/participation/review/calls/{world.call.pk}/"
    assert "Luminarias" in client.get(url).content.decode()
    response = client.post(url, {"action": "assign", "proposal": proposal.pk, "member": member.pk})
    assert response.status_code == 302
    assignment = ReviewAssignment.objects.get(proposal=proposal)
    reviewer = signed_in_client(world.reviewer)
    member_url = f"/participation/review/assignments/{assignment.pk}/"
    reviewer.post(member_url, {"action": "declare", "conflict": "no"})
    reviewer.post(
        member_url,
        {
            "action": "score",
            "score_feasibility": "5",
            "reason_feasibility": "Sí.",
            "score_impact": "5",
            "reason_impact": "Sí.",
        },
    )
    assert "100,00 / 100" in client.get(url).content.decode()
    # Rejecting without reasons is refused on the page; nothing changes.
    response = client.post(
        url, {"action": "decide", "proposal": proposal.pk, "outcome": "rejected"}
    )
    assert response.status_code == 200
    assert "Indique el motivo: el grupo lo leerá." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.UNDER_REVIEW
    response = client.post(
        url, {"action": "decide", "proposal": proposal.pk, "outcome": "admitted"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.ADMITTED
    minutes = client.get(f"/participation/review/calls/{world.call.pk}/minutes.pdf")
    assert minutes["Content-Type"] == "application/pdf"
    # The team sees the overview but cannot decide; a representative does not see it.
    assert signed_in_client(world.team).get(url).status_code == 200
    assert (
        signed_in_client(world.team)
        .post(url, {"action": "decide", "proposal": proposal.pk, "outcome": "rejected"})
        .status_code
        == 403
    )
    assert signed_in_client(world.representative).get(url).status_code == 404


def test_team_records_an_assembly_page_by_page_and_the_public_sees_offices_only() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED, title="Centro comunitario")
    client = _spanish(signed_in_client(world.team))
    new = f"/participation/assemblies/calls/{world.call.pk}/new/"
    assert "Centro comunitario" in client.get(new).content.decode()
    response = client.post(
        new,
        {
            "held_at": "2026-03-01T18:00",
            "place": "Salón ejidal",
            "unit": world.group.unit.pk,
            "proposals": [proposal.pk],
            "quorum_min_attendees": "2",
            "quorum_share_percent": "0",
            "quorum_base": "0",
            "voting": "tally",
        },
    )
    assert response.status_code == 302
    assembly = Assembly.objects.get()
    url = f"/participation/assemblies/{assembly.pk}/"
    client.post(url, {"action": "attendance", "names": "Rosa Pérez\nJuan López\nEva Ruiz"})
    response = client.post(url, {"action": "attendance", "names": "rosa perez"})
    assert "Esta persona ya está en la lista de asistencia." in response.content.decode()
    response = client.post(
        url,
        {
            "action": "tally",
            "proposal": proposal.pk,
            "votes_for": "3",
            "votes_against": "1",
            "abstentions": "0",
        },
    )
    assert "son más que los 3 asistentes" in response.content.decode()
    client.post(
        url,
        {
            "action": "tally",
            "proposal": proposal.pk,
            "votes_for": "2",
            "votes_against": "1",
            "abstentions": "0",
        },
    )
    for kind, members in [
        ("administration", "Rosa Pérez, presidencia\nJuan López, tesorería"),
        ("supervision", "Eva Ruiz, president"),
    ]:
        response = client.post(
            url, {"action": "committee", "proposal": proposal.pk, "kind": kind, "members": members}
        )
        assert response.status_code == 302
    response = client.post(url, {"action": "close"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED
    public = _spanish(signed_in_client(world.representative))
    page = public.get("/participation/programmes/pcmb/approved/").content.decode()
    assert "Centro comunitario" in page
    assert "Comité de administración" in page
    assert "Presidencia" in page
    assert "Rosa Pérez" not in page
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    staff = client.get("/participation/programmes/pcmb/approved/").content.decode()
    assert "Rosa Pérez" in staff
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == reads + 3
