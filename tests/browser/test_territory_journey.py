"""A visitor explores the territory of a programme: an indicator on the map, then a unit."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_maps_an_indicator_and_opens_a_unit(live_server, page):
    call_command("load_demo", verbosity=0)
    page.goto(live_server.url + "/programmes/demo-lima/territory/")
    page.get_by_label("Indicador").select_option(
        label="Índice de necesidad territorial (demostración)"
    )
    page.get_by_label("Clases", exact=True).select_option("fisher_jenks")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_load_state()
    legend = page.get_by_role(
        "region", name="Índice de necesidad territorial (demostración) (0–100), 2020"
    )
    expect(legend.get_by_text("Muy alto")).to_be_visible()
    page.locator(".leaflet-interactive").first.wait_for()
    assert page.locator(".leaflet-interactive").count() >= 45
    assert serious_violations(page) == []

    page.get_by_role("link", name="Villa El Salvador").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Villa El Salvador")
    expect(page.get_by_role("cell", name="Pobreza total (%)")).to_be_visible()
    assert serious_violations(page) == []
