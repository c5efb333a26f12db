"""The pages of calls, groups and proposals, as each role uses them."""

from __future__ import annotations

import io
import json
import re

import pytest
from auditlog.models import LogEntry
from django.test import Client
from openpyxl import load_workbook

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import Call, Proposal
from barrio.participation.services import proposal_submit
from barrio.participation.tests.drafts import INSIDE, OUTSIDE, media, pdf, ready_proposal  # noqa: F401
from barrio.participation.tests.factories import build_world, make_proposal
from barrio.participation.tests.vote_factories import open_vote

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def client_for(user) -> Client:
    client = signed_in_client(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


def test_the_public_sees_a_published_call_with_its_open_step() -> None:
    world = build_world()
    page = Client(HTTP_ACCEPT_LANGUAGE="es").get(f"/participation/calls/{world.call.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mejoramiento Barrial 2026" in text
    assert "Registro de propuestas" in text  # the open step
    assert re.search(r"1\W500\W000,00 MXN", text)
    Call.objects.filter(pk=world.call.pk).update(status=Call.Status.DRAFT)
    assert Client().get(f"/participation/calls/{world.call.pk}/").status_code == 404
    assert (
        client_for(world.manager).get(f"/participation/calls/{world.call.pk}/").status_code == 200
    )


def test_the_call_page_lists_the_submitted_proposals_and_leads_to_the_votes() -> None:
    world = build_world()
    make_proposal(world, title="Alumbrado del parque", status="draft")
    make_proposal(world, title="Cancha techada", status="admitted", reference="PCMB-2026-0007")
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    text = client.get(f"/participation/calls/{world.call.pk}/").content.decode()
    assert "1 propuesta presentada" in text
    assert "Cancha techada" in text
    assert "PCMB-2026-0007" in text
    assert "Alumbrado del parque" not in text  # a draft is the group's own work
    assert "Votaciones y resultados" not in text
    open_vote(world)
    text = client.get(f"/participation/calls/{world.call.pk}/").content.decode()
    assert f'href="/participation/calls/{world.call.pk}/votes/"' in text


def test_the_manager_writes_and_publishes_a_call_on_its_form() -> None:
    world = build_world()
    manager = client_for(world.manager)
    form = {
        "title": "Convocatoria 2027",
        "slug": "pcmb-2027",
        "submission_opens_at": "2027-02-01T09:00",
        "submission_closes_at": "2027-03-31T23:59",
        "review_closes_at": "2027-04-30T23:59",
        "assemblies_close_at": "2027-05-31T23:59",
        "results_at": "2027-06-15T12:00",
        "kinds": ["park"],
        "max_project": "1500000.00",
        "total": "9000000",
        "units_from": "hand",
        "unit_ids": [str(world.group.unit_id)],
        "required_documents": "Acta\n",
        "min_group_members": "5",
        "min_signatures": "0",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-code": "impact",
        "criteria-0-name": "Impacto social",
        "criteria-0-weight": "2",
        "criteria-0-scale_max": "5",
    }
    response = manager.post(f"/participation/programmes/{world.programme.slug}/calls/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get(slug="pcmb-2027")
    # Typed in Mexico City's wall clock: 23:59 there is 05:59 UTC the next day.
    assert (call.submission_closes_at.day, call.submission_closes_at.hour) == (1, 5)
    assert call.max_project_cents == 150_000_000
    manager.post(f"/participation/calls/{call.pk}/publish/")
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED
    edit = manager.get(f"/participation/calls/{call.pk}/edit/")
    assert 'value="2027-03-31T23:59"' in edit.content.decode()


def test_a_bad_call_form_names_the_field() -> None:
    world = build_world()
    response = client_for(world.manager).post(
        f"/participation/programmes/{world.programme.slug}/calls/new/",
        {"title": "x", "slug": "x", "criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert Call.objects.count() == 1


def test_the_representative_writes_a_proposal_step_by_step_and_submits_it() -> None:
    world = build_world()
    rep = client_for(world.representative)
    started = rep.post(
        f"/participation/calls/{world.call.pk}/proposals/new/",
        {
            "group": world.group.pk,
            "title": "Parque de bolsillo",
            "kind": "park",
            "unit": world.group.unit_id,
        },
    )
    proposal = Proposal.objects.get()
    assert started["Location"].endswith(f"/proposals/{proposal.pk}/edit/place/")
    step = f"/participation/proposals/{proposal.pk}/edit"
    outside = rep.post(f"{step}/place/", {"location": json.dumps(OUTSIDE)})
    assert "fuera de la unidad" in outside.content.decode()
    assert rep.post(f"{step}/place/", {"location": json.dumps(INSIDE)}).status_code == 302
    rep.post(
        f"{step}/project/",
        {
            "diagnosis": "Basura",
            "objectives": "Parque",
            "beneficiaries": "",
            "beneficiary_count": "300",
            "timeline-TOTAL_FORMS": "1",
            "timeline-INITIAL_FORMS": "0",
            "timeline-0-activity": "Obra",
            "timeline-0-first_month": "1",
            "timeline-0-last_month": "2",
        },
    )
    budget = {
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-0-concept": "Juegos",
        "budget-0-quantity": "2",
        "budget-0-unit": "pieza",
        "budget-0-unit_cost": "800000.00",
    }
    over = rep.post(f"{step}/budget/", budget)
    assert "máximo de la convocatoria" in over.content.decode()
    assert (
        rep.post(f"{step}/budget/", {**budget, "budget-0-unit_cost": "600000.50"}).status_code
        == 302
    )
    proposal.refresh_from_db()
    assert proposal.total_cents == 120_000_100
    fake = rep.post(f"{step}/documents/", {"file": pdf("acta.pdf", b"not a pdf"), "document": ""})
    assert "no es una foto" in fake.content.decode()
    rep.post(
        f"{step}/documents/",
        {"file": pdf(), "title": "Acta", "document": "Acta de asamblea constitutiva"},
    )
    send = rep.get(f"{step}/send/")
    assert "Enviar la propuesta" in send.content.decode() or "Submit" in send.content.decode()
    done = rep.post(f"/participation/proposals/{proposal.pk}/submit/", follow=True)
    text = done.content.decode()
    assert "Enviada" in text
    assert "PCMB-2026-0001" in text
    # Frozen now: the steps send back to the public page.
    assert rep.get(f"{step}/basics/")["Location"].endswith(f"/proposals/{proposal.pk}/")


def test_the_public_page_shows_no_personal_data_and_drafts_are_private() -> None:
    world = build_world()
    draft = make_proposal(world)
    assert Client().get(f"/participation/proposals/{draft.pk}/").status_code == 404
    proposal = proposal_submit(actor=world.representative, proposal=ready_proposal(world))
    page = Client().get(f"/participation/proposals/{proposal.pk}/").content.decode()
    assert proposal.title in page
    assert "Vecina" not in page
    assert world.representative.email not in page


def test_group_members_are_shown_to_the_representative_and_the_read_is_recorded() -> None:
    world = build_world()
    url = f"/participation/groups/{world.group.pk}/"
    assert "Vecina 0" not in Client().get(url).content.decode()
    assert "Vecina 0" not in client_for(world.manager).get(url).content.decode()
    assert "Vecina 0" in client_for(world.team).get(url).content.decode()
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    assert "Vecina 0" in client_for(world.representative).get(url).content.decode()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 5
    rep = client_for(world.representative)
    rep.post(url, {"full_name": "Vecina 0", "unit": world.group.unit_id})
    assert world.group.members.count() == 5


def test_staff_list_filters_counts_and_exports(django_assert_max_num_queries) -> None:
    world = build_world()
    for index in range(4):
        make_proposal(world, title=f"P{index}", status=ProposalStatus.SUBMITTED)
    make_proposal(world, title="Rechazada", status=ProposalStatus.REJECTED)
    team = client_for(world.team)
    url = f"/participation/calls/{world.call.pk}/proposals/"
    with django_assert_max_num_queries(25):
        page = team.get(url)
    text = page.content.decode()
    assert "P3" in text
    assert "Rechazada" in text
    assert "Rechazada" not in team.get(url + "?status=submitted").content.decode()
    csv_text = team.get(f"/participation/calls/{world.call.pk}/proposals.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("reference,title")
    assert "representative_email" not in csv_text
    book = load_workbook(
        io.BytesIO(
            client_for(world.auditor)
            .get(f"/participation/calls/{world.call.pk}/proposals.xlsx")
            .content
        )
    )
    header = [cell.value for cell in book.active[1]]
    assert "representative_email" in header  # the auditor may export personal data
    assert Client().get(url).status_code == 404
    assert client_for(world.representative).get(url).status_code == 404
