"""A programme manager runs a targeting, another approves it, and the public reads why each
district is in or out."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from barrio.accounts.models import Programme, Role
from barrio.accounts.tests.factories import PASSWORD, grant, make_user
from tests.browser.conftest import phone, serious_violations, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user, password):
    """A phone-sized page signed in with password and second factor, in Spanish."""
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    context, page = phone(browser, "es-PE")
    sign_in_on(page, live_server, user.email, password, device)
    return context, page


def test_manager_runs_targeting_another_approves_and_public_reads_why(live_server, browser):
    call_command("load_demo", verbosity=0)
    manager = get_user_model().objects.get(username="gestora.lima@barrio.demo")
    second = make_user("segunda.gestora@example.org")
    grant(second, Role.PROGRAMME_MANAGER, Programme.objects.get(slug="demo-lima"))

    # The manager runs a targeting of five districts from the form.
    context, page = sign_in(browser, live_server, manager, "barrio-demo-2026")
    page.goto(live_server.url + "/accounts/programmes/demo-lima/")
    page.get_by_role("link", name="Focalización y presupuestos").click()
    page.get_by_role("link", name="Hacer una selección territorial").click()
    expect(page.get_by_label("Nombre de la selección")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Nombre de la selección").fill("Ronda de prueba")
    page.get_by_label("Unidades entre las que elegir").select_option("distrito")
    page.get_by_label("Ordenar por").select_option("indice_necesidad_lima")
    page.get_by_label("Periodo del indicador de orden").fill("2020")
    page.get_by_label("Elegir como máximo").fill("5")
    page.get_by_role("button", name="Hacer la selección").click()
    expect(page.get_by_text("La selección se guardó como borrador.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Ronda de prueba"))
    expect(page.get_by_text("Dentro: puesto 1 de 49").first).to_be_visible()
    expect(page.get_by_text("Fuera: puesto 6, después de las 5 unidades")).to_be_visible()
    # Who ran it does not approve it.
    assert page.get_by_role("button", name="Aprobar esta selección").count() == 1
    page.get_by_role("button", name="Aprobar esta selección").click()
    expect(page.get_by_text("la aprueba una persona distinta")).to_be_visible()
    assert serious_violations(page) == []
    run_url = page.url
    context.close()

    # Another manager approves it.
    context, page = sign_in(browser, live_server, second, PASSWORD)
    page.goto(run_url)
    page.get_by_role("button", name="Aprobar esta selección").click()
    expect(page.get_by_text("La selección está aprobada.")).to_be_visible()
    context.close()

    # The public reads the approved run and why each district is in or out.
    context, page = phone(browser, "es-PE")
    page.goto(live_server.url + "/programmes/demo-lima/planning/")
    page.get_by_role("link", name="Ronda de prueba").click()
    expect(page.get_by_text("Aprobada").first).to_be_visible()
    expect(
        page.get_by_text("Fuera: no tiene valor del índice para este periodo.").first
    ).to_be_visible()
    assert serious_violations(page) == []
    context.close()
