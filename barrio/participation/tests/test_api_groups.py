"""The groups API: a representative registers a group; names only for those allowed."""

from __future__ import annotations

import pytest
from django.test import Client

from barrio.participation.models import CommunityGroup
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.test_pages import client_for

pytestmark = pytest.mark.django_db


def test_the_representative_registers_a_group_and_adds_a_member() -> None:
    world = build_world()
    unit = world.group.unit_id
    rep = client_for(world.representative)
    made = rep.post(
        f"/api/v1/programmes/{world.programme.slug}/groups",
        {"name": "Calle Mina", "unit_id": unit, "members": [{"full_name": "Ana", "unit_id": unit}]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    group = made.json()
    assert [m["full_name"] for m in group["members"]] == ["Ana"]
    added = rep.post(
        f"/api/v1/groups/{group['id']}/members",
        {"full_name": "Luis", "unit_id": unit},
        content_type="application/json",
    )
    assert added.json()["resident_count"] == 2
    twice = rep.post(
        f"/api/v1/groups/{group['id']}/members",
        {"full_name": "LUIS", "unit_id": unit},
        content_type="application/json",
    )
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["loc"] == ["body", "payload", "members", 0, "full_name"]


def test_members_are_hidden_from_the_public_and_other_representatives() -> None:
    world = build_world()
    url = f"/api/v1/groups/{world.group.pk}"
    public = Client().get(url).json()
    assert (public["members"], public["resident_count"]) == (None, 5)
    assert client_for(world.other_representative).get(url).json()["members"] is None
    assert len(client_for(world.team).get(url).json()["members"]) == 5
    refused = client_for(world.other_representative).post(
        f"{url}/members",
        {"full_name": "X", "unit_id": world.group.unit_id},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_registering_outside_ones_unit_or_with_bad_input() -> None:
    world = build_world()
    url = f"/api/v1/programmes/{world.programme.slug}/groups"
    body = {"name": "X", "unit_id": world.group.unit_id}
    assert (
        client_for(world.other_representative)
        .post(url, body, content_type="application/json")
        .status_code
        == 403
    )
    bad = client_for(world.representative).post(url, {"name": ""}, content_type="application/json")
    assert bad.status_code == 422
    assert CommunityGroup.objects.count() == 1
