"""A community representative writes a proposal on a phone, marks it on the map, budgets it,
attaches its founding minutes and submits it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from barrio.accounts.tests.factories import PASSWORD
from barrio.participation.models import Proposal
from barrio.participation.tests.drafts import PDF_BYTES
from barrio.participation.tests.factories import build_world
from tests.browser.conftest import phone, serious_violations, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_representative_submits_a_proposal_on_a_phone(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    representative_submits_on_a_phone(live_server, browser, build_world())


def representative_submits_on_a_phone(live_server, browser, world) -> Proposal:
    """The representative of the world's group writes, places, budgets, documents and submits
    a proposal on a phone-sized page; return it (also the start of the review journey)."""
    context, page = phone(browser)
    sign_in_on(page, live_server, world.representative.email, PASSWORD)

    page.goto(f"{live_server.url}/participation/calls/{world.call.pk}/")
    page.get_by_role("link", name="Escribir una propuesta").click()
    page.get_by_label("Título").fill("Parque de bolsillo en Guerrero")
    page.get_by_label("Tipo de obra").select_option("park")
    page.get_by_role("button", name="Guardar y continuar").click()

    # The place: a tap in the middle of the colonia's map.
    # Leaflet marks the element once the map (and its click handler) is ready.
    expect(page.locator("#proposal-map.leaflet-container")).to_be_visible()
    page.locator("#proposal-map").click()
    expect(page.locator("[data-map-status]")).to_have_text("El punto está marcado.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Guardar y continuar").click()

    page.get_by_label("Diagnóstico del problema").fill("Un predio baldío acumula basura.")
    page.get_by_label("Objetivos").fill("Un parque con juegos y alumbrado.")
    page.get_by_role("button", name="Guardar y continuar").click()

    first = page.get_by_role("group", name="Partida 1")
    first.get_by_label("Concepto").fill("Juegos infantiles")
    first.get_by_label("Cantidad").fill("2")
    first.get_by_label("Unidad de medida").fill("pieza")
    first.get_by_label("Costo unitario").fill("250000.50")
    second = page.get_by_role("group", name="Partida 2")
    second.get_by_label("Concepto").fill("Luminarias LED")
    second.get_by_label("Cantidad").fill("8")
    second.get_by_label("Unidad de medida").fill("pieza")
    second.get_by_label("Costo unitario").fill("12500")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.get_by_label("Foto o documento PDF").set_input_files(
        {"name": "acta.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label("Documento requerido").select_option("Acta de asamblea constitutiva")
    page.get_by_role("button", name="Adjuntar").click()
    expect(page.get_by_text("El archivo se adjuntó.")).to_be_visible()
    page.get_by_role("link", name="Continuar").click()
    expect(page.get_by_role("button", name="Registrar la firma")).to_be_visible()
    page.get_by_role("link", name="Continuar").click()
    expect(page.get_by_role("button", name="Enviar la propuesta")).to_be_visible()

    assert serious_violations(page) == []
    page.get_by_role("button", name="Enviar la propuesta").click()
    expect(page.locator("[data-status]")).to_have_text("Enviada")
    assert serious_violations(page) == []
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.total_cents, proposal.reference) == (
        "submitted",
        60_000_100,
        "PCMB-2026-0001",
    )
    assert proposal.location["type"] == "Point"
    context.close()
    return proposal
