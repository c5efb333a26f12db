"""Pages of payment plans: make one for a cycle, sign it off three times, get its files;
a household's payment details."""

from __future__ import annotations

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
from django.views.decorators.http import require_POST

from barrio.accounts.permissions import Action, may
from barrio.core.cash.delivery import PROVIDERS
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import payments_selectors as selectors
from barrio.registry.services import payments
from barrio.registry.views.households import household_or_404
from barrio.registry.views.payments import _cash_programme

#: What each sign-off button does, and who may press it.
STEPS = {
    "approve": (payments.payment_plan_approve, Action.PAYMENT_PLAN_APPROVE, "draft"),
    "authorize": (payments.payment_plan_authorize, Action.PAYMENT_PLAN_AUTHORIZE, "approved"),
}


@login_required
@require_POST
def payment_plan_new(request: HttpRequest, slug: str, cycle_id: int) -> HttpResponse:
    """Make a plan for the cycle from the approved list chosen (payments officers)."""
    programme = _cash_programme(request, slug)
    try:
        cycle = selectors.cycle_get_for_user(
            user=request.user, programme=programme, cycle_id=cycle_id
        )
        target = selectors.target_list_get_for_user(
            user=request.user,
            programme=programme,
            list_id=int(request.POST.get("target_list") or 0),
        )
        plan = payments.payment_plan_create(actor=request.user, cycle=cycle, target_list=target)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except (NotFound, ValueError) as error:
        raise Http404 from error
    except BarrioError as error:
        details = " ".join(str(e.msg) for e in error.errors)
        messages.error(request, f"{error.message} {details}".strip())
        return redirect("registry:cycle", slug=slug, cycle_id=cycle_id)
    messages.success(request, _("The payment plan is made; it waits for approval."))
    return redirect("registry:payment_plan", slug=slug, plan_id=plan.pk)


@login_required
def payment_plan(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """A plan: totals, who is left out and why, sign-offs; the password once, on release."""
    programme = _cash_programme(request, slug)
    try:
        plan = selectors.payment_plan_get_for_user(
            user=request.user, programme=programme, plan_id=plan_id
        )
    except NotFound as error:
        raise Http404 from error
    password = None
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "release":
                plan, password = payments.payment_plan_release(actor=request.user, plan=plan)
                messages.success(request, _("The plan is released."))
            elif step in STEPS:
                STEPS[step][0](actor=request.user, plan=plan)
                messages.success(request, _("Your sign-off is recorded."))
                return redirect("registry:payment_plan", slug=slug, plan_id=plan.pk)
            else:
                raise Http404
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            messages.error(request, str(error.message))
            return redirect("registry:payment_plan", slug=slug, plan_id=plan.pk)
    steps = [
        name
        for name, (_service, action, status) in {
            **STEPS,
            "release": (None, Action.PAYMENT_PLAN_RELEASE, "authorized"),
        }.items()
        if plan.status == status and may(request.user, action, programme=programme)
    ]
    page = Paginator(selectors.payment_list(plan), 100).get_page(request.GET.get("page"))
    response = render(
        request,
        "registry/payments/payment_plan.html",
        {
            "programme": programme,
            "plan": plan,
            "summary": selectors.plan_summary_rows(plan),
            "steps": steps,
            "password": password,
            "files": plan.files.all() if plan.status == plan.Status.RELEASED else [],
            "may_download": may(request.user, Action.PERSONAL_DATA_EXPORT, programme=programme),
            "page": page,
        },
    )
    if password:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def payment_file(request: HttpRequest, slug: str, file_id: int) -> HttpResponse:
    """Download a released list (still encrypted); audited."""
    programme = _cash_programme(request, slug)
    try:
        found = selectors.payment_file_get_for_user(
            user=request.user, programme=programme, file_id=file_id
        )
        content = payments.payment_file_open(actor=request.user, file=found)
    except NotFound as error:
        raise Http404 from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    response = HttpResponse(content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.file_name}"'
    return response


def _detail_fields() -> list[str]:
    """Every field some provider needs, once each, in a stable order."""
    names: dict[str, None] = {}
    for provider in PROVIDERS.values():
        for field in provider.fields:
            names.setdefault(field.name, None)
    return list(names)


#: The label of each payment-details field on the form.
DETAIL_LABELS = {
    "account_number": gettext_lazy("Account number"),
    "cci": gettext_lazy("Interbank account code (CCI, 20 digits)"),
    "phone": gettext_lazy("Phone registered with the wallet"),
    "collector_document": gettext_lazy("Document of the person who collects"),
    "account_type": gettext_lazy("Account type (savings or checking)"),
    "voucher_series": gettext_lazy("Voucher series"),
}


class DeliveryAccountForm(forms.Form):
    """A provider and the fields it needs (the others are ignored)."""

    provider = forms.ChoiceField(label=gettext_lazy("Payment provider"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"] = forms.ChoiceField(
            label=gettext_lazy("Payment provider"),
            choices=[(code, f"{p.name} ({p.country or '—'})") for code, p in PROVIDERS.items()],
        )
        for name in _detail_fields():
            self.fields[name] = forms.CharField(
                label=DETAIL_LABELS.get(name, name), required=False, max_length=100
            )


@login_required
def delivery_account(request: HttpRequest, household_id: int) -> HttpResponse:
    """How a household is paid: its provider now, and a form to record new details."""
    household = household_or_404(request, household_id)
    if not selectors.may_record_payment_details(request.user, household):
        raise DjangoPermissionDenied
    form = DeliveryAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payments.delivery_account_set(
                actor=request.user,
                household=household,
                provider=data["provider"],
                details={name: data.get(name) or "" for name in _detail_fields()},
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            for problem in error.errors:
                name = str(problem.loc[-1])
                form.add_error(name if name in form.fields else None, str(problem.msg))
        else:
            messages.success(request, _("The payment details are recorded."))
            return redirect("registry:delivery_account", household_id=household.pk)
    current = getattr(household, "delivery_account", None)
    return render(
        request,
        "registry/payments/delivery_account.html",
        {
            "household": household,
            "current": current,
            "provider": PROVIDERS.get(current.provider) if current else None,
            "form": form,
            "needs": [
                (p.name, [str(DETAIL_LABELS.get(f.name, f.name)) for f in p.fields])
                for p in PROVIDERS.values()
            ],
        },
    )
