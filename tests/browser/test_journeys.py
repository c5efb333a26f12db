"""Browser journeys through the main pages, in Debian's Chromium."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_home_in_three_languages_and_signs_in(live_server, page):
    """A visitor opens the Spanish home page, switches to English and Portuguese, signs in;
    every page passes axe-core with no serious or critical violation."""
    call_command("load_demo", verbosity=0)
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es"
    expect(page.get_by_role("heading", level=1)).to_have_text("Mejoramiento de barrios, juntos")
    expect(
        page.get_by_role("heading", name="Quiero Mi Barrio, Región Metropolitana (demostración)")
    ).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neighbourhood improvement, together")

    page.get_by_label("Language").select_option("pt")
    page.get_by_role("button", name="Change", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Melhoria de bairros, juntos")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Entrar").click()
    expect(page.get_by_label("Endereço de e-mail")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Endereço de e-mail").fill("admin@barrio.demo")
    page.get_by_label("Senha").fill("barrio-demo-admin")
    page.get_by_role("button", name="Entrar").click()
    # An administrator reads personal data: the second factor is set up first.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Configurar a verificação em duas etapas"
    )
    expect(page.get_by_text("admin@barrio.demo")).to_be_visible()
    expect(page.get_by_role("button", name="Sair")).to_be_visible()
    assert serious_violations(page) == []


def test_visitor_uses_the_skip_link_with_the_keyboard(live_server, page):
    """The first Tab reaches the skip link, which moves the focus to the content."""
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Saltar al contenido"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
