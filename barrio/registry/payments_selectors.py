"""Read queries of cash assistance, each for staff who may see it over the whole programme.

Rules, target lists, cycles and payment plans are read by the programme's managers,
payments officers and auditors (``cash.view``); nobody else learns they exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, may
from barrio.errors import NotFound
from barrio.money import format_cents
from barrio.registry.models import (
    CashBudget,
    Cycle,
    EligibilityRule,
    ExchangeRate,
    Household,
    Payment,
    PaymentFile,
    PaymentPlan,
    ReconciliationImport,
    TargetList,
    TargetListEntry,
    Verification,
)
from barrio.registry.models.plans import EXCLUSION_REASONS
from barrio.registry.payments_explain import explain_entry

if TYPE_CHECKING:
    from barrio.accounts.models import Programme


def may_see_cash(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` reads the cash assistance of ``programme``."""
    return may(user, Action.CASH_VIEW, programme=programme)


def may_record_payment_details(user: User | AnonymousUser, household: Household) -> bool:
    """Tell whether ``user`` sees and records how ``household`` is paid (its payment details)."""
    return may(
        user, Action.PERSONAL_DATA_CHANGE, programme=household.programme, unit=household.unit
    )


def eligibility_rule_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[EligibilityRule]:
    """Every version of every rule of ``programme`` (none for who may not see them)."""
    if not may_see_cash(user, programme):
        return EligibilityRule.objects.none()
    return EligibilityRule.objects.filter(programme=programme).select_related(
        "created_by", "targeting_run"
    )


def eligibility_rule_get_for_user(
    *, user: User | AnonymousUser, programme: Programme, rule_id: int
) -> EligibilityRule:
    """One rule version; :class:`NotFound` if it is not there or not for this user."""
    rule = eligibility_rule_list_for_user(user=user, programme=programme).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule


def target_list_list_for_user(
    *, user: User | AnonymousUser, programme: Programme, approved: bool = False
) -> QuerySet[TargetList]:
    """The target lists of ``programme``, newest first (only approved ones if asked)."""
    if not may_see_cash(user, programme):
        return TargetList.objects.none()
    lists = TargetList.objects.filter(programme=programme).select_related(
        "rule", "created_by", "approved_by"
    )
    if approved:
        lists = lists.filter(status=TargetList.Status.APPROVED)
    return lists


def target_list_get_for_user(
    *, user: User | AnonymousUser, programme: Programme, list_id: int
) -> TargetList:
    """One target list; :class:`NotFound` if it is not there or not for this user."""
    found = target_list_list_for_user(user=user, programme=programme).filter(pk=list_id).first()
    if found is None:
        raise NotFound()
    return found


def target_list_entries(
    target_list: TargetList, *, selected: bool | None = None
) -> QuerySet[TargetListEntry]:
    """The entries of a list the caller may already see, in rank order."""
    entries = TargetListEntry.objects.filter(target_list=target_list).select_related(
        "household__unit"
    )
    if selected is not None:
        entries = entries.filter(selected=selected)
    return entries


def entry_why(entry: TargetListEntry, target_list: TargetList) -> str:
    """Why ``entry`` is in or out of ``target_list``, in the reader's language."""
    return explain_entry(
        reason=entry.reason,
        rank=entry.rank,
        failed_condition=entry.failed_condition,
        value=entry.value,
        quota=entry.quota,
        definition=target_list.parameters.get("definition", {}),
        eligible=target_list.eligible_count,
        seats=target_list.selected_count,
    )


def quota_rows(target_list: TargetList) -> list[dict[str, Any]]:
    """Each quota of a list with what it needed and got, for the page and the API."""
    from barrio.registry.payments_explain import describe_quota

    quotas = target_list.parameters.get("definition", {}).get("quotas") or []
    return [
        {
            **outcome,
            "text": describe_quota(quota),
            "met": outcome["selected"] >= outcome["required"],
        }
        for quota, outcome in zip(quotas, target_list.quotas, strict=False)
    ]


def cash_budget_of(programme: Programme) -> CashBudget | None:
    """The programme's cash budget, if set (callers have checked ``may_see_cash``)."""
    return CashBudget.objects.filter(programme=programme).first()


def cycle_list_for_user(*, user: User | AnonymousUser, programme: Programme) -> QuerySet[Cycle]:
    """The programme's payment cycles, newest first (none for who may not see them)."""
    if not may_see_cash(user, programme):
        return Cycle.objects.none()
    return Cycle.objects.filter(programme=programme).select_related("created_by")


def cycle_get_for_user(*, user: User | AnonymousUser, programme: Programme, cycle_id: int) -> Cycle:
    """One cycle; :class:`NotFound` if it is not there or not for this user."""
    found = cycle_list_for_user(user=user, programme=programme).filter(pk=cycle_id).first()
    if found is None:
        raise NotFound()
    return found


def exchange_rate_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[ExchangeRate]:
    """The exchange rates entered for the programme, by currency and newest date."""
    if not may_see_cash(user, programme):
        return ExchangeRate.objects.none()
    return ExchangeRate.objects.filter(programme=programme).select_related("entered_by")


def describe_formula(formula: Mapping[str, Any]) -> str:
    """An entitlement formula in words: "200.00 PEN + 50.00 PEN per child, at most 400.00 PEN"."""
    currency = str(formula.get("currency", ""))
    parts = []
    if formula.get("base_cents"):
        parts.append(format_cents(int(formula["base_cents"]), currency))
    if formula.get("per_member_cents"):
        parts.append(
            _("%(amount)s per member")
            % {"amount": format_cents(int(formula["per_member_cents"]), currency)}
        )
    if formula.get("per_child_cents"):
        parts.append(
            _("%(amount)s per child")
            % {"amount": format_cents(int(formula["per_child_cents"]), currency)}
        )
    if formula.get("expression"):
        parts.append(
            _("%(expression)s %(currency)s")
            % {"expression": formula["expression"], "currency": currency}
        )
    text = " + ".join(str(p) for p in parts) or format_cents(0, currency)
    if formula.get("cap_cents") is not None:
        text = _("%(formula)s, at most %(cap)s") % {
            "formula": text,
            "cap": format_cents(int(formula["cap_cents"]), currency),
        }
    return str(text)


# Payment plans, their payments and files (issue 10, payment plans).


def payment_plan_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[PaymentPlan]:
    """The programme's payment plans, newest first (none for who may not see them)."""
    if not may_see_cash(user, programme):
        return PaymentPlan.objects.none()
    return PaymentPlan.objects.filter(programme=programme).select_related(
        "cycle", "target_list", "created_by", "approved_by", "authorized_by", "released_by"
    )


def payment_plan_get_for_user(
    *, user: User | AnonymousUser, programme: Programme, plan_id: int
) -> PaymentPlan:
    """One plan; :class:`NotFound` if it is not there or not for this user."""
    found = payment_plan_list_for_user(user=user, programme=programme).filter(pk=plan_id).first()
    if found is None:
        raise NotFound()
    return found


def payment_list(plan: PaymentPlan) -> QuerySet[Payment]:
    """The payments of a plan the caller may already see, left-out households first."""
    return Payment.objects.filter(plan=plan).order_by("-status", "pk")


def plan_summary_rows(plan: PaymentPlan) -> list[tuple[str, int]]:
    """Why households of the plan are left out, in words, with how many for each reason."""
    counts = (
        Payment.objects.filter(plan=plan, status=Payment.Status.EXCLUDED)
        .values_list("excluded_reason")
        .annotate(n=Count("pk"))
        .order_by("excluded_reason")
    )
    return [(str(EXCLUSION_REASONS.get(reason, reason)), n) for reason, n in counts]


def payment_file_get_for_user(
    *, user: User | AnonymousUser, programme: Programme, file_id: int
) -> PaymentFile:
    """One file of a released plan of ``programme``; :class:`NotFound` otherwise."""
    if not may_see_cash(user, programme):
        raise NotFound()
    found = (
        PaymentFile.objects.filter(plan__programme=programme, pk=file_id)
        .select_related("plan__programme")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# Reconciliation and verification (issue 10).


def reconciliation_import_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[ReconciliationImport]:
    """The result files sent for the programme (applied, rejected or waiting), newest first."""
    if not may_see_cash(user, programme):
        return ReconciliationImport.objects.none()
    return ReconciliationImport.objects.filter(programme=programme).select_related("created_by")


def verification_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[Verification]:
    """The programme's verification samples, newest first."""
    if not may_see_cash(user, programme):
        return Verification.objects.none()
    return Verification.objects.filter(cycle__programme=programme).select_related(
        "cycle", "created_by"
    )


def verification_get_for_user(
    *, user: User | AnonymousUser, programme: Programme, verification_id: int
) -> Verification:
    """One verification; :class:`NotFound` if it is not there or not for this user."""
    found = (
        verification_list_for_user(user=user, programme=programme)
        .filter(pk=verification_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found
