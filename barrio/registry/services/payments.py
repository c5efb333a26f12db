"""Services of payment plans: payment details, a plan from an approved list and a cycle, its
three sign-offs (approve, authorize, release: three different people) and the files.

Nothing is paid twice: a household has at most one payment a cycle (a database constraint
too), a plan is released once, and its total must fit in what its cycle has left (with
the cycle locked), so the programme's budget is never exceeded. Households with an open
probable-duplicate task, that are no longer active, or whose payment details are missing
or malformed are left out, each with its reason.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.permissions import Action, may
from barrio.bulk import bulk_insert
from barrio.core.cash.delivery import PROVIDERS, check_details, clean_details
from barrio.core.cash.entitlement import Formula, entitlements
from barrio.errors import (
    Conflict,
    FieldError,
    NotAuthenticated,
    PermissionDenied,
    ValidationFailed,
)
from barrio.money import format_cents
from barrio.registry.models import (
    AdjudicationTask,
    Cycle,
    DeliveryAccount,
    Document,
    Household,
    Member,
    Payment,
    PaymentFile,
    PaymentPlan,
    TargetList,
    TargetListEntry,
)
from barrio.registry.payment_files import encrypted_csv_zip, encrypted_xlsx, new_password
from barrio.registry.services.eligibility import household_frame, require_whole

#: Why a household of the list gets no payment (codes; pages word them).
NOT_ACTIVE = "not_active"
OPEN_DUPLICATE = "open_duplicate"
NO_DETAILS = "no_payment_details"
BAD_DETAILS = "payment_details_incomplete"

#: The columns of a provider's payment list.
FILE_HEADER = (
    "referencia",
    "hogar",
    "nombres",
    "apellidos",
    "tipo_documento",
    "numero_documento",
    "proveedor",
    "datos_de_pago",
    "monto",
    "moneda",
)


def _user(actor: User | AnonymousUser) -> User | None:
    return actor if isinstance(actor, User) else None


@transaction.atomic
def delivery_account_set(
    *,
    actor: User | AnonymousUser,
    household: Household,
    provider: str,
    details: Mapping[str, str],
) -> DeliveryAccount:
    """Record how ``household`` is paid: a provider and the fields it needs (encrypted).

    Whoever may change the household's personal data may do it. Raises
    :class:`ValidationFailed` naming an unknown provider or each missing or malformed field.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(
        actor,
        Action.PERSONAL_DATA_CHANGE,
        programme=household.programme,
        unit=household.unit,
    ):
        raise PermissionDenied()
    messages = {
        "unknown_provider": _("Unknown payment provider."),
        "missing": _("The provider needs this field."),
        "format": _("This value does not have the form the provider needs."),
    }
    problems = check_details(provider, details)
    if problems:
        raise ValidationFailed(
            errors=[
                FieldError(("details", name) if name != "provider" else ("provider",), messages[p])
                for name, p in problems
            ]
        )
    known = PROVIDERS[provider]
    kept = clean_details(provider, details)
    account, _created = DeliveryAccount.objects.update_or_create(
        household=household,
        defaults={
            "provider": provider,
            "mechanism": known.mechanism,
            "details": json.dumps(kept, sort_keys=True),
            "updated_by": _user(actor),
        },
    )
    return account


def _open_duplicate_households(household_ids: list[int]) -> set[int]:
    """Households (of ``household_ids``) with a member in an open probable-duplicate task.

    The rule of :func:`barrio.registry.selectors.household_payable`, in one query for many
    households (the plan's other exclusion, not active, comes from the household frame).
    """
    tasks = AdjudicationTask.objects.filter(status=AdjudicationTask.Status.OPEN).filter(
        Q(member_low__household_id__in=household_ids)
        | Q(member_high__household_id__in=household_ids)
    )
    found: set[int] = set()
    for low, high in tasks.values_list("member_low__household_id", "member_high__household_id"):
        found.update((low, high))
    return found & set(household_ids)


def cycle_committed_cents(cycle: Cycle, *, excluding: int | None = None) -> int:
    """What the cycle's plans already hold."""
    plans = PaymentPlan.objects.filter(cycle=cycle)
    if excluding is not None:
        plans = plans.exclude(pk=excluding)
    return int(plans.aggregate(total=Sum("total_cents"))["total"] or 0)


@transaction.atomic
def payment_plan_create(
    *, actor: User | AnonymousUser, cycle: Cycle, target_list: TargetList
) -> PaymentPlan:
    """Make the plan paying ``cycle``'s entitlement to each household of an approved list.

    Raises :class:`PermissionDenied` unless the actor is a payments officer of the whole
    programme; :class:`Conflict` when the list is not approved (``not_approved``) or the
    total would exceed what the cycle has left (``budget_exceeded``); and
    :class:`ValidationFailed` when the cycle's formula fails for a household (a division
    by zero, naming the formula). Nothing is saved on failure.
    """
    programme = cycle.programme
    require_whole(actor, Action.PAYMENT_PLAN_CREATE, programme)
    if target_list.programme_id != programme.pk:
        raise Conflict(_("The list and the cycle are of different programmes."), code="mismatch")
    if target_list.status != TargetList.Status.APPROVED:
        raise Conflict(_("Only an approved target list can be paid."), code="not_approved")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    selected = list(
        TargetListEntry.objects.filter(target_list=target_list, selected=True)
        .order_by("household_id")
        .values_list("household_id", flat=True)
    )
    keys, frame = household_frame(programme, on=cycle.starts_on, targeting_run_id=None)
    position = {int(k): i for i, k in enumerate(keys.tolist())}
    formula = Formula.from_dict(cycle.formula)
    rows = [position.get(h) for h in selected]
    present = [r for r in rows if r is not None]
    variables = {
        "members": frame["size"][present],
        "children": frame["children"][present],
        "under_5": frame["under_5"][present],
        "over_60": frame["over_60"][present],
        "disabled": frame["disabled"][present],
        "pregnant": frame["pregnant"][present],
    }
    try:
        amounts_present = entitlements(formula, variables)
    except ValueError as error:
        raise ValidationFailed(errors=[FieldError(("cycle", "formula"), str(error))]) from None
    amount_of = dict(
        zip(
            [selected[i] for i, r in enumerate(rows) if r is not None],
            amounts_present.tolist(),
            strict=True,
        )
    )
    accounts = {
        a.household_id: a for a in DeliveryAccount.objects.filter(household_id__in=selected)
    }
    duplicates = _open_duplicate_households(selected)
    already = set(
        Payment.objects.filter(cycle=cycle, household_id__in=selected)
        .exclude(status=Payment.Status.EXCLUDED)
        .values_list("household_id", flat=True)
    )
    plan_rows: list[tuple[int, str, str]] = []  # household, status/provider, reason
    for household_id in selected:
        if household_id in already:
            continue  # paid in another plan of the cycle: never twice
        reason = ""
        account = accounts.get(household_id)
        if household_id not in amount_of:
            reason = NOT_ACTIVE
        elif household_id in duplicates:
            reason = OPEN_DUPLICATE
        elif account is None:
            reason = NO_DETAILS
        elif check_details(account.provider, json.loads(account.details or "{}")):
            reason = BAD_DETAILS
        plan_rows.append((household_id, account.provider if account else "", reason))
    total = sum(amount_of[h] for h, _p, reason in plan_rows if not reason)
    left = cycle.budget_cents - cycle_committed_cents(cycle)
    if total > left:
        raise Conflict(
            _("The cycle has %(left)s left; this plan needs %(needed)s.")
            % {
                "left": format_cents(left, cycle.currency),
                "needed": format_cents(total, cycle.currency),
            },
            code="budget_exceeded",
        )
    paid = [row for row in plan_rows if not row[2]]
    plan = PaymentPlan.objects.create(
        programme=programme,
        cycle=cycle,
        target_list=target_list,
        currency=cycle.currency,
        total_cents=total,
        payment_count=len(paid),
        excluded_count=len(plan_rows) - len(paid),
        created_by=_user(actor),
    )
    bulk_insert(
        Payment,
        [
            "plan",
            "household",
            "cycle",
            "reference",
            "amount_cents",
            "currency",
            "provider",
            "status",
            "excluded_reason",
            "failure_reason",
        ],
        (
            (
                plan.pk,
                household_id,
                cycle.pk,
                f"P{plan.pk}-H{household_id}",
                amount_of.get(household_id, 0),
                cycle.currency,
                provider,
                Payment.Status.EXCLUDED if reason else Payment.Status.PENDING,
                reason,
                "",
            )
            for household_id, provider, reason in plan_rows
        ),
    )
    return plan


def _signed(plan: PaymentPlan) -> set[int]:
    return {
        pk
        for pk in (plan.approved_by_id, plan.authorized_by_id, plan.released_by_id)
        if pk is not None
    }


def _locked(
    plan: PaymentPlan, status: str, action: Action, actor: User | AnonymousUser
) -> PaymentPlan:
    require_whole(actor, action, plan.programme)
    plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PaymentPlan.Status.RELEASED:
        raise Conflict(_("This plan is already released."), code="already_released")
    if plan.status != status:
        raise Conflict(
            _("This plan is %(status)s; it cannot take this step now.")
            % {"status": plan.get_status_display()},
            code="wrong_status",
        )
    if actor.pk in _signed(plan):
        raise Conflict(
            _("Approval, authorization and release are signed by three different people."),
            code="three_people",
        )
    return plan


@transaction.atomic
def payment_plan_approve(*, actor: User | AnonymousUser, plan: PaymentPlan) -> PaymentPlan:
    """First sign-off: a programme manager, not who made the plan.

    Raises :class:`PermissionDenied` or :class:`Conflict` (wrong step, already released,
    the same person).
    """
    plan = _locked(plan, PaymentPlan.Status.DRAFT, Action.PAYMENT_PLAN_APPROVE, actor)
    plan.check_four_eyes(
        actor, _("A plan is approved by someone other than the person who made it.")
    )
    plan.mark_approved(actor)
    return plan


@transaction.atomic
def payment_plan_authorize(*, actor: User | AnonymousUser, plan: PaymentPlan) -> PaymentPlan:
    """Second sign-off: a payments officer who did not approve it."""
    plan = _locked(plan, PaymentPlan.Status.APPROVED, Action.PAYMENT_PLAN_AUTHORIZE, actor)
    plan.status = PaymentPlan.Status.AUTHORIZED
    plan.authorized_by, plan.authorized_at = _user(actor), timezone.now()
    plan.save(update_fields=["status", "authorized_by", "authorized_at"])
    return plan


def payment_rows(plan: PaymentPlan) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of each provider's list: who collects (primary collector, else the head),
    their document, the payment details and the amount. Decrypted in memory only."""
    payments = list(
        Payment.objects.filter(plan=plan, status=Payment.Status.PENDING)
        .order_by("pk")
        .values_list("reference", "household_id", "provider", "amount_cents", "currency")
    )
    pending = Household.objects.filter(payments__plan=plan, payments__status=Payment.Status.PENDING)
    collector_of = {
        pk: collector or head
        for pk, collector, head in pending.values_list("pk", "primary_collector_id", "head_id")
    }
    wanted = set(collector_of.values()) - {None}
    # Only the fields the list shows are decrypted (a member has more encrypted fields).
    people: dict[int, tuple[str, str, str, str]] = {
        pk: (given, f"{family_1} {family_2}".strip(), "", "")
        for pk, given, family_1, family_2 in Member.objects.filter(pk__in=wanted).values_list(
            "pk", "given_names", "family_name_1", "family_name_2"
        )
    }
    documents = (
        Document.objects.filter(member_id__in=wanted)
        .order_by("-pk")
        .values_list("member_id", "type", "number")
    )
    for member_id, kind, number in documents:  # the first document of each wins
        people[member_id] = (*people[member_id][:2], kind, number)
    details = dict(
        DeliveryAccount.objects.filter(household__in=pending).values_list("household_id", "details")
    )
    by_provider: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for reference, household_id, provider, cents, currency in payments:
        person = people.get(collector_of.get(household_id) or 0, ("", "", "", ""))
        pay = json.loads(details.get(household_id) or "{}")
        by_provider[provider].append(
            (
                reference,
                household_id,
                *person,
                provider,
                " ".join(f"{k}={v}" for k, v in sorted(pay.items())),
                f"{cents // 100}.{cents % 100:02d}",
                currency,
            )
        )
    return by_provider


@transaction.atomic
def payment_plan_release(
    *, actor: User | AnonymousUser, plan: PaymentPlan
) -> tuple[PaymentPlan, str]:
    """Third sign-off: a payments officer who neither approved nor authorized it.

    Builds, per provider, the payment list as an encrypted XLSX and an AES-encrypted ZIP of
    a CSV, with one new password returned here and stored nowhere (show it once). The plan
    is released once: a second release is a :class:`Conflict` (``already_released``).
    """
    plan = _locked(plan, PaymentPlan.Status.AUTHORIZED, Action.PAYMENT_PLAN_RELEASE, actor)
    password = new_password()
    stamp = timezone.localdate().isoformat()
    for provider, rows in sorted(payment_rows(plan).items()):
        base = f"pagos-plan{plan.pk}-{provider}-{stamp}"
        PaymentFile.objects.create(
            plan=plan,
            provider=provider,
            file_name=f"{base}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            content=encrypted_xlsx(FILE_HEADER, rows, password),
            row_count=len(rows),
        )
        PaymentFile.objects.create(
            plan=plan,
            provider=provider,
            file_name=f"{base}.csv.zip",
            content_type="application/zip",
            content=encrypted_csv_zip(f"{base}.csv", FILE_HEADER, rows, password),
            row_count=len(rows),
        )
    # The lists name the households they pay: making them is an export of personal data.
    audit_personal_data_read(
        actor=actor,
        objects=list(PaymentFile.objects.filter(plan=plan)),
        channel=Channel.EXPORT,
        programme=plan.programme,
        reason="payment_list_made",
    )
    Payment.objects.filter(plan=plan, status=Payment.Status.PENDING).update(
        status=Payment.Status.SENT
    )
    plan.status = PaymentPlan.Status.RELEASED
    plan.released_by, plan.released_at = _user(actor), timezone.now()
    plan.save(update_fields=["status", "released_by", "released_at"])
    return plan, password


def payment_file_open(*, actor: User | AnonymousUser, file: PaymentFile) -> bytes:
    """The encrypted bytes of a released list, for who may export personal data in the
    programme; every download is audited (the file names the households it pays)."""
    programme = file.plan.programme
    require_whole(actor, Action.PERSONAL_DATA_EXPORT, programme)
    audit_personal_data_read(
        actor=actor,
        objects=[file],
        channel=Channel.EXPORT,
        programme=programme,
        reason="payment_list",
    )
    return bytes(file.content)


def plan_summary(plan: PaymentPlan) -> dict[str, dict[str, int]]:
    """How many payments of a plan are in each status, and why households were left out."""
    by_status: dict[str, int] = defaultdict(int)
    by_reason: dict[str, int] = defaultdict(int)
    for status, reason in Payment.objects.filter(plan=plan).values_list(
        "status", "excluded_reason"
    ):
        by_status[status] += 1
        if reason:
            by_reason[reason] += 1
    return {"by_status": dict(by_status), "by_reason": dict(by_reason)}
