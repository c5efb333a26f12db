"""The probable-duplicate API: the caseworker's queue, masked pairs, audited unmasking, one
decision per pair, and bad input answered with a readable 4xx."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import Client

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.models import AdjudicationTask, Household
from barrio.registry.tests.factories import build_desk
from barrio.registry.tests.test_adjudication import imported_twice

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    desk = build_desk()
    first, second = imported_twice(desk)
    call_command("deduplicate", "--programme", "lima", verbosity=0)
    return desk, first, second, AdjudicationTask.objects.get()


def test_caseworker_lists_reads_masked_unmasks_with_audit_and_decides(pair):
    desk, first, second, task = pair
    client = signed_in_client(desk.caseworker)
    listed = client.get("/api/v1/programmes/lima/duplicates").json()
    assert [(t["id"], sorted(t["household_ids"])) for t in listed] == [
        (task.pk, sorted([first.pk, second.pk]))
    ]
    masked = client.get(f"/api/v1/duplicates/{task.pk}").json()
    assert masked["unmasked"] is False
    assert {r["given_names"] for r in masked["records"]} == {None}
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    shown = client.get(f"/api/v1/duplicates/{task.pk}?unmask=true").json()
    assert shown["unmasked"] is True
    assert None not in {r["given_names"] for r in shown["records"]}
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() > reads

    decided = client.post(
        f"/api/v1/duplicates/{task.pk}/decision",
        {"decision": "same", "reason": "Mismo pasaporte y fecha de nacimiento."},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "decided"
    second.refresh_from_db()
    assert second.status == Household.Status.DUPLICATE
    assert client.get("/api/v1/programmes/lima/duplicates").json() == []
    assert [
        t["id"] for t in client.get("/api/v1/programmes/lima/duplicates?status=decided").json()
    ] == [task.pk]
    again = client.post(
        f"/api/v1/duplicates/{task.pk}/decision",
        {"decision": "different", "reason": "Otra vez."},
        content_type="application/json",
    )
    assert again.status_code == 409
    task.refresh_from_db()
    assert task.decision == "same"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"decision": "maybe", "reason": "No sé."}, 422, "decision"),
        ({"decision": "same", "reason": "   "}, 422, "reason"),
        ({"decision": "same"}, 422, "reason"),
        ({"decision": "x" * 50, "reason": "y"}, 422, "decision"),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(pair, body, status, field):
    desk, _first, _second, task = pair
    client = signed_in_client(desk.caseworker)
    answer = client.post(
        f"/api/v1/duplicates/{task.pk}/decision", body, content_type="application/json"
    )
    assert answer.status_code == status
    assert field in {str(part) for error in answer.json()["errors"] for part in error["loc"]}
    task.refresh_from_db()
    assert task.status == AdjudicationTask.Status.OPEN


def test_others_cannot_see_or_decide(pair):
    desk, *_rest, task = pair
    manager = signed_in_client(desk.manager)
    assert manager.get("/api/v1/programmes/lima/duplicates").status_code == 403
    assert manager.get(f"/api/v1/duplicates/{task.pk}").status_code == 404
    refused = manager.post(
        f"/api/v1/duplicates/{task.pk}/decision",
        {"decision": "same", "reason": "r"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    quito = signed_in_client(desk.quito_caseworker)
    # Another programme's caseworker is not told that this programme's queue exists.
    assert quito.get("/api/v1/programmes/lima/duplicates").status_code == 404
    assert quito.get(f"/api/v1/duplicates/{task.pk}").status_code == 404
    assert Client().get("/api/v1/programmes/lima/duplicates").status_code == 401
    task.refresh_from_db()
    assert task.status == AdjudicationTask.Status.OPEN
