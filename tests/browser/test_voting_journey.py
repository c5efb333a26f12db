"""A resident votes on a phone, with the keyboard, and later reads why each project is in or
out; the ballot's running total comes from our own script."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from barrio.accounts.tests.factories import PASSWORD
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import close_and_publish, open_vote, residents
from tests.browser.conftest import phone, serious_violations, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_resident(browser, live_server, user):
    """A phone-sized page signed in with a password (a resident needs no second factor)."""
    context, page = phone(browser)
    sign_in_on(page, live_server, user.email, PASSWORD)
    return context, page


def test_resident_votes_on_a_phone_and_reads_why(live_server, browser):
    world = build_world()
    # Costs 100, 80 and 50 million cents (1, 0.8 and 0.5 million pesos); the pot has 2 million.
    election = open_vote(world, ballot_kind="knapsack", max_choices=None, rule="greedy")
    (ana,) = residents(world, 1)
    context, page = sign_in_resident(browser, live_server, ana)
    page.goto(f"{live_server.url}/participation/votes/{election.pk}/")
    page.get_by_role("link", name="Votar en esta bolsa").click()
    expect(page.get_by_role("heading", name="Cómo votar")).to_be_visible()
    expect(page.get_by_text("Elija proyectos cuyos costos sumen como máximo")).to_be_visible()
    assert serious_violations(page) == []
    total = page.locator("#running-total")
    # With the keyboard: tab to a box and tick it with the space bar.
    first = page.get_by_label("Proyecto 015-001 1")
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    expect(total).to_contain_text("1.000.000,00 MXN de 2.000.000,00 MXN")
    page.get_by_label("Proyecto 015-001 2").check()
    page.get_by_label("Proyecto 015-001 3").check()
    expect(total).to_contain_text("2.300.000,00 MXN")
    expect(total).to_contain_text("supera el límite")
    # Over the budget: the server refuses, says why, and keeps the choices.
    page.get_by_role("button", name="Enviar mi boleta").click()
    expect(page.get_by_role("alert")).to_contain_text("más que el presupuesto")
    page.get_by_label("Proyecto 015-001 2").uncheck()
    expect(total).to_contain_text("1.500.000,00 MXN de 2.000.000,00 MXN")
    page.get_by_role("button", name="Enviar mi boleta").click()
    expect(page.get_by_role("heading", name="Su boleta está guardada")).to_be_visible()
    receipt = page.locator(".receipt").inner_text()
    assert len(receipt) == 9
    assert serious_violations(page) == []
    context.close()

    # The vote closes; a manager decides it and a second manager publishes the result.
    close_and_publish(world, election)

    # The resident reads the results on her phone and why a project is out.
    context, page = phone(browser)
    page.goto(f"{live_server.url}/participation/votes/{election.pk}/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Resultados de"))
    expect(page.get_by_text("Financiado en la ronda 1")).to_be_visible()
    chart = page.get_by_role("figure", name="Votos y costos")
    expect(chart).to_be_visible()
    expect(chart.locator("ol > li")).to_have_count(3)  # one labelled bar per project
    assert serious_violations(page) == []
    page.get_by_role("link", name="Proyecto 015-001 2").click()
    expect(page.get_by_text("No financiado: nadie votó por él.")).to_be_visible()
    # Its pot's chart, this project marked among the others.
    expect(page.locator("[aria-current='true']")).to_contain_text("Proyecto 015-001 2")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    context.close()
