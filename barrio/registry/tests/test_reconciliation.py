"""Reconciliation: result files checked whole, applied once, sums to the cent; verification."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry.models import Payment, ReconciliationImport, VerificationContact
from barrio.registry.payments_dashboard import MoneyRow, dashboard_svg, payments_dashboard
from barrio.registry.services.payments import (
    payment_plan_approve,
    payment_plan_authorize,
    payment_plan_create,
    payment_plan_release,
)
from barrio.registry.services.reconciliation import (
    reconciliation_import,
    reconciliation_totals,
    verification_draw,
    verification_record,
)
from barrio.registry.tests.test_payment_plan_create import households, setup_plan
from barrio.registry.tests.test_target_list_create import cash  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

HEADER = "reference,delivered_amount,delivered_on,failure_reason,currency\n"


def released(desk):
    """A released plan paying h1 (250.00 PEN) and h2 (300.00 PEN); their references."""
    target, cycle = setup_plan(desk)
    plan = payment_plan_create(actor=desk.officer, cycle=cycle, target_list=target)
    payment_plan_approve(actor=desk.manager, plan=plan)
    payment_plan_authorize(actor=desk.officer2, plan=plan)
    payment_plan_release(actor=desk.officer3, plan=plan)
    h1, h2, _h3, _h4 = households()
    return plan, cycle, f"P{plan.pk}-H{h1.pk}", f"P{plan.pk}-H{h2.pk}"


def state():
    return sorted(
        Payment.objects.values_list(
            "reference", "status", "delivered_cents", "delivered_on", "failure_reason"
        )
    )


def apply(desk, text, name="resultado.csv"):
    return reconciliation_import(
        actor=desk.officer, programme=desk.world.lima, file_name=name, content=text.encode()
    )


def test_a_result_file_is_applied_once_and_the_sums_hold_to_the_cent(cash):  # noqa: F811
    _plan, cycle, r1, r2 = released(cash)
    text = HEADER + f"{r1},250,2026-05-03,,PEN\n{r2},0,,cuenta cerrada,PEN\n"
    first = apply(cash, text)
    assert (first.row_count, first.changed_count) == (2, 2)
    paid = Payment.objects.get(reference=r1)
    assert (paid.status, paid.delivered_cents) == ("delivered", 25_000)
    failed = Payment.objects.get(reference=r2)
    assert (failed.status, failed.failure_reason) == ("failed", "cuenta cerrada")
    before = state()
    again = apply(cash, text)
    assert again.pk == first.pk
    assert state() == before
    assert ReconciliationImport.objects.count() == 1
    sums = reconciliation_totals(cash.world.lima)
    (whole,) = sums["programme"]
    assert (whole.entitled, whole.delivered, whole.undelivered) == (55_000, 25_000, 30_000)
    (by_cycle,) = sums["cycle"]
    assert by_cycle.group == cycle.name
    for rows in sums.values():
        for row in rows:
            assert row.entitled == row.delivered + row.undelivered


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("P999-H1,1,,,PEN", "reference", "No payment"),
        ("{r1},250.01,2026-05-03,,PEN", "delivered_amount", "more than the entitlement"),
        ("{r1},250,2026-05-03,,USD", "currency", "currency"),
        ("{r1},0,,,PEN", "failure_reason", "reason"),
        ("{r1},abc,,,PEN", "delivered_amount", "amount"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_applied(cash, row, column, words):  # noqa: F811
    _plan, _cycle, r1, r2 = released(cash)
    before = state()
    text = HEADER + f"{r2},300,2026-05-03,,PEN\n" + row.format(r1=r1) + "\n"
    with translation.override("en"):
        with pytest.raises(ValidationFailed) as error:
            apply(cash, text)
        (problem,) = error.value.errors
        assert problem.loc == ("row", 3, column)
        assert words.lower() in str(problem.msg).lower()
    assert state() == before
    assert not ReconciliationImport.objects.exists()


def test_a_different_result_for_a_reconciled_payment_is_refused(cash):  # noqa: F811
    _plan, _cycle, r1, _r2 = released(cash)
    apply(cash, HEADER + f"{r1},250,2026-05-03,,PEN\n")
    before = state()
    with pytest.raises(ValidationFailed):
        apply(cash, HEADER + f"{r1},100,2026-05-03,,PEN\n", name="otro.csv")
    assert state() == before


def test_a_workbook_is_read_and_a_file_without_the_columns_refused(cash):  # noqa: F811
    _plan, _cycle, r1, r2 = released(cash)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["reference", "delivered_amount", "delivered_on", "failure_reason"])
    sheet.append([r1, 125.5, "2026-05-04", ""])
    sheet.append([r2, 300, "2026-05-04", ""])
    out = io.BytesIO()
    book.save(out)
    done = reconciliation_import(
        actor=cash.officer, programme=cash.world.lima, file_name="r.xlsx", content=out.getvalue()
    )
    assert done.changed_count == 2
    assert Payment.objects.get(reference=r1).delivered_cents == 12_550
    with pytest.raises(ValidationFailed) as error:
        apply(cash, "reference,monto\nx,1\n", name="malo.csv")
    assert error.value.errors[0].loc == ("row", 1, "delivered_amount")


def test_only_payments_officers_reconcile(cash):  # noqa: F811
    _plan, _cycle, r1, _r2 = released(cash)
    for actor in (cash.manager, cash.caseworker):
        with pytest.raises(PermissionDenied):
            reconciliation_import(
                actor=actor,
                programme=cash.world.lima,
                file_name="r.csv",
                content=(HEADER + f"{r1},250,,,\n").encode(),
            )
    assert Payment.objects.filter(status="delivered").count() == 0


def test_a_seeded_sample_of_paid_households_is_drawn_and_answers_recorded(cash):  # noqa: F811
    _plan, cycle, r1, r2 = released(cash)
    with pytest.raises(Conflict):
        verification_draw(actor=cash.officer, cycle=cycle, size=1, seed=7)
    apply(cash, HEADER + f"{r1},250,2026-05-03,,\n{r2},300,2026-05-03,,\n")
    first = verification_draw(actor=cash.officer, cycle=cycle, size=1, seed=7)
    second = verification_draw(actor=cash.officer2, cycle=cycle, size=1, seed=7)
    picked = [
        list(v.contacts.values_list("payment__reference", flat=True)) for v in (first, second)
    ]
    assert picked[0] == picked[1]
    assert (first.size, first.population) == (1, 2)
    contact = first.contacts.get()
    with pytest.raises(ValidationFailed):
        verification_record(actor=cash.officer, contact=contact, answer="maybe")
    verification_record(actor=cash.officer, contact=contact, answer="received", note="Llamada.")
    contact.refresh_from_db()
    assert contact.answer == VerificationContact.Answer.RECEIVED
    with pytest.raises(PermissionDenied):
        verification_record(actor=cash.caseworker, contact=contact, answer="not_received")


def test_the_pages_and_the_api_report_rows_and_record_answers(cash):  # noqa: F811
    _plan, cycle, r1, r2 = released(cash)
    officer = signed_in_client(cash.officer)
    # The page hands the file to a task worker (test_reconciliation_jobs.py).
    sent = officer.post(
        "/registry/programmes/lima/reconciliation/",
        {"file": SimpleUploadedFile("r.csv", (HEADER + "P0-H0,1,,,\n").encode())},
    )
    assert sent.status_code == 302
    assert sent["Location"].startswith("/jobs/")
    good_text = HEADER + f"{r1},250,2026-05-03,,\n{r2},300,2026-05-03,,\n"
    api = officer.post(
        "/api/v1/programmes/lima/reconciliation-imports",
        {"file": SimpleUploadedFile("r.csv", good_text.encode())},
    )
    assert api.status_code == 201, api.content
    assert api.json()["changed_count"] == 2
    refused = officer.post(
        "/api/v1/programmes/lima/reconciliation-imports",
        {"file": SimpleUploadedFile("r2.csv", (HEADER + f"{r1},999,,,\n").encode())},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"][-2:] == [2, "delivered_amount"]
    sums = officer.get("/api/v1/programmes/lima/reconciliation").json()
    assert sums["programme"][0]["delivered_cents"] == 55_000
    page = signed_in_client(cash.manager).get("/registry/programmes/lima/reconciliation/")
    assert page.status_code == 200
    assert page.context["form"] is None
    drawn = officer.post(
        f"/api/v1/programmes/lima/cycles/{cycle.pk}/verifications",
        {"size": 2, "seed": 3},
        content_type="application/json",
    )
    assert drawn.status_code == 201
    body = drawn.json()
    contact = body["contacts"][0]["id"]
    answered = officer.post(
        f"/api/v1/programmes/lima/verifications/{body['id']}/contacts/{contact}",
        {"answer": "received_less", "note": "Recibió 200."},
        content_type="application/json",
    )
    assert answered.json()["contacts"][0]["answer"] == "received_less"
    url = f"/registry/programmes/lima/verifications/{body['id']}/"
    officer.post(url, {"contact": body["contacts"][1]["id"], "answer": "unreachable"})
    assert VerificationContact.objects.filter(answer="unreachable").count() == 1
    made = officer.post(
        f"/registry/programmes/lima/cycles/{cycle.pk}/verification/", {"size": 1, "seed": 1}
    )
    assert made.status_code == 302


def test_the_dashboard_shows_money_by_city_and_group_and_hides_small_rows(cash):  # noqa: F811
    _plan, _cycle, r1, r2 = released(cash)
    apply(cash, HEADER + f"{r1},250,2026-05-03,,\n{r2},0,,cuenta cerrada,\n")
    (total,) = [r for r in payments_dashboard(cash.world.lima, small=1) if r.dimension == "total"]
    assert (total.households, total.planned, total.released, total.delivered) == (
        2,
        55_000,
        55_000,
        25_000,
    )
    # Two households in all: every row, the total too, is under five and hidden.
    rows = payments_dashboard(cash.world.lima)
    assert {r.dimension for r in rows} == {"city", "group", "total"}
    assert all(r.suppressed and r.planned is None and r.hidden == "small" for r in rows)
    client = signed_in_client(cash.manager)
    page = client.get("/registry/programmes/lima/payments-dashboard/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "&lt; 5" in text
    assert "<svg" not in text  # no city has five households: nothing drawn
    exported = client.get("/registry/programmes/lima/payments-dashboard/?format=csv")
    lines = exported.content.decode().splitlines()
    assert lines[0] == "dimension,name,currency,households,planned,released,delivered"
    assert len(lines) == 1 + len(rows)
    assert all(line.endswith(",<5,,,") for line in lines[1:])
    assert (
        signed_in_client(cash.caseworker)
        .get("/registry/programmes/lima/payments-dashboard/")
        .status_code
        == 403
    )


def test_the_chart_draws_cities_of_five_households_or_more():
    rows = [
        MoneyRow("city", "Lima <1>", "PEN", 6, 10_000, 5_000, 2_500),
        MoneyRow("city", "Callao", "PEN", None, None, None, None),
        MoneyRow("group", "Migrant", "PEN", 6, 10_000, 5_000, 2_500),
    ]
    svg = dashboard_svg(rows)
    assert svg.startswith("<svg")
    assert "Lima &lt;1&gt;" in svg
    assert "Callao" not in svg
    assert 'width="360"' in svg
    assert 'width="180"' in svg
    assert 'width="90"' in svg
