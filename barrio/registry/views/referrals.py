"""Pages of referrals: refer a household or a case to a partner's service; follow it up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.accounts.selectors import organisation_list_for_programme
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import grievance_selectors as selectors
from barrio.registry.models import Referral
from barrio.registry.selectors import household_get_for_user
from barrio.registry.services.referrals import NEXT, referral_make, referral_update
from barrio.registry.views.grievances import put_errors
from barrio.registry.views.households import programme_or_404

DATE = forms.DateInput(attrs={"type": "date"})


class ReferralForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Service"), choices=Referral.Service.choices)
    organisation = forms.TypedChoiceField(label=gettext_lazy("Organisation"), coerce=int)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"))
    on = forms.DateField(label=gettext_lazy("On"), required=False, widget=DATE)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False)

    def __init__(self, *args: Any, statuses: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses  # type: ignore[attr-defined]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def referral_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Refer the household ``?household=`` or the case ``?case=`` to a partner's service."""
    programme = programme_or_404(request, slug)
    household = case = None
    try:
        if (case_id := _int(request.GET.get("case"))) is not None:
            case = selectors.grievance_get_for_user(user=request.user, grievance_id=case_id)
        if (household_id := _int(request.GET.get("household"))) is not None:
            household = household_get_for_user(user=request.user, household_id=household_id)
    except NotFound as error:
        raise Http404 from error
    if household is None and case is None:
        raise Http404
    where = case.unit if case is not None else household.unit  # type: ignore[union-attr]
    if not selectors.may_refer(request.user, programme, where):
        raise DjangoPermissionDenied
    organisations = [(o.pk, o.name) for o in organisation_list_for_programme(programme)]
    form = ReferralForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = organisation_list_for_programme(programme).get(pk=data["organisation"])
        try:
            referral = referral_make(
                actor=request.user,
                programme=programme,
                organisation=organisation,
                service=data["service"],
                household=household,
                grievance=case,
                note=data["note"],
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The referral is made."))
            return redirect("registry:referral", referral.pk)
    return render(
        request,
        "registry/grievances/referral_new.html",
        {"programme": programme, "form": form, "household": household, "case": case},
    )


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """One referral and its dates; record what came of it."""
    try:
        referral = selectors.referral_get_for_user(user=request.user, referral_id=referral_id)
    except NotFound as error:
        raise Http404 from error
    statuses = [(code, Referral.Status(code).label) for code in sorted(NEXT[referral.status])]
    form = UpdateForm(request.POST or None, statuses=statuses)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral_update(
                actor=request.user,
                referral=referral,
                status=data["status"],
                on=data["on"],
                note=data["note"],
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The referral is updated."))
            return redirect("registry:referral", referral.pk)
    return render(
        request,
        "registry/grievances/referral.html",
        {
            "programme": referral.programme,
            "referral": referral,
            "form": form if statuses else None,
            "may_manage": selectors.may_manage_referral(request.user, referral),
        },
    )
