"""The orientation centre on a phone: a caseworker records a grievance at the desk, assigns
it, works on it and resolves it with the person's satisfaction."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations
from tests.browser.test_planning_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_resolves_a_grievance(live_server, browser):
    call_command("load_demo", verbosity=0)
    caseworker = get_user_model().objects.get(username="caso.lima@barrio.demo")
    context, page = sign_in(browser, live_server, caseworker, "barrio-demo-2026")
    page.goto(live_server.url + "/registry/programmes/demo-lima/grievances/new/")
    assert serious_violations(page) == []
    page.get_by_label("Categoría").select_option(label="Pago no recibido o monto equivocado")
    page.get_by_label("Canal").select_option(label="Centro de orientación")
    page.get_by_label("Unidad territorial").select_option(label="Miraflores (distrito)")
    page.get_by_label("Nombre de la persona").fill("Persona Sintética")
    page.get_by_label("Teléfono").fill("+51 987 000 111")
    page.get_by_label("Lo que dice la persona").fill("No recibió el pago de octubre.")
    page.get_by_role("button", name="Registrar el caso").click()
    expect(page.get_by_text("quedó registrado")).to_be_visible()
    assert page.get_by_text("Persona Sintética").count() == 0  # masked
    assert serious_violations(page) == []

    page.get_by_label("Asignar a").select_option(label="Carlos Caso (caso.lima@barrio.demo)")
    page.get_by_role("button", name="Asignar el caso").click()
    expect(page.get_by_text("El caso quedó actualizado.")).to_be_visible()
    page.get_by_label("Nuevo estado").select_option(label="En curso")
    page.get_by_role("button", name="Guardar el estado").click()
    page.get_by_label("Nuevo estado").select_option(label="Resuelto")
    page.get_by_label("Resolución").fill("Se reprogramó el pago para el lunes.")
    page.get_by_label("Satisfacción de la persona (1 a 5)").select_option("4")
    page.get_by_role("button", name="Guardar el estado").click()
    expect(page.get_by_text("El caso quedó actualizado.")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts.get_by_text("Resuelto")).to_be_visible()
    assert page.locator("ol li").count() == 4  # new, assigned, in progress, resolved
    page.get_by_role("button", name="Mostrar los datos personales").click()
    expect(page.get_by_text("Se reprogramó el pago para el lunes.")).to_be_visible()

    page.goto(live_server.url + "/registry/programmes/demo-lima/grievances/?status=resolved")
    assert page.locator("table a").count() == 2  # the demo has one resolved case too
    assert serious_violations(page) == []
    context.close()
