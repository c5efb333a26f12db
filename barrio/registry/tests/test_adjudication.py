"""Probable duplicates: exact pairs found, tasks opened once, decided once, payability."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry.models import AdjudicationTask, Household
from barrio.registry.selectors import adjudication_queue_for_user, household_payable
from barrio.registry.services import (
    adjudication_decide,
    exact_document_pairs,
    household_import,
)
from barrio.registry.tests.factories import build_desk, register
from barrio.registry.tests.importing import csv_bytes, two_households

pytestmark = pytest.mark.django_db


def imported_twice(desk):
    """The desk's household, and the same passport imported in another household."""
    first = register(desk)
    rows = two_households()
    rows[0]["document_number"] = "V12345678"
    household_import(
        actor=desk.caseworker,
        programme=desk.world.lima,
        content=csv_bytes(rows),
        file_name="f.csv",
        max_duplicate_share=1,
    )
    return first, Household.objects.get(external_id="H1")


def test_deduplicate_opens_tasks_once_and_reports_clusters(tmp_path):
    desk = build_desk()
    first, second = imported_twice(desk)
    pairs = exact_document_pairs(desk.world.lima)
    assert len(pairs) == 1
    assert pairs[0].probability == 1.0
    report = tmp_path / "clusters.csv"
    out = StringIO()
    call_command("deduplicate", "--programme", "lima", "--report", str(report), stdout=out)
    assert "1 new adjudication tasks" in out.getvalue()
    lines = report.read_text().splitlines()
    assert lines[0] == "record_id,cluster_id,match_probability"
    assert len(lines) == 3
    assert "Yusmary" not in report.read_text()
    call_command("deduplicate", "--programme", "lima", stdout=out)
    assert AdjudicationTask.objects.count() == 1
    assert not household_payable(first)
    assert not household_payable(second)


def test_decision_is_recorded_once_and_same_person_retires_the_newer_household():
    desk = build_desk()
    first, second = imported_twice(desk)
    call_command("deduplicate", "--programme", "lima", stdout=StringIO())
    task = AdjudicationTask.objects.get()
    with pytest.raises(PermissionDenied):
        adjudication_decide(actor=desk.manager, task=task, decision="same", reason="x")
    with pytest.raises(ValidationFailed):
        adjudication_decide(actor=desk.caseworker, task=task, decision="maybe", reason="")
    adjudication_decide(
        actor=desk.caseworker, task=task, decision="same", reason="Same passport and face."
    )
    with pytest.raises(Conflict):
        adjudication_decide(actor=desk.caseworker, task=task, decision="different", reason="x")
    first.refresh_from_db()
    second.refresh_from_db()
    assert household_payable(first)
    assert second.status == Household.Status.DUPLICATE
    assert not household_payable(second)
    call_command("deduplicate", "--programme", "lima", stdout=StringIO())
    assert AdjudicationTask.objects.count() == 1  # never asked again


def test_a_caseworker_of_a_province_sees_only_pairs_whose_two_records_lie_in_it():
    """Both households of a pair must be in the caseworker's units; one outside hides it."""
    desk = build_desk()
    _, second = imported_twice(desk)
    call_command("deduplicate", "--programme", "lima", stdout=StringIO())
    task = AdjudicationTask.objects.get()
    lima, province = desk.world.lima, desk.province_caseworker
    assert list(adjudication_queue_for_user(user=province, programme=lima)) == [task]
    Household.objects.filter(pk=second.pk).update(unit=desk.world.callao_district)
    assert list(adjudication_queue_for_user(user=province, programme=lima)) == []
    assert list(adjudication_queue_for_user(user=desk.caseworker, programme=lima)) == [task]


def test_queue_page_masks_until_shown_and_records_the_decision():
    desk = build_desk()
    imported_twice(desk)
    call_command("deduplicate", "--programme", "lima", stdout=StringIO())
    task = AdjudicationTask.objects.get()
    assert list(adjudication_queue_for_user(user=desk.caseworker, programme=desk.world.lima)) == [
        task
    ]
    client = signed_in_client(desk.caseworker)
    assert (
        f"/registry/duplicates/{task.pk}/"
        in client.get("/registry/programmes/lima/duplicates/").text
    )
    masked = client.get(f"/registry/duplicates/{task.pk}/")
    assert "Yusmary" not in masked.text
    shown = client.post(f"/registry/duplicates/{task.pk}/", {"action": "show"})
    assert "Yusmary" in shown.text
    client.post(
        f"/registry/duplicates/{task.pk}/",
        {"action": "decide", "decision": "different", "reason": "Otra fecha de nacimiento."},
    )
    task.refresh_from_db()
    assert (task.status, task.decision, task.decided_by) == (
        "decided",
        "different",
        desk.caseworker,
    )
    assert signed_in_client(desk.manager).get(f"/registry/duplicates/{task.pk}/").status_code == 404
