"""Payment plans in the pages and the API: made, signed three times, password once, files."""

from __future__ import annotations

import io

import msoffcrypto
import openpyxl
import pytest
from auditlog.models import LogEntry
from django.db import connection

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.models import DeliveryAccount, Household, PaymentFile, PaymentPlan
from barrio.registry.tests.test_payment_plan_create import setup_plan
from barrio.registry.tests.test_target_list_create import cash  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_pages_take_a_plan_from_a_cycle_to_its_encrypted_lists(cash):  # noqa: F811
    target, cycle = setup_plan(cash)
    officer = signed_in_client(cash.officer)
    cycle_page = officer.get(f"/registry/programmes/lima/cycles/{cycle.pk}/").content.decode()
    assert 'name="target_list"' in cycle_page
    made = officer.post(
        f"/registry/programmes/lima/cycles/{cycle.pk}/plans/new/", {"target_list": target.pk}
    )
    plan = PaymentPlan.objects.get()
    url = f"/registry/programmes/lima/payment-plans/{plan.pk}/"
    assert made["Location"] == url
    text = officer.get(url).content.decode()
    assert "no payment details" in text or "no tiene datos de pago" in text
    signed_in_client(cash.manager).post(url, {"step": "approve"})
    signed_in_client(cash.officer2).post(url, {"step": "authorize"})
    releaser = signed_in_client(cash.officer3)
    released = releaser.post(url, {"step": "release"})
    assert released.status_code == 200
    assert released["Cache-Control"] == "no-store"
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.RELEASED
    password = released.context["password"]
    assert password in released.content.decode()
    assert password not in releaser.get(url).content.decode()
    again = releaser.post(url, {"step": "release"})
    assert again.status_code == 302
    assert PaymentFile.objects.count() == 4
    xlsx = PaymentFile.objects.filter(file_name__endswith=".xlsx").first()
    download = officer.get(f"/registry/programmes/lima/payment-files/{xlsx.pk}/")
    assert download.status_code == 200
    office = msoffcrypto.OfficeFile(io.BytesIO(download.content))
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
    assert openpyxl.load_workbook(plain).active.max_row == 2
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(xlsx.pk)).exists()
    manager = signed_in_client(cash.manager)
    assert manager.get(f"/registry/programmes/lima/payment-files/{xlsx.pk}/").status_code == 403


def test_the_api_signs_by_three_people_and_answers_the_password_once(cash):  # noqa: F811
    target, cycle = setup_plan(cash)
    base = "/api/v1/programmes/lima"
    officer = signed_in_client(cash.officer)
    made = officer.post(
        f"{base}/cycles/{cycle.pk}/payment-plans",
        {"target_list_id": target.pk},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    plan = made.json()
    assert (plan["total_cents"], plan["payment_count"], plan["excluded_count"]) == (55_000, 2, 1)
    assert plan["left_out"][0]["count"] == 1
    path = f"{base}/payment-plans/{plan['id']}"
    # The maker may not approve; a manager may; nobody signs twice.
    assert officer.post(f"{path}/approve").status_code == 403
    manager = signed_in_client(cash.manager)
    assert manager.post(f"{path}/approve").json()["status"] == "approved"
    second = signed_in_client(cash.officer2)
    assert second.post(f"{path}/authorize").status_code == 200
    refused = second.post(f"{path}/release")
    assert refused.status_code == 409
    assert refused.json()["code"] == "three_people"
    released = signed_in_client(cash.officer3).post(f"{path}/release")
    assert released.status_code == 200
    body = released.json()
    assert len(body["password"]) == 16
    assert len(body["files"]) == 4
    assert "password" not in officer.get(path).json()
    assert signed_in_client(cash.officer3).post(f"{path}/release").status_code == 409
    file_id = body["files"][0]["id"]
    assert officer.get(f"{base}/payment-files/{file_id}").status_code == 200
    assert signed_in_client(cash.caseworker).get(path).status_code == 403
    assert signed_in_client(cash.quito_caseworker).get(path).status_code in {403, 404}


def test_payment_details_are_checked_and_kept_encrypted(cash):  # noqa: F811
    household = Household.objects.order_by("pk").first()
    client = signed_in_client(cash.caseworker)
    url = f"/api/v1/households/{household.pk}/delivery-account"
    bad = client.put(
        url, {"provider": "nequi", "details": {"phone": "987"}}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][-1] == "phone"
    assert not DeliveryAccount.objects.exists()
    good = client.put(
        url,
        {"provider": "nequi", "details": {"phone": "310 123 4567"}},
        content_type="application/json",
    )
    assert good.status_code == 200
    assert "phone" not in good.json()
    account = DeliveryAccount.objects.get()
    assert account.mechanism == "mobile_wallet"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT details FROM {DeliveryAccount._meta.db_table}")  # noqa: S608
        stored = str(cursor.fetchone()[0])
    assert "3101234567" not in stored
    assert '"phone": "3101234567"' in account.details
    page = client.post(
        f"/registry/households/{household.pk}/payment-details/",
        {"provider": "bcp", "account_number": "1912345678901"},
    )
    assert page.status_code == 200
    assert 'role="alert"' in page.content.decode()
    account.refresh_from_db()
    assert account.provider == "nequi"
    assert signed_in_client(cash.officer).put(
        url,
        {"provider": "yape", "details": {"phone": "987654321"}},
        content_type="application/json",
    ).status_code in {403, 404}


def test_the_household_page_and_its_payment_details_link_to_each_other(cash):  # noqa: F811
    """Who records payment details reaches them from the household, and goes back; others
    see the household without the link."""
    household = Household.objects.order_by("pk").first()
    page = f"/registry/households/{household.pk}/"
    details = f"/registry/households/{household.pk}/payment-details/"
    caseworker = signed_in_client(cash.caseworker)
    assert f'href="{details}"' in caseworker.get(page).content.decode()
    assert f'href="{page}"' in caseworker.get(details).content.decode()
    officer = signed_in_client(cash.officer)
    seen = officer.get(page)
    assert seen.status_code == 200
    assert f'href="{details}"' not in seen.content.decode()
    assert officer.get(details).status_code == 403
