"""Referrals and messages through the API, per role, with bad input as a readable 4xx."""

from __future__ import annotations

import pytest

from barrio.accounts.services import organisation_create
from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.tests.factories import build_desk, register

pytestmark = pytest.mark.django_db


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


@pytest.fixture
def desk():
    desk = build_desk()
    desk.partner = organisation_create(
        name="Clínica Sintética", kind="ngo", country="PE", programmes=[desk.world.lima]
    )
    return desk


def test_referral_made_listed_and_followed_up(desk):
    household = register(desk)
    client = signed_in_client(desk.caseworker)
    body = {"organisation_id": desk.partner.pk, "service": "legal", "household_id": household.pk}
    created = post(client, "/api/v1/programmes/lima/referrals", body)
    assert created.status_code == 201, created.json()
    referral = created.json()
    assert referral["status"] == "made"
    listed = signed_in_client(desk.manager).get(
        f"/api/v1/programmes/lima/referrals?household_id={household.pk}"
    )
    assert [r["id"] for r in listed.json()] == [referral["id"]]
    path = f"/api/v1/referrals/{referral['id']}/status"
    assert post(client, path, {"status": "accepted"}).json()["accepted_on"] is not None
    assert post(client, path, {"status": "accepted"}).status_code == 409
    assert post(client, path, {"status": "nope"}).status_code == 422
    assert post(client, path, {"status": "attended", "on": "1999-01-01"}).status_code == 422
    assert post(signed_in_client(desk.manager), path, {"status": "closed"}).status_code == 403
    assert (
        signed_in_client(desk.resident).get("/api/v1/programmes/lima/referrals").status_code == 403
    )


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"organisation_id": 999999}, "organisation_id"),
        ({"household_id": 999999}, "household_id"),
        ({"household_id": None}, "household_id"),
        ({"grievance_id": 999999}, "grievance_id"),
        ({"service": "magic"}, "service"),
    ],
)
def test_bad_referral_is_a_readable_422(desk, overrides, loc):
    household = register(desk)
    client = signed_in_client(desk.caseworker)
    body = {"organisation_id": desk.partner.pk, "service": "legal", "household_id": household.pk}
    response = post(client, "/api/v1/programmes/lima/referrals", {**body, **overrides})
    assert response.status_code == 422, response.json()
    assert loc in {e["loc"][-1] for e in response.json()["errors"]}


def test_template_written_and_sent_through_the_api(desk):
    register(desk)
    client = signed_in_client(desk.manager)
    created = post(
        client,
        "/api/v1/programmes/lima/message-templates",
        {"name": "Pago", "body_es": "Hola {given_name}, cobre {amount} €.", "body_pt": "Olá!"},
    )
    assert created.status_code == 201, created.json()
    template = created.json()
    spanish = next(x for x in template["lengths"] if x["language"] == "es")
    assert spanish["encoding"] == "gsm7"
    # As written: the four braces and the euro sign are extension characters (two each).
    assert spanish["units"] == len("Hola {given_name}, cobre {amount} €.") + 5
    missing = post(
        client, "/api/v1/programmes/lima/message-sendings", {"template_id": template["id"]}
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["body", "values", "amount"]
    sent = post(
        client,
        "/api/v1/programmes/lima/message-sendings",
        {"template_id": template["id"], "values": {"amount": "200"}},
    )
    assert sent.status_code == 201, sent.json()
    campaign = sent.json()
    assert campaign["total"] == 1
    assert campaign["recipients"][0]["status"] == "queued"
    got = client.get(f"/api/v1/message-sendings/{campaign['id']}")
    assert got.status_code == 200
    assert (
        signed_in_client(desk.resident)
        .get(f"/api/v1/message-sendings/{campaign['id']}")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": "x", "body_es": "Hola {nombre}"}, "body_es"),
        ({"name": "x", "body_es": "Hola {given_name", "body_en": "x"}, "body_es"),
        ({"name": "x", "body_es": "ok", "body_pt": "{0}"}, "body_pt"),
        ({"name": "", "body_es": "ok"}, "name"),
        ({"name": "x"}, "body_es"),
    ],
)
def test_bad_template_is_a_readable_422(desk, body, loc):
    response = post(
        signed_in_client(desk.manager), "/api/v1/programmes/lima/message-templates", body
    )
    assert response.status_code == 422, response.json()
    assert loc in {e["loc"][-1] for e in response.json()["errors"]}
