"""A caseworker registers a household at the orientation desk, on a phone, then finds it;
and decides a probable duplicate in the adjudication queue."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASEWORKER = "caso.lima@barrio.demo"


def sign_in(page, live_server):
    user = get_user_model().objects.get(username=CASEWORKER)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    sign_in_on(page, live_server, CASEWORKER, "barrio-demo-2026", device)


def test_caseworker_registers_household(live_server, page):
    call_command("load_demo", verbosity=0)
    sign_in(page, live_server)
    page.goto(live_server.url + "/registry/programmes/demo-lima/register/")
    assert serious_violations(page) == []
    page.get_by_label("Unidad territorial").select_option(label="Miraflores (distrito)")
    page.get_by_label("Condición de residencia").select_option(label="Refugiado")
    page.get_by_label("Dirección").fill("Calle Sintética 404")
    page.get_by_label("El hogar aceptó ser registrado y evaluado.").check()
    person = page.locator("fieldset[data-member]").nth(0)
    person.get_by_label("Nombres").fill("Yulimar Andreína")
    person.get_by_label("Primer apellido").fill("Sintética")
    person.get_by_label("Sexo").select_option(label="Mujer")
    person.get_by_label("Fecha de nacimiento").fill("1991-07-08")
    person.get_by_label("Nacionalidad").select_option(label="Venezuela")
    person.get_by_label("Parentesco con el jefe o jefa de hogar").select_option(
        label="Jefe o jefa de hogar"
    )
    person.get_by_label("Documento de identidad").select_option(label="Pasaporte venezolano")
    person.get_by_label("Número de documento").fill("ZZ-0000042")
    person.get_by_label("Cobra los pagos").select_option(label="Cobrador principal")
    page.get_by_role("button", name="Agregar una persona").click()
    child = page.locator("fieldset[data-member]").nth(1)
    child.get_by_label("Nombres").fill("Mateo")
    child.get_by_label("Primer apellido").fill("Sintético")
    child.get_by_label("Sexo").select_option(label="Hombre")
    child.get_by_label("Nacionalidad").select_option(label="Perú")
    child.get_by_label("Parentesco con el jefe o jefa de hogar").select_option(label="Hijo o hija")
    page.get_by_role("button", name="Registrar", exact=True).click()
    expect(page.get_by_text("está registrado")).to_be_visible()
    assert page.get_by_text("Yulimar").count() == 0  # masked
    page.get_by_role("button", name="Mostrar los datos personales").click()
    expect(page.get_by_text("Yulimar Andreína Sintética")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(live_server.url + "/registry/programmes/demo-lima/households/")
    page.get_by_label("Número de documento").fill("zz0000042")
    page.get_by_role("button", name="Buscar").click()
    expect(page.get_by_role("heading", name="Resultados de la búsqueda")).to_be_visible()
    assert page.locator("table").first.get_by_role("link").count() == 1


def test_caseworker_decides_a_probable_duplicate(live_server, page):
    call_command("load_demo", verbosity=0)
    sign_in(page, live_server)
    page.goto(live_server.url + "/registry/programmes/demo-lima/duplicates/")
    assert serious_violations(page) == []
    page.locator("table a").first.click()
    page.get_by_role("button", name="Mostrar los datos personales").click()
    page.get_by_label("La misma persona").check()
    page.get_by_label("Motivo").fill("Mismo documento y misma fecha de nacimiento.")
    page.get_by_role("button", name="Registrar la decisión").click()
    expect(page.get_by_text("La decisión quedó registrada.")).to_be_visible()
