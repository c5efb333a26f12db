"""Pages of reconciliation (a provider's result file, the sums, verification by contact) and
the payments dashboard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.accounts.permissions import Action, may
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import payments_dashboard as dashboard
from barrio.registry import payments_selectors as selectors
from barrio.registry.models import VerificationContact
from barrio.registry.selectors import SMALL_COUNT
from barrio.registry.services import reconciliation
from barrio.registry.views.payments import _cash_programme


class ResultFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Provider's result file (.xlsx or .csv)"),
        help_text=gettext_lazy(
            "Columns: reference, delivered_amount, delivered_on (YYYY-MM-DD), "
            "failure_reason; currency optional."
        ),
    )


class DrawForm(forms.Form):
    size = forms.IntegerField(
        label=gettext_lazy("Households to contact"), min_value=1, max_value=1000, initial=10
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed of the draw"),
        min_value=0,
        max_value=2**31 - 1,
        help_text=gettext_lazy("The same seed on the same payments draws the same households."),
    )


def _rows_of(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``{row, column, message}`` report of a refused file, from its problems as kept
    (``{"loc": [...], "msg": ...}``)."""
    report = []
    for problem in problems:
        loc = list(problem["loc"])
        row = loc[1] if len(loc) > 1 and loc[0] == "row" else ""
        column = loc[2] if len(loc) > 2 else (loc[-1] if loc and loc[0] != "row" else "")
        report.append({"row": row, "column": column, "message": problem["msg"]})
    return report


@login_required
def reconciliation_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Send a result file (payments officers): checked at once for who sends it and its
    kind, then checked and applied by a task worker whose job page follows it; the sums by
    cycle, city and programme, and the files sent."""
    programme = _cash_programme(request, slug)
    may_import = may(request.user, Action.PAYMENT_RECONCILE, programme=programme)
    form = ResultFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_import:
            raise DjangoPermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                sent = reconciliation.reconciliation_import_start(
                    actor=request.user,
                    programme=programme,
                    file_name=upload.name,
                    content=upload.read(),
                )
            except PermissionDenied as error:
                raise DjangoPermissionDenied from error
            except BarrioError as error:
                form.add_error(
                    "file", " ".join(str(e.msg) for e in error.errors) or str(error.message)
                )
            else:
                return redirect("jobs:detail", job_id=sent.job_id)
    return render(
        request,
        "registry/payments/reconciliation.html",
        {
            "programme": programme,
            "form": form if may_import else None,
            "imports": selectors.reconciliation_import_list_for_user(
                user=request.user, programme=programme
            )[:20],
            "sums": reconciliation.reconciliation_totals(programme),
        },
        status=422 if form.errors else 200,
    )


@login_required
def reconciliation_import(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """One result file sent: waiting for the worker (a link to its job), applied (its
    counts) or rejected (every problem by row and column)."""
    programme = _cash_programme(request, slug)
    found = (
        selectors.reconciliation_import_list_for_user(user=request.user, programme=programme)
        .filter(pk=import_id)
        .first()
    )
    if found is None:
        raise Http404
    return render(
        request,
        "registry/payments/reconciliation_import.html",
        {"programme": programme, "done": found, "report": _rows_of(found.errors)},
    )


@login_required
def verification_new(request: HttpRequest, slug: str, cycle_id: int) -> HttpResponse:
    """Draw a seeded sample of the cycle's delivered payments (payments officers)."""
    programme = _cash_programme(request, slug)
    try:
        cycle = selectors.cycle_get_for_user(
            user=request.user, programme=programme, cycle_id=cycle_id
        )
    except NotFound as error:
        raise Http404 from error
    if not may(request.user, Action.PAYMENT_RECONCILE, programme=programme):
        raise DjangoPermissionDenied
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            drawn = reconciliation.verification_draw(
                actor=request.user,
                cycle=cycle,
                size=form.cleaned_data["size"],
                seed=form.cleaned_data["seed"],
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("registry:verification", slug=slug, verification_id=drawn.pk)
    return render(
        request,
        "registry/payments/verification_new.html",
        {
            "programme": programme,
            "cycle": cycle,
            "form": form,
            "verifications": selectors.verification_list_for_user(
                user=request.user, programme=programme
            ).filter(cycle=cycle),
        },
    )


@login_required
def verification(request: HttpRequest, slug: str, verification_id: int) -> HttpResponse:
    """The households to contact, and what each answered (recorded by payments officers)."""
    programme = _cash_programme(request, slug)
    try:
        found = selectors.verification_get_for_user(
            user=request.user, programme=programme, verification_id=verification_id
        )
    except NotFound as error:
        raise Http404 from error
    may_record = may(request.user, Action.PAYMENT_RECONCILE, programme=programme)
    if request.method == "POST":
        if not may_record:
            raise DjangoPermissionDenied
        contact = found.contacts.filter(pk=int(request.POST.get("contact") or 0)).first()
        if contact is None:
            raise Http404
        try:
            reconciliation.verification_record(
                actor=request.user,
                contact=contact,
                answer=request.POST.get("answer", ""),
                note=request.POST.get("note", ""),
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            messages.error(
                request, " ".join(str(e.msg) for e in error.errors) or str(error.message)
            )
        else:
            messages.success(request, _("The answer is recorded."))
        return redirect("registry:verification", slug=slug, verification_id=found.pk)
    return render(
        request,
        "registry/payments/verification.html",
        {
            "programme": programme,
            "verification": found,
            "contacts": found.contacts.select_related("payment").order_by("pk"),
            "answers": [
                (value, label)
                for value, label in VerificationContact.Answer.choices
                if value != VerificationContact.Answer.PENDING
            ],
            "counts": reconciliation.verification_counts(found),
            "may_record": may_record,
        },
    )


@login_required
def payments_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Money planned, released and delivered by city and group; ``?format=csv`` for donors."""
    programme = _cash_programme(request, slug)
    rows = dashboard.payments_dashboard(programme)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            dashboard.dashboard_csv(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="pagos-{programme.slug}.csv"'
        return response
    return render(
        request,
        "registry/payments/dashboard.html",
        {
            "programme": programme,
            "cities": [r for r in rows if r.dimension == "city"],
            "groups": [r for r in rows if r.dimension == "group"],
            "totals": [r for r in rows if r.dimension == "total"],
            "chart": mark_safe(dashboard.dashboard_svg(rows)),  # noqa: S308 (escaped inside)
            "small": SMALL_COUNT,
        },
    )
