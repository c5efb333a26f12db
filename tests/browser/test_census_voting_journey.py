"""A resident on a vote's census votes on a phone without an account: document number and
date of birth, the one-time code sent by SMS, the ballot with its running total, the receipt;
once the result is published she reads why a project is in or out."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from barrio.participation.models import Ballot, Election
from barrio.participation.tests.census_factories import RecordingSender, census_vote, last_code
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import close_and_publish
from tests.browser.conftest import phone, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def recording_sender():
    """SMS go to :class:`RecordingSender`, which the test reads the code from (the live
    server runs in this process, so the setting and the list are shared)."""
    RecordingSender.sent.clear()
    with override_settings(
        BARRIO_MESSAGE_SENDER="barrio.participation.tests.census_factories.RecordingSender"
    ):
        yield RecordingSender.sent


def test_resident_votes_with_the_census_and_a_code_on_a_phone(
    live_server, browser, recording_sender, tmp_path
):
    world = build_world()
    # Costs 1, 0.8 and 0.5 million pesos; the pot has 2 million. Ana (ABCD800531HDF, born
    # 1980-05-31, phone ending in 78) is on the census, in Guerrero.
    election = census_vote(world, tmp_path, ballot_kind="knapsack", max_choices=None, rule="greedy")
    assert election.validation == Election.Validation.CENSUS
    context, page = phone(browser)
    page.goto(f"{live_server.url}/participation/votes/{election.pk}/")
    page.get_by_role("link", name="Vota con tu documento").click()
    expect(page.get_by_role("heading", name="Vota con tu documento")).to_be_visible()
    assert serious_violations(page) == []

    # A wrong date of birth gets the same answer as a document not on the census.
    page.get_by_label("Número de documento").fill("abcd-800531-hdf")
    page.get_by_label("Fecha de nacimiento").fill("1980-05-30")
    page.get_by_role("button", name="Envíame un código").click()
    expect(page.get_by_text("no está en el padrón de esta votación").first).to_be_visible()
    assert recording_sender == []

    page.get_by_label("Fecha de nacimiento").fill("1980-05-31")
    page.get_by_label("SMS").check()
    page.get_by_role("button", name="Envíame un código").click()
    # One pot for her colonia: straight to its ballot, with the code on its way.
    expect(page.get_by_text("Enviamos un código a …78.")).to_be_visible()
    expect(page.get_by_role("heading", name="Cómo votar")).to_be_visible()
    assert len(recording_sender) == 1
    assert recording_sender[0][0] == "5512345678"
    code = last_code()

    total = page.locator("#running-total")
    expect(total).to_have_text(re.compile(r"Ha usado 0,00 MXN de 2\.000\.000,00 MXN"))
    first = page.get_by_label("Proyecto 015-001 1")
    first.focus()
    page.keyboard.press("Space")  # with the keyboard, as on a phone's
    expect(first).to_be_checked()
    expect(total).to_contain_text("1.000.000,00 MXN de 2.000.000,00 MXN")
    page.get_by_label("Proyecto 015-001 3").check()
    expect(total).to_contain_text("1.500.000,00 MXN de 2.000.000,00 MXN")
    assert serious_violations(page) == []

    # A mistyped code: refused, said at the top, the choices kept; nothing stored.
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.get_by_label("El código que te enviamos").fill(wrong)
    page.get_by_role("button", name="Enviar mi boleta").click()
    expect(page.get_by_role("alert")).to_contain_text("Este código no es correcto.")
    expect(page.get_by_label("Proyecto 015-001 1")).to_be_checked()
    expect(page.get_by_label("Proyecto 015-001 3")).to_be_checked()
    expect(page.get_by_label("Proyecto 015-001 2")).not_to_be_checked()
    assert not Ballot.objects.exists()

    page.get_by_label("El código que te enviamos").fill(code)
    page.get_by_role("button", name="Enviar mi boleta").click()
    expect(page.get_by_role("heading", name="Su boleta está guardada")).to_be_visible()
    receipt = page.locator(".receipt")
    expect(receipt).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    expect(receipt).to_have_text(Ballot.objects.get().receipt)
    assert serious_violations(page) == []
    context.close()

    # The vote closes; a manager decides it and a second manager publishes the result.
    close_and_publish(world, election)

    # She reads on her phone why each project is in or out.
    context, page = phone(browser)
    page.goto(f"{live_server.url}/participation/votes/{election.pk}/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Resultados de"))
    expect(page.get_by_text("Financiado en la ronda 1").first).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Proyecto 015-001 2").click()
    expect(page.get_by_text("No financiado: nadie votó por él.")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Proyecto 015-001 1").click()
    expect(page.get_by_text("Financiado en la ronda 1")).to_be_visible()
    context.close()
