"""The calls API: public reads, the manager's writes, bad input in the one error shape."""

from __future__ import annotations

import pytest
from django.test import Client

from barrio.participation.models import Call
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.test_pages import client_for

pytestmark = pytest.mark.django_db

BODY = {
    "slug": "pcmb-2027",
    "title": "Convocatoria 2027",
    "submission_opens_at": "2027-02-01T09:00:00",
    "submission_closes_at": "2027-03-31T23:59:00",
    "review_closes_at": "2027-04-30T23:59:00",
    "assemblies_close_at": "2027-05-31T23:59:00",
    "results_at": "2027-06-15T12:00:00-06:00",
    "max_project_cents": 150_000_000,
    "total_cents": 900_000_000,
    "kinds": ["park"],
    "criteria": [{"code": "impact", "name": "Impacto social", "weight": 2, "scale_max": 5}],
}


def body(world, **changes):
    return {**BODY, "unit_ids": [world.group.unit_id], **changes}


def test_the_public_lists_and_reads_published_calls() -> None:
    world = build_world()
    listed = Client().get(f"/api/v1/programmes/{world.programme.slug}/calls")
    assert listed.status_code == 200
    call = listed.json()[0]
    assert (call["open_step"], call["currency"], call["time_zone"]) == (
        "submission",
        "MXN",
        "America/Mexico_City",
    )
    assert [c["code"] for c in call["criteria"]] == ["feasibility", "impact"]
    assert Client().get(f"/api/v1/calls/{world.call.pk}").json()["id"] == world.call.pk


def test_the_manager_writes_changes_and_publishes_a_call() -> None:
    world = build_world()
    manager = client_for(world.manager)
    made = manager.post(
        f"/api/v1/programmes/{world.programme.slug}/calls",
        body(world),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    call = made.json()
    assert call["status"] == "draft"
    # A date without offset is Mexico City's wall clock: 23:59 there, -06:00.
    assert call["submission_closes_at"].startswith("2027-03-31T23:59:00-06:00")
    changed = manager.put(
        f"/api/v1/calls/{call['id']}", body(world, title="Otra"), content_type="application/json"
    )
    assert changed.json()["title"] == "Otra"
    published = manager.post(f"/api/v1/calls/{call['id']}/publish")
    assert published.json()["status"] == "published"
    again = manager.post(f"/api/v1/calls/{call['id']}/publish")
    assert (again.status_code, again.json()["code"]) == (409, "call_not_draft")


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"total_cents": 1}, ["body", "payload", "total_cents"]),
        ({"kinds": ["castle"]}, ["body", "payload", "kinds"]),
        ({"review_closes_at": "2027-01-01T00:00:00"}, ["body", "payload", "review_closes_at"]),
        ({"max_project_cents": -1}, ["body", "payload", "max_project_cents"]),
        ({"submission_opens_at": "yesterday"}, ["body", "payload", "submission_opens_at"]),
        ({"unit_ids": [999999]}, ["body", "payload", "unit_ids"]),
    ],
)
def test_bad_input_is_a_readable_422_and_nothing_is_saved(changes, loc) -> None:
    world = build_world()
    response = client_for(world.manager).post(
        f"/api/v1/programmes/{world.programme.slug}/calls",
        body(world, **changes),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    error = response.json()
    assert set(error) == {"code", "message", "errors"}
    assert loc in [e["loc"] for e in error["errors"]]
    assert Call.objects.count() == 1


@pytest.mark.parametrize("who", ["team", "reviewer", "representative", "auditor"])
def test_only_the_manager_writes_calls(who) -> None:
    world = build_world()
    client = client_for(getattr(world, who))
    url = f"/api/v1/programmes/{world.programme.slug}/calls"
    assert client.post(url, body(world), content_type="application/json").status_code == 403
    assert client.post(f"/api/v1/calls/{world.call.pk}/publish").status_code in {403, 409}
    assert Client().post(url, body(world), content_type="application/json").status_code == 401


def test_a_draft_call_is_hidden_from_the_public() -> None:
    world = build_world()
    Call.objects.filter(pk=world.call.pk).update(status=Call.Status.DRAFT)
    assert Client().get(f"/api/v1/calls/{world.call.pk}").status_code == 404
    assert client_for(world.representative).get(f"/api/v1/calls/{world.call.pk}").status_code == 404
    assert client_for(world.auditor).get(f"/api/v1/calls/{world.call.pk}").status_code == 200
