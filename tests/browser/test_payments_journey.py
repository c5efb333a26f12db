"""A payments officer takes a cycle from an approved target list to a reconciled cycle: the
plan is made, approved, authorized and released by three different people, a list is
downloaded, the provider's result file applied, and the dashboard shows the money."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from barrio.accounts.tests.factories import PASSWORD
from barrio.jobs.tests.worker import run_worker
from barrio.registry.models import Payment, PaymentPlan
from barrio.registry.tests.test_payment_plan_create import setup_plan
from barrio.registry.tests.test_target_list_create import cash  # noqa: F401 (fixture)
from tests.browser.conftest import serious_violations
from tests.browser.test_planning_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_payments_officer_reconciles_a_cycle(live_server, browser, cash):  # noqa: F811
    target, cycle = setup_plan(cash)
    base = live_server.url + "/registry/programmes/lima"
    # The officer makes the plan from the cycle's page, with the approved list.
    context, page = sign_in(browser, live_server, cash.officer, PASSWORD)
    page.goto(f"{base}/cycles/{cycle.pk}/")
    page.get_by_label("Lista de focalización aprobada").select_option(str(target.pk))
    page.get_by_role("button", name="Hacer un plan de pagos").click()
    expect(page.get_by_text("El plan de pagos está hecho; espera su aprobación.")).to_be_visible()
    expect(page.get_by_text("el hogar no tiene datos de pago: 1")).to_be_visible()
    assert serious_violations(page) == []
    plan_url = page.url
    # Who made it may not approve it: there is no such button for them.
    expect(page.get_by_role("button", name="Aprobar el plan")).to_have_count(0)
    context.close()
    # Three different people sign: a manager approves, two other officers authorize and release.
    for person, button, done in (
        (cash.manager, "Aprobar el plan", "Su firma quedó registrada."),
        (cash.officer2, "Autorizar el plan", "Su firma quedó registrada."),
    ):
        context, page = sign_in(browser, live_server, person, PASSWORD)
        page.goto(plan_url)
        page.get_by_role("button", name=button).click()
        expect(page.get_by_text(done)).to_be_visible()
        context.close()
    context, page = sign_in(browser, live_server, cash.officer3, PASSWORD)
    page.goto(plan_url)
    page.get_by_role("button", name="Liberar el plan y generar las listas de pagos").click()
    alert = page.get_by_role("alert").filter(has_text="Contraseña de las listas de pagos")
    expect(alert).to_be_visible()
    password = alert.locator("code").inner_text()
    assert len(password) == 16
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="xlsx").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # Shown once: the plan's page does not show it again.
    page.goto(plan_url)
    expect(page.get_by_text("Liberado por")).to_be_visible()
    expect(page.get_by_text(password)).to_have_count(0)
    # The provider's result file: one delivered, one failed.
    payments = list(Payment.objects.exclude(status="excluded").order_by("pk"))
    result = (
        "reference,delivered_amount,delivered_on,failure_reason\n"
        f"{payments[0].reference},250.00,2026-05-03,\n"
        f"{payments[1].reference},0,,Cuenta cerrada\n"
    )
    page.get_by_role("link", name="Conciliación").first.click()
    page.get_by_label("Archivo de resultados del proveedor (.xlsx o .csv)").set_input_files(
        {"name": "resultado.csv", "mimeType": "text/csv", "buffer": result.encode()}
    )
    page.get_by_role("button", name="Revisar y aplicar el archivo").click()
    # The file goes to a task worker; its job's page follows it.
    page.wait_for_url("**/jobs/**")
    run_worker()
    page.reload()
    expect(page.get_by_text("2 filas leídas, 2 pagos modificados.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Ver el resultado").click()
    expect(page.get_by_text("2 filas, 2 pagos modificados")).to_be_visible()
    page.get_by_role("link", name="Volver a la conciliación").click()
    expect(page.get_by_role("row", name="Todos").first).to_contain_text("250,00 PEN")
    assert serious_violations(page) == []
    # The same file again changes nothing.
    page.get_by_label("Archivo de resultados del proveedor (.xlsx o .csv)").set_input_files(
        {"name": "resultado.csv", "mimeType": "text/csv", "buffer": result.encode()}
    )
    page.get_by_role("button", name="Revisar y aplicar el archivo").click()
    page.wait_for_url("**/jobs/**")
    run_worker()
    page.reload()
    expect(page.get_by_text("2 filas leídas, 0 pagos modificados.")).to_be_visible()
    # A wrong file: every problem by row and column, nothing applied.
    page.goto(f"{base}/reconciliation/")
    wrong = (
        "reference,delivered_amount,delivered_on,failure_reason\n"
        f"P0-H0,1,2026-05-03,\n{payments[0].reference},abc,,\n"
    )
    page.get_by_label("Archivo de resultados del proveedor (.xlsx o .csv)").set_input_files(
        {"name": "malo.csv", "mimeType": "text/csv", "buffer": wrong.encode()}
    )
    page.get_by_role("button", name="Revisar y aplicar el archivo").click()
    page.wait_for_url("**/jobs/**")
    run_worker()
    page.goto(f"{base}/reconciliation/")
    page.get_by_role("link", name="malo.csv").click()
    expect(page.get_by_role("row", name="2 reference")).to_contain_text("Ningún pago")
    expect(page.get_by_role("row", name="3 delivered_amount")).to_be_visible()
    assert serious_violations(page) == []
    # The dashboard hides every row of fewer than five households: with two households in
    # all, the whole programme's total too (it would give the cities and groups away).
    page.get_by_role("link", name="Tablero de pagos").first.click()
    expect(page.get_by_role("heading", name="Tablero de pagos")).to_be_visible()
    expect(page.get_by_role("row", name="Todos los hogares")).to_contain_text("< 5")
    expect(page.get_by_text("< 5").first).to_be_visible()
    assert serious_violations(page) == []
    context.close()
    assert PaymentPlan.objects.get().status == PaymentPlan.Status.RELEASED
    assert Payment.objects.filter(status="delivered").count() == 1
