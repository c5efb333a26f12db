"""The header names the programme of the page shown, not the first one of the switcher."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from barrio.accounts.services import programme_create
from barrio.participation.tests.factories import build_world, make_proposal

pytestmark = pytest.mark.django_db


def selected_programme(html: str) -> str:
    """The value of the switcher's selected option."""
    match = re.search(r'<option value="([^"]+)" selected>', html)
    assert match, "no programme is selected in the switcher"
    return match.group(1)


def test_a_call_and_its_proposal_show_their_own_programme_in_the_header():
    world = build_world()
    # Sorted by name, this one comes first: the switcher's default without a page programme.
    programme_create(slug="aaa", name="Aaa primero", country="PE", currency="PEN")
    proposal = make_proposal(world, status="submitted", reference="PCMB-2026-0001")
    client = Client()
    for url in (
        f"/participation/calls/{world.call.pk}/",
        f"/participation/proposals/{proposal.pk}/",
        f"/participation/programmes/{world.programme.slug}/calls/",
    ):
        html = client.get(url).text
        assert selected_programme(html) == world.programme.slug, url
        assert f'href="/accounts/programmes/{world.programme.slug}/"' in html, url
    assert selected_programme(client.get("/").text) == "aaa"
