"""The registry's API per role, and bad input answered with a readable 4xx (never 500)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.tests.factories import build_desk, register

pytestmark = pytest.mark.django_db

BODY: dict[str, Any] = {
    "residence_status": "refugee",
    "members": [
        {
            "given_names": "Daniela",
            "family_name_1": "Rivas",
            "sex": "female",
            "nationality": "VE",
            "relationship": "head",
            "birth_date": "1985-04-03",
            "documents": [{"type": "ve_cedula", "number": "V-9988776"}],
        }
    ],
    "consents": [{"purpose": "registration", "given_on": dt.date.today().isoformat()}],
    "primary_collector": 0,
}


def post(client, body):
    return client.post("/api/v1/programmes/lima/households", body, content_type="application/json")


def test_register_read_masked_unmask_and_search():
    desk = build_desk()
    client = signed_in_client(desk.caseworker)
    created = post(client, {**BODY, "unit_id": desk.world.miraflores.pk})
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["members"][0]["given_names"] is None
    assert data["payable"] is True
    shown = client.get(f"/api/v1/households/{data['id']}?unmask=true").json()
    assert shown["members"][0]["given_names"] == "Daniela"
    found = client.get("/api/v1/programmes/lima/households/search?document=v9988776").json()
    assert [h["id"] for h in found] == [data["id"]]
    manager = signed_in_client(desk.manager)
    assert manager.get(f"/api/v1/households/{data['id']}?unmask=true").status_code == 403
    board = manager.get("/api/v1/programmes/lima/registry").json()
    assert board["households"] is None  # one household: under 5, suppressed


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "invalid"),
        ({**BODY, "unit_id": 999999}, 422, "invalid"),
        ({**BODY, "unit_id": "x"}, 422, "invalid"),
        ({**BODY, "members": [{**BODY["members"][0], "birth_date": "2020-13-01"}]}, 422, "invalid"),
        ({**BODY, "members": [{**BODY["members"][0], "sex": "f"}]}, 422, "invalid"),
        ({**BODY, "consents": []}, 422, "invalid"),
        (
            {
                **BODY,
                "members": [{**BODY["members"][0], "documents": [{"type": "x", "number": "1"}]}],
            },
            422,
            "invalid",
        ),
    ],
)
def test_bad_registrations_are_readable_4xx(body, status, code):
    desk = build_desk()
    if "unit_id" not in body and body:
        body = {**body, "unit_id": desk.world.miraflores.pk}
    answer = post(signed_in_client(desk.caseworker), body)
    assert answer.status_code == status, answer.content
    assert answer.json()["code"] == code


def test_duplicate_document_is_a_409_and_search_without_terms_a_422():
    desk = build_desk()
    register(desk)
    client = signed_in_client(desk.caseworker)
    body = {
        **BODY,
        "unit_id": desk.world.miraflores.pk,
        "members": [
            {**BODY["members"][0], "documents": [{"type": "ve_passport", "number": "V12345678"}]}
        ],
    }
    answer = post(client, body)
    assert answer.status_code == 409
    assert answer.json()["code"] == "already_registered"
    assert client.get("/api/v1/programmes/lima/households/search").status_code == 422
    assert client.get("/api/v1/households/0").status_code == 404
    assert client.get("/api/v1/programmes/lima/households?limit=0").status_code == 422
