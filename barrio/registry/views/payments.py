"""Pages of cash assistance: eligibility rules, target lists (and their approval)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.accounts.permissions import Action, may
from barrio.core.cash.entitlement import CURRENCIES, to_eur_cents
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import payments_selectors as selectors
from barrio.registry.payments_explain import (
    HOUSEHOLD_FIELDS,
    OPERATOR_CHOICES,
    describe_condition,
    describe_quota,
)
from barrio.registry.services import cycles, eligibility
from barrio.registry.views.households import programme_or_404

CONDITION_ROWS = 5
SCORE_ROWS = 3
QUOTA_ROWS = 2


def _field_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(code, str(f.label)) for code, f in HOUSEHOLD_FIELDS.items()]


class RuleForm(forms.Form):
    """A rule as rows of conditions, score terms and quotas (empty rows are ignored)."""

    name = forms.CharField(label=gettext_lazy("Name of the rule"), max_length=200)
    targeting_run = forms.IntegerField(
        label=gettext_lazy("Approved targeting run (number)"),
        required=False,
        help_text=gettext_lazy("Needed when a condition asks for a selected unit."),
    )
    max_count = forms.IntegerField(
        label=gettext_lazy("At most this many households"), required=False, min_value=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = _field_choices()
        for i in range(CONDITION_ROWS):
            n = i + 1
            self.fields[f"c{i}_field"] = forms.ChoiceField(
                label=_("Condition %(n)s: field") % {"n": n}, choices=fields, required=False
            )
            self.fields[f"c{i}_op"] = forms.ChoiceField(
                label=_("Condition %(n)s: test") % {"n": n},
                choices=OPERATOR_CHOICES,
                required=False,
            )
            self.fields[f"c{i}_value"] = forms.CharField(
                label=_("Condition %(n)s: value") % {"n": n}, required=False, max_length=200
            )
        for i in range(SCORE_ROWS):
            n = i + 1
            self.fields[f"s{i}_field"] = forms.ChoiceField(
                label=_("Score %(n)s: field") % {"n": n}, choices=fields, required=False
            )
            self.fields[f"s{i}_weight"] = forms.DecimalField(
                label=_("Score %(n)s: points") % {"n": n}, required=False
            )
            self.fields[f"s{i}_equals"] = forms.CharField(
                label=_("Score %(n)s: only when it is (optional)") % {"n": n},
                required=False,
                max_length=100,
            )
        for i in range(QUOTA_ROWS):
            n = i + 1
            self.fields[f"q{i}_field"] = forms.ChoiceField(
                label=_("Quota %(n)s: field") % {"n": n}, choices=fields, required=False
            )
            self.fields[f"q{i}_value"] = forms.CharField(
                label=_("Quota %(n)s: value") % {"n": n}, required=False, max_length=100
            )
            self.fields[f"q{i}_percent"] = forms.DecimalField(
                label=_("Quota %(n)s: at least (%%)") % {"n": n},
                required=False,
                min_value=0,
                max_value=100,
            )

    def rows(self, prefix: str, count: int, names: tuple[str, ...]) -> list[list[Any]]:
        """The bound fields of each row, for the template."""
        return [[self[f"{prefix}{i}_{name}"] for name in names] for i in range(count)]

    def definition(self) -> dict[str, Any]:
        """The rule as the service takes it (values typed by the field's kind)."""
        data = self.cleaned_data

        def typed(code: str, text: str) -> Any:
            kind = HOUSEHOLD_FIELDS[code].kind if code in HOUSEHOLD_FIELDS else "text"
            text = text.strip()
            if kind == "number":
                try:
                    number = float(text.replace(",", "."))
                except ValueError:
                    return text
                return int(number) if number.is_integer() else number
            return text

        conditions = []
        for i in range(CONDITION_ROWS):
            code = data.get(f"c{i}_field")
            if not code:
                continue
            op = data.get(f"c{i}_op") or "eq"
            raw = data.get(f"c{i}_value") or ""
            value: Any = None
            if op in ("in", "not_in"):
                value = [typed(code, part) for part in raw.split(",") if part.strip()]
            elif op not in ("is_true", "is_false"):
                value = typed(code, raw)
            conditions.append({"field": code, "op": op, "value": value})
        scorecard = []
        for i in range(SCORE_ROWS):
            code = data.get(f"s{i}_field")
            if code:
                equals = (data.get(f"s{i}_equals") or "").strip() or None
                weight = data.get(f"s{i}_weight")
                scorecard.append({"field": code, "weight": str(weight or 1), "equals": equals})
        quotas = []
        for i in range(QUOTA_ROWS):
            code = data.get(f"q{i}_field")
            if code:
                percent = data.get(f"q{i}_percent") or 0
                quotas.append(
                    {
                        "field": code,
                        "value": typed(code, data.get(f"q{i}_value") or ""),
                        "share": str(percent / 100),
                    }
                )
        return {
            "conditions": conditions,
            "scorecard": scorecard,
            "quotas": quotas,
            "max_count": data.get("max_count"),
        }


def _cash_programme(request: HttpRequest, slug: str) -> Any:
    programme = programme_or_404(request, slug)
    if not selectors.may_see_cash(request.user, programme):
        raise DjangoPermissionDenied
    return programme


@login_required
def eligibility_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's rules and target lists, and the form for a new rule (or version)."""
    programme = _cash_programme(request, slug)
    may_run = may(request.user, Action.ELIGIBILITY_RUN, programme=programme)
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        if not may_run:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                rule = eligibility.eligibility_rule_save(
                    actor=request.user,
                    programme=programme,
                    name=form.cleaned_data["name"],
                    definition=form.definition(),
                    targeting_run_id=form.cleaned_data.get("targeting_run"),
                )
            except BarrioError as error:
                for problem in error.errors or ():
                    form.add_error(None, f"{' '.join(map(str, problem.loc[1:]))}: {problem.msg}")
                if not error.errors:
                    form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("The rule is saved as version %(version)s.") % {"version": rule.version},
                )
                return redirect("registry:eligibility_rule", slug=slug, rule_id=rule.pk)
    rules = selectors.eligibility_rule_list_for_user(user=request.user, programme=programme)
    lists = selectors.target_list_list_for_user(user=request.user, programme=programme)
    return render(
        request,
        "registry/payments/eligibility.html",
        {
            "programme": programme,
            "rules": rules,
            "lists": lists[:50],
            "form": form,
            "may_run": may_run,
            "condition_rows": form.rows("c", CONDITION_ROWS, ("field", "op", "value")),
            "score_rows": form.rows("s", SCORE_ROWS, ("field", "weight", "equals")),
            "quota_rows": form.rows("q", QUOTA_ROWS, ("field", "value", "percent")),
        },
    )


@login_required
def eligibility_rule(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    """One version of a rule in words; make a target list with it."""
    programme = _cash_programme(request, slug)
    try:
        rule = selectors.eligibility_rule_get_for_user(
            user=request.user, programme=programme, rule_id=rule_id
        )
    except NotFound as error:
        raise Http404 from error
    if request.method == "POST":
        try:
            target = eligibility.target_list_create(actor=request.user, rule=rule)
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        messages.success(request, _("The target list is made; it waits for approval."))
        return redirect("registry:target_list", slug=slug, list_id=target.pk)
    definition = rule.definition
    return render(
        request,
        "registry/payments/eligibility_rule.html",
        {
            "programme": programme,
            "rule": rule,
            "conditions": [describe_condition(c) for c in definition.get("conditions") or ()],
            "scorecard": definition.get("scorecard") or (),
            "quotas": [describe_quota(q) for q in definition.get("quotas") or ()],
            "may_run": may(request.user, Action.ELIGIBILITY_RUN, programme=programme),
        },
    )


@login_required
def target_list(request: HttpRequest, slug: str, list_id: int) -> HttpResponse:
    """A target list: its counts and quotas, each household in or out and why; approve it."""
    programme = _cash_programme(request, slug)
    try:
        target = selectors.target_list_get_for_user(
            user=request.user, programme=programme, list_id=list_id
        )
    except NotFound as error:
        raise Http404 from error
    if request.method == "POST":
        try:
            eligibility.target_list_approve(actor=request.user, target_list=target)
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The target list is approved."))
        return redirect("registry:target_list", slug=slug, list_id=target.pk)
    shown = request.GET.get("show", "")
    selected = {"in": True, "out": False}.get(shown)
    page = Paginator(selectors.target_list_entries(target, selected=selected), 100).get_page(
        request.GET.get("page")
    )
    rows = [(entry, selectors.entry_why(entry, target)) for entry in page.object_list]
    return render(
        request,
        "registry/payments/target_list.html",
        {
            "programme": programme,
            "target": target,
            "page": page,
            "rows": rows,
            "shown": shown,
            "quotas": selectors.quota_rows(target),
            "may_approve": may(request.user, Action.ELIGIBILITY_APPROVE, programme=programme)
            and target.status == target.Status.DRAFT,
        },
    )


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int((amount * 100).to_integral_value())


class BudgetForm(forms.Form):
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"), choices=[(c, c) for c in CURRENCIES]
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Budget for cash transfers"), min_value=0, decimal_places=2
    )


class CycleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the cycle"), max_length=200)
    starts_on = forms.DateField(
        label=gettext_lazy("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Ends on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    budget = forms.DecimalField(label=gettext_lazy("Budget"), min_value=0, decimal_places=2)
    base = forms.DecimalField(
        label=gettext_lazy("Amount per household"), min_value=0, decimal_places=2, required=False
    )
    per_member = forms.DecimalField(
        label=gettext_lazy("Plus per member"), min_value=0, decimal_places=2, required=False
    )
    per_child = forms.DecimalField(
        label=gettext_lazy("Plus per child under 18"), min_value=0, decimal_places=2, required=False
    )
    expression = forms.CharField(
        label=gettext_lazy("Plus a formula (optional)"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "In the currency's units, e.g. 10 * min(children, 3). Names: members, children, "
            "under_5, over_60, disabled, pregnant; + - * /, min, max."
        ),
    )
    cap = forms.DecimalField(
        label=gettext_lazy("At most per household"), min_value=0, decimal_places=2, required=False
    )


class RateForm(forms.Form):
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"), choices=[(c, c) for c in CURRENCIES]
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    eur_per_unit = forms.DecimalField(
        label=gettext_lazy("Euros for one unit"), min_value=0, decimal_places=10
    )


def _report(form: forms.Form, error: BarrioError) -> None:
    for problem in error.errors or ():
        form.add_error(None, f"{' '.join(map(str, problem.loc))}: {problem.msg}")
    if not error.errors:
        form.add_error(None, str(error.message))


@login_required
def cycles_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's cash budget, its cycles and exchange rates; managers set them here."""
    programme = _cash_programme(request, slug)
    may_manage = may(request.user, Action.CYCLE_MANAGE, programme=programme)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not may_manage:
        raise DjangoPermissionDenied
    budget = selectors.cash_budget_of(programme)
    budget_form = BudgetForm(
        request.POST if action == "budget" else None,
        initial={"currency": budget.currency if budget else "PEN"},
    )
    cycle_form = CycleForm(request.POST if action == "cycle" else None)
    rate_form = RateForm(request.POST if action == "rate" else None)
    try:
        if action == "budget" and budget_form.is_valid():
            cycles.cash_budget_set(
                actor=request.user,
                programme=programme,
                currency=budget_form.cleaned_data["currency"],
                total_cents=_cents(budget_form.cleaned_data["amount"]) or 0,
            )
            messages.success(request, _("The budget is saved."))
            return redirect("registry:cycles", slug=slug)
        if action == "cycle" and cycle_form.is_valid():
            data = cycle_form.cleaned_data
            made = cycles.cycle_create(
                actor=request.user,
                programme=programme,
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                budget_cents=_cents(data["budget"]) or 0,
                formula={
                    "currency": budget.currency if budget else "",
                    "base_cents": _cents(data["base"]) or 0,
                    "per_member_cents": _cents(data["per_member"]) or 0,
                    "per_child_cents": _cents(data["per_child"]) or 0,
                    "expression": data["expression"],
                    "cap_cents": _cents(data["cap"]),
                },
            )
            messages.success(request, _("The cycle is made."))
            return redirect("registry:cycle", slug=slug, cycle_id=made.pk)
        if action == "rate" and rate_form.is_valid():
            cycles.exchange_rate_set(
                actor=request.user, programme=programme, **rate_form.cleaned_data
            )
            messages.success(request, _("The exchange rate is saved."))
            return redirect("registry:cycles", slug=slug)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except BarrioError as error:
        _report({"budget": budget_form, "cycle": cycle_form}.get(action or "", rate_form), error)
    committed = cycles.cycles_committed_cents(programme)
    return render(
        request,
        "registry/payments/cycles.html",
        {
            "programme": programme,
            "budget": budget,
            "committed": committed,
            "left": (budget.total_cents - committed) if budget else None,
            "cycles": selectors.cycle_list_for_user(user=request.user, programme=programme),
            "rates": selectors.exchange_rate_list_for_user(user=request.user, programme=programme)[
                :20
            ],
            "may_manage": may_manage,
            "budget_form": budget_form,
            "cycle_form": cycle_form,
            "rate_form": rate_form,
        },
    )


@login_required
def cycle_detail(request: HttpRequest, slug: str, cycle_id: int) -> HttpResponse:
    """A cycle: dates, budget (and in euros at the rate of its first day), formula in words."""
    programme = _cash_programme(request, slug)
    try:
        cycle = selectors.cycle_get_for_user(
            user=request.user, programme=programme, cycle_id=cycle_id
        )
    except NotFound as error:
        raise Http404 from error
    rate = cycles.rate_on(programme, cycle.currency, cycle.starts_on)
    return render(
        request,
        "registry/payments/cycle.html",
        {
            "programme": programme,
            "cycle": cycle,
            "formula": selectors.describe_formula(cycle.formula),
            "budget_eur": None if rate is None else to_eur_cents(cycle.budget_cents, rate),
            "rate": rate,
            "plans": selectors.payment_plan_list_for_user(
                user=request.user, programme=programme
            ).filter(cycle=cycle),
            "approved_lists": selectors.target_list_list_for_user(
                user=request.user, programme=programme, approved=True
            )
            if may(request.user, Action.PAYMENT_PLAN_CREATE, programme=programme)
            else [],
            "may_verify": may(request.user, Action.PAYMENT_RECONCILE, programme=programme),
        },
    )
