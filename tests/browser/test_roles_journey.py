"""A programme manager invites a caseworker, who sets a password and a second factor and
then sees only their municipality."""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import phone, serious_violations, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER = "gestora.lima@barrio.demo"
NEWCOMER = "nuevo.caso@example.org"
NEW_PASSWORD = "Orientación-2026-Lima"


def code_for_key(key_text: str) -> str:
    """The current code of an authenticator app given the key shown on the page."""
    compact = key_text.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key):06d}"


def test_manager_invites_caseworker_who_sees_only_their_municipality(live_server, browser):
    call_command("load_demo", verbosity=0)
    manager = get_user_model().objects.get(username=MANAGER)
    device = TOTPDevice.objects.create(user=manager, name="default", confirmed=True)

    # The manager signs in, gives the code of her app and invites a caseworker for Lima.
    context, page = phone(browser)
    sign_in_on(page, live_server, MANAGER, "barrio-demo-2026", device)
    page.goto(live_server.url + "/accounts/programmes/demo-lima/roles/")
    assert serious_violations(page) == []
    page.get_by_label("Correo electrónico").fill(NEWCOMER)
    page.get_by_label("Nombres").fill("Nuria")
    page.get_by_label("Apellidos").fill("Orientadora")
    page.get_by_label("Rol", exact=True).select_option(label="Gestor de casos")
    page.get_by_label("Dentro de").select_option(label="Lima (provincia)")
    page.get_by_role("button", name="Invitar").click()
    expect(page.get_by_text(f"{NEWCOMER} ya tiene el rol")).to_be_visible()
    context.close()

    # The invitation arrives by e-mail with a link to choose a password.
    (message,) = [m for m in mail.outbox if NEWCOMER in m.to]
    link = re.search(r"https?://\S+/accounts/password/set/\S+/", message.body).group(0)

    context, page = phone(browser)
    page.goto(link)
    page.wait_for_load_state()
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Guardar la contraseña").click()
    expect(page.get_by_text("Su contraseña quedó guardada")).to_be_visible()

    # She signs in and must set up her second factor before anything else.
    page.get_by_label("Correo electrónico").fill(NEWCOMER)
    page.get_by_label("Contraseña").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Configurar la verificación en dos pasos"
    )
    assert serious_violations(page) == []
    key = page.locator("#totp-key").inner_text()
    page.get_by_label("Código de su aplicación de autenticación").fill(code_for_key(key))
    page.get_by_role("button", name="Activar").click()
    expect(page.get_by_text("La verificación en dos pasos está activada.")).to_be_visible()
    page.get_by_role("link", name="Su perfil").click()
    expect(page.get_by_role("cell", name="Gestor de casos")).to_be_visible()
    expect(page.get_by_role("cell", name="Lima", exact=True)).to_be_visible()

    # Her units are Lima's districts; Callao's are not hers.
    page.goto(live_server.url + "/programmes/demo-lima/territory/")
    expect(page.get_by_role("cell", name="Miraflores", exact=True)).to_be_visible()
    page.locator(".leaflet-interactive").first.wait_for()
    assert page.locator(".leaflet-interactive").count() >= 40  # Lima's district polygons
    assert page.get_by_role("cell", name="Bellavista", exact=True).count() == 0
    assert page.get_by_role("cell", name="Callao", exact=True).count() == 0
    assert serious_violations(page) == []
    context.close()
