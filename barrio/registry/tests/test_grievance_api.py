"""The orientation centre's API per role, and bad input answered with a readable 4xx."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.tests.factories import build_desk, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    desk = build_desk()
    desk.focal = make_user("proteccion@lima.pe")
    grant(desk.focal, Role.PROTECTION_FOCAL, desk.world.lima)
    return desk


def body(desk, **overrides):
    values = {
        "category": "payment",
        "channel": "phone",
        "description": "No recibió el pago de octubre.",
        "unit_id": desk.world.miraflores.pk,
        "contact_name": "Persona Sintética",
        "contact_phone": "+51 987 000 111",
    }
    values.update(overrides)
    return values


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_caseworker_records_assigns_and_resolves_a_case(desk):
    client = signed_in_client(desk.caseworker)
    created = post(client, "/api/v1/programmes/lima/grievances", body(desk))
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["contact_name"] is None
    assert case["status"] == "new"
    assert not case["overdue"]
    shown = client.get(f"/api/v1/grievances/{case['id']}?unmask=true").json()
    assert shown["contact_name"] == "Persona Sintética"
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(case["id"])
    ).exists()
    path = f"/api/v1/grievances/{case['id']}"
    assert post(client, path + "/assign", {"assignee_id": desk.caseworker.pk}).status_code == 200
    assert post(client, path + "/status", {"status": "in_progress"}).status_code == 200
    done = post(
        client, path + "/status", {"status": "resolved", "resolution": "Pagado.", "satisfaction": 5}
    )
    assert done.status_code == 200
    assert done.json()["satisfaction"] == 5
    assert [e["to_status"] for e in done.json()["events"]] == [
        "new",
        "assigned",
        "in_progress",
        "resolved",
    ]
    listed = client.get("/api/v1/programmes/lima/grievances?status=resolved").json()
    assert [c["id"] for c in listed] == [case["id"]]


def test_household_case_and_sensitive_visibility(desk):
    household = register(desk)
    client = signed_in_client(desk.caseworker)
    created = post(
        client,
        "/api/v1/programmes/lima/grievances",
        {
            "category": "protection",
            "channel": "desk",
            "description": "Amenazas.",
            "household_id": household.pk,
        },
    )
    assert created.status_code == 201
    assert created.json()["sensitive"] is True
    case_id = created.json()["id"]
    assert client.get(f"/api/v1/grievances/{case_id}").status_code == 404
    assert client.get("/api/v1/programmes/lima/grievances").json() == []
    focal = signed_in_client(desk.focal)
    assert focal.get(f"/api/v1/grievances/{case_id}").status_code == 200
    manager = signed_in_client(desk.manager)
    assert manager.get(f"/api/v1/grievances/{case_id}").status_code == 200
    assert manager.get(f"/api/v1/grievances/{case_id}?unmask=true").status_code == 403
    quito = signed_in_client(desk.quito_caseworker)
    assert quito.get(f"/api/v1/grievances/{case_id}").status_code == 404
    assert quito.get("/api/v1/programmes/lima/grievances").status_code in {403, 404}


@pytest.mark.parametrize(
    ("overrides", "status", "loc"),
    [
        ({"category": "x"}, 422, "category"),
        ({"unit_id": 999999}, 422, "unit_id"),
        ({"unit_id": None}, 422, "unit_id"),
        ({"household_id": 999999}, 422, "household_id"),
        ({"description": ""}, 422, "description"),
        ({"contact_phone": "", "contact_email": ""}, 422, "contact_phone"),
        ({"unit_id": "x"}, 422, "unit_id"),
    ],
)
def test_bad_input_is_a_readable_4xx(desk, overrides, status, loc):
    client = signed_in_client(desk.caseworker)
    response = post(client, "/api/v1/programmes/lima/grievances", body(desk, **overrides))
    assert response.status_code == status, response.json()
    assert loc in {e["loc"][-1] for e in response.json()["errors"]}


def test_bad_status_moves_and_assignees(desk):
    client = signed_in_client(desk.caseworker)
    case_id = post(client, "/api/v1/programmes/lima/grievances", body(desk)).json()["id"]
    path = f"/api/v1/grievances/{case_id}"
    assert post(client, path + "/status", {"status": "resolved"}).status_code == 409
    assert post(client, path + "/status", {"status": "nope"}).status_code == 422
    assert post(client, path + "/status", {}).status_code == 422
    assert post(client, path + "/assign", {"assignee_id": 999999}).status_code == 422
    assert post(client, path + "/assign", {"assignee_id": desk.manager.pk}).status_code == 422
    assert signed_in_client(desk.resident).get(path).status_code == 404


def test_correction_asked_shown_and_decided_by_a_second_person(desk):
    household = register(desk)
    asker = signed_in_client(desk.caseworker)
    head_id = household.head_id
    created = post(
        asker,
        f"/api/v1/households/{household.pk}/data-changes",
        {
            "field": "phone",
            "member_id": head_id,
            "new_value": "+51 912 345 678",
            "reason": "Cambió de número.",
        },
    )
    assert created.status_code == 201, created.json()
    change = created.json()
    assert change["old_value"] is None
    assert change["status"] == "pending"
    shown = asker.get(f"/api/v1/data-changes/{change['id']}?unmask=true").json()
    assert shown["old_value"] == "+51 987 654 321"
    path = f"/api/v1/data-changes/{change['id']}/decision"
    refused = post(asker, path, {"approve": True})
    assert refused.status_code == 403
    assert refused.json()["code"] == "second_person_required"
    decider = signed_in_client(desk.province_caseworker)
    assert (
        decider.get("/api/v1/programmes/lima/data-changes?status=pending").json()[0]["id"]
        == (change["id"])
    )
    assert post(decider, path, {"approve": True}).json()["status"] == "approved"
    assert post(decider, path, {"approve": True}).status_code == 409
    manager = signed_in_client(desk.manager)
    assert manager.get(f"/api/v1/data-changes/{change['id']}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"field": "x"}, "field"),
        ({"member_id": 999999}, "member_id"),
        ({"document_id": 999999}, "document_id"),
        ({"grievance_id": 999999}, "grievance_id"),
        ({"new_value": "1990-13-45", "field": "birth_date"}, "new_value"),
        ({"reason": ""}, "reason"),
        ({"reason": None}, "reason"),
    ],
)
def test_bad_correction_is_a_readable_422(desk, overrides, loc):
    household = register(desk)
    client = signed_in_client(desk.caseworker)
    data = {
        "field": "phone",
        "member_id": household.head_id,
        "new_value": "+51 900 000 001",
        "reason": "r",
        **overrides,
    }
    response = post(client, f"/api/v1/households/{household.pk}/data-changes", data)
    assert response.status_code == 422, response.json()
    assert loc in {e["loc"][-1] for e in response.json()["errors"]}
