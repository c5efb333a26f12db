"""From a submitted proposal to an approved one with its committees, in Debian's Chromium on
a phone-sized page: a committee member scores it, the manager admits it, the municipal team
records the assembly that approves it and elects its committees, the public reads the result.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from barrio.accounts.permissions import needs_second_factor
from barrio.accounts.tests.factories import PASSWORD
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.services import review_assign
from barrio.participation.tests.factories import build_world, make_proposal
from barrio.participation.tests.review_factories import add_member
from tests.browser.conftest import phone, serious_violations, sign_in_on
from tests.browser.test_planning_journey import sign_in as sign_in_with_second_factor
from tests.browser.test_proposal_journey import representative_submits_on_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user, password=PASSWORD):
    """A phone-sized page signed in, in Spanish; with the second factor for the roles that
    need one (manager, team), with the password alone for a committee member."""
    if needs_second_factor(user):
        return sign_in_with_second_factor(browser, live_server, user, password)
    context, page = phone(browser)
    sign_in_on(page, live_server, user.email, password)
    return context, page


def member_scores(browser, live_server, world, title):
    """The committee member finds the proposal in their queue, declares and scores it."""
    context, page = sign_in(browser, live_server, world.reviewer)
    page.goto(f"{live_server.url}/participation/calls/{world.call.pk}/")
    page.get_by_role("link", name="Propuestas por revisar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propuestas por revisar")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_label("No, no tengo ninguno")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("No, no tengo ninguno").check()
    page.get_by_role("button", name="Registrar mi declaración").click()
    expect(page.get_by_text("Su declaración está registrada.")).to_be_visible()
    page.get_by_label("Calificación de «Factibilidad técnica» (0 a 5)").select_option("5")
    page.get_by_label("Razón de «Factibilidad técnica»").fill("El predio es municipal.")
    page.get_by_label("Calificación de «Impacto social» (0 a 5)").select_option("4")
    page.get_by_label("Razón de «Impacto social»").fill("No hay áreas verdes cerca.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Guardar mis calificaciones").click()
    expect(page.get_by_text("Sus calificaciones están guardadas.")).to_be_visible()
    expect(page.get_by_text("Calificada")).to_be_visible()
    context.close()


def manager_admits(page):
    """On the review overview, the manager reads the aggregate and admits the proposal."""
    expect(page.get_by_text("92,00 / 100")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Decisión").select_option("admitted")
    page.get_by_role("button", name="Registrar la decisión").click()
    expect(page.get_by_text("La decisión está registrada y el grupo, informado.")).to_be_visible()


def team_records_the_assembly(browser, live_server, world, title):
    """The municipal team records the assembly: quorum, attendance, votes, committees."""
    context, page = sign_in(browser, live_server, world.team)
    page.goto(f"{live_server.url}/participation/calls/{world.call.pk}/")
    page.get_by_role("link", name="Asambleas").click()
    page.get_by_role("link", name="Registrar una asamblea").click()
    page.get_by_label("Fecha y hora").fill("2026-03-01T18:00")
    page.get_by_label("Lugar").fill("Explanada de la parroquia")
    page.get_by_label(f"{title} · Guerrero").check()
    page.get_by_label("Quórum: mínimo de asistentes").fill("3")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Abrir el registro").click()
    expect(page.get_by_text("El registro de la asamblea está abierto.")).to_be_visible()
    page.get_by_label("Asistentes, un nombre completo por línea").fill(
        "Rosa Pérez\nJuan López\nEva Ruiz\nAna Torres"
    )
    page.get_by_role("button", name="Añadir a la lista de asistencia").click()
    page.get_by_label("A favor", exact=True).fill("3")
    page.get_by_label("En contra", exact=True).fill("1")
    page.get_by_label("Abstenciones", exact=True).fill("0")
    page.get_by_role("button", name="Registrar los votos").click()
    expect(page.get_by_text("Los votos están registrados.")).to_be_visible()
    for kind, members in [
        ("administration", "Rosa Pérez, presidencia\nJuan López, tesorería"),
        ("supervision", "Eva Ruiz, presidencia"),
    ]:
        page.get_by_label("Comité", exact=True).select_option(kind)
        page.get_by_label("Integrantes, uno por línea: nombre completo, cargo").fill(members)
        page.get_by_role("button", name="Registrar el comité").click()
        expect(page.get_by_text("El comité está registrado.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Cerrar y contar los resultados").click()
    expect(page.get_by_text("El registro de la asamblea está cerrado")).to_be_visible()
    context.close()


def public_reads_it_approved(browser, live_server, proposal):
    """The public sees the proposal approved with its committees' offices, not the names."""
    context, page = phone(browser)
    page.goto(live_server.url + "/participation/programmes/pcmb/approved/")
    expect(page.get_by_role("heading", name=proposal.title)).to_be_visible()
    expect(page.get_by_role("heading", name="Comité de administración")).to_be_visible()
    assert page.get_by_text("Rosa Pérez").count() == 0
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/participation/proposals/{proposal.pk}/")
    expect(page.locator("[data-status]")).to_have_text("Aprobada por la asamblea")
    expect(page.get_by_role("heading", name="Comité de administración")).to_be_visible()
    expect(page.get_by_role("heading", name="Comité de supervisión")).to_be_visible()
    expect(page.get_by_text("Presidencia").first).to_be_visible()
    assert page.get_by_text("Eva Ruiz").count() == 0
    assert serious_violations(page) == []
    context.close()


def _public(world):
    world.programme.is_public = True
    world.programme.save(update_fields=["is_public"])


def test_committee_scores_and_assembly_approves(live_server, browser):
    world = build_world()
    _public(world)
    proposal = make_proposal(
        world,
        status=ProposalStatus.SUBMITTED,
        title="Parque La Lagunilla",
        reference="PCMB-2026-0009",
    )
    review_assign(actor=world.manager, proposal=proposal, member=add_member(world))
    member_scores(browser, live_server, world, "Parque La Lagunilla")
    context, page = sign_in(browser, live_server, world.manager)
    page.goto(f"{live_server.url}/participation/review/calls/{world.call.pk}/")
    manager_admits(page)
    context.close()
    team_records_the_assembly(browser, live_server, world, "Parque La Lagunilla")
    public_reads_it_approved(browser, live_server, proposal)


def test_group_proposal_goes_from_a_phone_to_approved_with_committees(
    live_server, browser, settings, tmp_path
):
    """The whole journey of issue 7: a representative submits on a phone with a map location
    and a budget, the manager names the committee and assigns it, a member scores it, the
    manager admits it, the team records the assembly, and it shows approved with its
    committees."""
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    _public(world)
    proposal = representative_submits_on_a_phone(live_server, browser, world)

    context, page = sign_in(browser, live_server, world.manager)
    page.goto(f"{live_server.url}/participation/calls/{world.call.pk}/")
    page.get_by_role("link", name="Revisión del comité").click()
    page.get_by_label("Persona").select_option(str(world.reviewer.pk))
    page.get_by_label("Afiliación").select_option("academic")
    page.get_by_label("Organización").fill("UNAM")
    page.get_by_role("button", name="Añadir al comité").click()
    expect(page.get_by_text("El miembro forma parte del comité.")).to_be_visible()
    page.get_by_label("Asignarla a").select_option(label=world.reviewer.email)
    page.get_by_role("button", name="Asignar").click()
    expect(page.get_by_text("La propuesta está asignada al miembro.")).to_be_visible()
    assert serious_violations(page) == []

    # The manager stays signed in (one second-factor device) while the member scores.
    member_scores(browser, live_server, world, proposal.title)
    page.goto(f"{live_server.url}/participation/review/calls/{world.call.pk}/")
    manager_admits(page)
    context.close()
    team_records_the_assembly(browser, live_server, world, proposal.title)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    public_reads_it_approved(browser, live_server, proposal)
