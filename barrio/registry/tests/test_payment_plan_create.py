"""Payment plans: entitlements, exclusions with reasons, budget, three sign-offs, files."""

from __future__ import annotations

import csv
import datetime as dt
import io

import msoffcrypto
import openpyxl
import pytest
import pyzipper
from auditlog.models import LogEntry

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry.models import (
    AdjudicationTask,
    Household,
    Payment,
    PaymentFile,
    PaymentPlan,
    TargetList,
)
from barrio.registry.services.cycles import cash_budget_set, cycle_create
from barrio.registry.services.eligibility import (
    eligibility_rule_save,
    target_list_approve,
    target_list_create,
)
from barrio.registry.services.payments import (
    delivery_account_set,
    payment_file_open,
    payment_plan_approve,
    payment_plan_authorize,
    payment_plan_create,
    payment_plan_release,
)
from barrio.registry.tests.test_target_list_create import cash  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

RULE = {"conditions": [{"field": "size", "op": "gte", "value": 2}]}
FORMULA = {"currency": "PEN", "base_cents": 20_000, "per_child_cents": 5_000}


def households():
    return list(Household.objects.order_by("pk"))


def setup_plan(desk, *, budget_cents=100_000, formula=FORMULA, accounts=True):
    """An approved list (the three households of 2+ members), a cycle, payment details."""
    desk.officer2 = make_user("pagos2@lima.pe")
    grant(desk.officer2, Role.PAYMENTS_OFFICER, desk.world.lima)
    desk.officer3 = make_user("pagos3@lima.pe")
    grant(desk.officer3, Role.PAYMENTS_OFFICER, desk.world.lima)
    lima = desk.world.lima
    rule = eligibility_rule_save(actor=desk.officer, programme=lima, name="r", definition=RULE)
    target = target_list_approve(
        actor=desk.manager, target_list=target_list_create(actor=desk.officer, rule=rule)
    )
    cash_budget_set(actor=desk.manager, programme=lima, currency="PEN", total_cents=10**9)
    cycle = cycle_create(
        actor=desk.manager,
        programme=lima,
        name="Mayo",
        starts_on=dt.date.today(),
        ends_on=dt.date.today() + dt.timedelta(days=30),
        budget_cents=budget_cents,
        formula=formula,
    )
    h1, h2, _h3, _h4 = households()
    if accounts:
        delivery_account_set(
            actor=desk.caseworker, household=h1, provider="yape", details={"phone": "987654321"}
        )
        delivery_account_set(
            actor=desk.caseworker, household=h2, provider="plin", details={"phone": "912 345 678"}
        )
    return target, cycle


def test_a_plan_pays_each_entitlement_and_says_who_is_left_out(cash):  # noqa: F811
    target, cycle = setup_plan(cash)
    plan = payment_plan_create(actor=cash.officer, cycle=cycle, target_list=target)
    h1, h2, h3, _h4 = households()
    payments = {p.household_id: p for p in Payment.objects.filter(plan=plan)}
    assert payments[h1.pk].amount_cents == 25_000  # 200 + 50 for one child
    assert payments[h2.pk].amount_cents == 30_000  # two children
    assert payments[h3.pk].status == Payment.Status.EXCLUDED
    assert payments[h3.pk].excluded_reason == "no_payment_details"
    assert (plan.total_cents, plan.payment_count, plan.excluded_count) == (55_000, 2, 1)


def test_three_different_people_sign_and_the_lists_are_encrypted(cash):  # noqa: F811
    target, cycle = setup_plan(cash)
    plan = payment_plan_create(actor=cash.officer, cycle=cycle, target_list=target)
    with pytest.raises(Conflict) as error:
        payment_plan_authorize(actor=cash.officer2, plan=plan)  # not approved yet
    assert error.value.code == "wrong_status"
    with pytest.raises(PermissionDenied):
        payment_plan_approve(actor=cash.officer2, plan=plan)
    payment_plan_approve(actor=cash.manager, plan=plan)
    with pytest.raises(PermissionDenied):
        payment_plan_authorize(actor=cash.manager, plan=plan)
    payment_plan_authorize(actor=cash.officer2, plan=plan)
    with pytest.raises(Conflict) as error:
        payment_plan_release(actor=cash.officer2, plan=plan)
    assert error.value.code == "three_people"
    assert not PaymentFile.objects.exists()
    released, password = payment_plan_release(actor=cash.officer3, plan=plan)
    assert released.status == PaymentPlan.Status.RELEASED
    assert len(password) >= 16
    files = {f.file_name.rsplit("-", 1)[0] + f.file_name[-4:]: f for f in PaymentFile.objects.all()}
    assert len(files) == 4  # yape and plin, XLSX and CSV each
    xlsx = next(
        f for f in PaymentFile.objects.filter(provider="yape") if f.file_name.endswith(".xlsx")
    )
    data = payment_file_open(actor=cash.officer, file=xlsx)
    with pytest.raises(Exception):  # noqa: B017, PT011 (no password, no workbook)
        openpyxl.load_workbook(io.BytesIO(data))
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
    rows = list(openpyxl.load_workbook(plain).active.values)
    assert rows[0][0] == "referencia"
    assert rows[1][-2:] == ("250.00", "PEN")
    assert rows[1][2] == "Carlos"
    archive = next(
        f for f in PaymentFile.objects.filter(provider="plin") if f.file_name.endswith(".zip")
    )
    with pyzipper.AESZipFile(io.BytesIO(bytes(archive.content))) as zipped:
        with pytest.raises(RuntimeError):
            zipped.read(zipped.namelist()[0])
        zipped.setpassword(password.encode())
        text = zipped.read(zipped.namelist()[0]).decode()
    assert list(csv.reader(io.StringIO(text)))[1][-2:] == ["300.00", "PEN"]
    assert set(Payment.objects.filter(plan=plan).values_list("status", flat=True)) == {
        "sent",
        "excluded",
    }
    with pytest.raises(Conflict) as error:
        payment_plan_release(actor=cash.officer3, plan=plan)
    assert error.value.code == "already_released"
    assert PaymentFile.objects.count() == 4
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(xlsx.pk)).exists()
    with pytest.raises(PermissionDenied):
        payment_file_open(actor=cash.manager, file=xlsx)


def test_a_plan_over_the_cycle_budget_is_refused_and_nothing_saved(cash):  # noqa: F811
    target, cycle = setup_plan(cash, budget_cents=54_999)
    with pytest.raises(Conflict) as error:
        payment_plan_create(actor=cash.officer, cycle=cycle, target_list=target)
    assert error.value.code == "budget_exceeded"
    assert not PaymentPlan.objects.exists()
    assert not Payment.objects.exists()


def test_a_formula_dividing_by_zero_names_the_formula_and_saves_nothing(cash):  # noqa: F811
    formula = {**FORMULA, "expression": "100 / (members - children - 1)"}
    target, cycle = setup_plan(cash, formula=formula)
    with pytest.raises(ValidationFailed) as error:
        payment_plan_create(actor=cash.officer, cycle=cycle, target_list=target)
    assert "100 / (members - children - 1)" in str(error.value.errors[0].msg)
    assert not Payment.objects.exists()


def test_open_duplicates_are_left_out_and_nobody_is_paid_twice_in_a_cycle(cash):  # noqa: F811
    target, cycle = setup_plan(cash)
    h1, h2, _h3, h4 = households()
    AdjudicationTask.objects.create(
        programme=cash.world.lima,
        member_low=h2.members.first(),
        member_high=h4.members.first(),
        probability=0.95,
        rule="matcher",
    )
    first = payment_plan_create(actor=cash.officer, cycle=cycle, target_list=target)
    reasons = dict(
        Payment.objects.filter(plan=first).values_list("household_id", "excluded_reason")
    )
    assert reasons[h2.pk] == "open_duplicate"
    assert first.total_cents == 25_000
    # The pair is decided; a second plan of the same cycle pays h2, and h1 not again.
    AdjudicationTask.objects.update(status=AdjudicationTask.Status.DECIDED)
    second = payment_plan_create(actor=cash.officer, cycle=cycle, target_list=target)
    paid = Payment.objects.filter(plan=second).exclude(status="excluded")
    assert list(paid.values_list("household_id", flat=True)) == [h2.pk]
    assert Payment.objects.filter(household=h1).exclude(status="excluded").count() == 1


def test_only_an_approved_list_is_paid_by_a_payments_officer(cash):  # noqa: F811
    target, cycle = setup_plan(cash)
    draft = target_list_create(actor=cash.officer, rule=target.rule)
    with pytest.raises(Conflict) as error:
        payment_plan_create(actor=cash.officer, cycle=cycle, target_list=draft)
    assert error.value.code == "not_approved"
    for actor in (cash.manager, cash.caseworker, cash.quito_caseworker):
        with pytest.raises(PermissionDenied):
            payment_plan_create(actor=actor, cycle=cycle, target_list=target)
    assert not PaymentPlan.objects.exists()
    assert TargetList.objects.count() == 2


@pytest.mark.parametrize(
    ("provider", "details", "loc"),
    [
        ("yape", {"phone": "12345"}, ("details", "phone")),
        ("nequi", {"phone": "987654321"}, ("details", "phone")),
        ("bcp", {"account_number": "1912345678901"}, ("details", "cci")),
        ("paypal", {}, ("provider",)),
    ],
)
def test_bad_payment_details_are_refused(cash, provider, details, loc):  # noqa: F811
    household = households()[0]
    with pytest.raises(ValidationFailed) as error:
        delivery_account_set(
            actor=cash.caseworker, household=household, provider=provider, details=details
        )
    assert error.value.errors[0].loc == loc
    assert not hasattr(Household.objects.get(pk=household.pk), "delivery_account")
