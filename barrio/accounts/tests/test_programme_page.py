"""The programme page leads to each part of the programme the visitor may use, and no further."""

from __future__ import annotations

import pytest

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import build_world, grant, make_user
from barrio.accounts.tests.test_permission_matrix import signed_in_client

pytestmark = pytest.mark.django_db

STAFF_LINKS = {
    "/registry/programmes/lima/": "Registro de hogares",
    "/registry/programmes/lima/grievances/": "Centro de orientación",
    "/registry/programmes/lima/eligibility/": "Transferencias monetarias",
}


def links(client) -> set[str]:
    response = client.get("/accounts/programmes/lima/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    return {href for href in STAFF_LINKS if f'href="{href}"' in response.text}


def test_a_resident_is_led_to_the_calls_but_not_to_the_registry():
    world = build_world()
    resident = make_user("vecina@example.org")
    grant(resident, Role.RESIDENT, world.lima, world.miraflores)
    client = signed_in_client(resident)
    page = client.get("/accounts/programmes/lima/", HTTP_ACCEPT_LANGUAGE="es").text
    assert 'href="/participation/programmes/lima/calls/"' in page
    assert "Convocatorias, proyectos y votaciones" in page
    assert links(client) == set()


def test_a_programme_manager_is_led_to_the_registry_the_centre_and_the_cash():
    world = build_world()
    manager = make_user("gestora@example.org")
    grant(manager, Role.PROGRAMME_MANAGER, world.lima)
    client = signed_in_client(manager)
    assert links(client) == set(STAFF_LINKS)
    page = client.get("/accounts/programmes/lima/", HTTP_ACCEPT_LANGUAGE="es").text
    for href, label in STAFF_LINKS.items():
        # Each link is followable by the one who sees it.
        assert label in page
        assert client.get(href).status_code == 200, href
