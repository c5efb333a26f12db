"""An official at a polling station enters a voter's ballot on a phone, with the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from barrio.accounts.tests.factories import PASSWORD
from barrio.participation.models import Ballot, StationVoter
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.paper_factories import paper_vote
from tests.browser.conftest import serious_violations
from tests.browser.test_planning_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_enters_a_ballot_at_the_station_on_a_phone(live_server, browser):
    world = build_world()
    election, station, people = paper_vote(world, validation="in_person")
    context, page = sign_in(browser, live_server, people[0], PASSWORD)
    page.goto(f"{live_server.url}/participation/votes/{election.pk}/stations/{station.pk}/")
    page.get_by_role("link", name="Capturar la boleta de una persona").click()
    expect(page.get_by_role("heading", name="Boleta en la mesa: Guerrero")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Tipo de documento").select_option("ine")
    page.get_by_label("Número de documento").fill("GRRO850101H300")
    box = page.get_by_label("Proyecto 015-001 1")
    box.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Guardar la boleta").click()
    expect(page.get_by_text("La boleta quedó guardada.")).to_be_visible()
    assert Ballot.objects.count() == 1
    # The same person again: refused, and said so at the top of the page.
    page.get_by_label("Número de documento").fill("grro-850101-h300")
    page.get_by_label("Proyecto 015-001 2").check()
    page.get_by_role("button", name="Guardar la boleta").click()
    expect(page.get_by_role("alert")).to_contain_text("Esta persona ya votó en esta bolsa.")
    assert StationVoter.objects.count() == 1
    assert Ballot.objects.count() == 1
    context.close()
