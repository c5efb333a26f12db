"""Pages of messages to beneficiaries: templates (with their SMS length), sending one to a
list of households as a background job, and each sending's status per recipient."""

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

from barrio.accounts.selectors import unit_list_for_user
from barrio.core.messages import sms_length
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import grievance_selectors as selectors
from barrio.registry.choices import ResidenceStatus
from barrio.registry.models.messages import MessageLanguage
from barrio.registry.services.messages import (
    ALLOWED_PLACEHOLDERS,
    CAMPAIGN_PLACEHOLDERS,
    message_campaign_start,
    message_template_save,
)
from barrio.registry.views.grievances import put_errors
from barrio.registry.views.households import programme_or_404


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    body_es = forms.CharField(
        label=gettext_lazy("Text in Spanish"), widget=forms.Textarea(attrs={"rows": 3})
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body_pt = forms.CharField(
        label=gettext_lazy("Text in Portuguese"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SendForm(forms.Form):
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Territorial unit"), coerce=int, required=False, empty_value=None
    )
    residence_status = forms.ChoiceField(
        label=gettext_lazy("Residence status"),
        choices=[("", "—"), *ResidenceStatus.choices],
        required=False,
    )
    nationality = forms.CharField(
        label=gettext_lazy("Nationality of the head (ISO code)"), max_length=2, required=False
    )
    amount = forms.CharField(label="{amount}", max_length=100, required=False)
    date = forms.CharField(label="{date}", max_length=100, required=False)
    place = forms.CharField(label="{place}", max_length=200, required=False)
    phone = forms.CharField(label="{phone}", max_length=40, required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *units]  # type: ignore[attr-defined]


def _lengths(template: Any) -> list[dict[str, Any]]:
    """Each language's text with its SMS length (placeholders counted as written)."""
    rows = []
    for code, label in MessageLanguage.choices:
        text = getattr(template, f"body_{code}")
        if text:
            rows.append({"language": label, "text": text, "length": sms_length(text)})
    return rows


@login_required
def message_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's templates and sendings; write a new template."""
    programme = programme_or_404(request, slug)
    try:
        templates = selectors.message_templates_for_user(user=request.user, programme=programme)
        campaigns = selectors.message_campaigns_for_user(user=request.user, programme=programme)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = message_template_save(
                actor=request.user,
                programme=programme,
                name=data["name"],
                bodies={code: data[f"body_{code}"] for code in MessageLanguage.values},
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("registry:message_template", template.pk)
    return render(
        request,
        "registry/grievances/messages.html",
        {
            "programme": programme,
            "templates": [(t, _lengths(t)) for t in templates],
            "campaigns": campaigns[:50],
            "form": form,
            "allowed": sorted(ALLOWED_PLACEHOLDERS),
        },
    )


@login_required
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    """One template, its length per language; send it to a list of households."""
    try:
        template = selectors.message_template_get_for_user(
            user=request.user, template_id=template_id
        )
    except NotFound as error:
        raise Http404 from error
    programme = template.programme
    units = [
        (u.pk, f"{u.name} ({u.level})")
        for u in unit_list_for_user(user=request.user, programme=programme)
    ]
    form = SendForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = message_campaign_start(
                actor=request.user,
                template=template,
                filters={
                    "unit_id": data["unit"],
                    "residence_status": data["residence_status"],
                    "nationality": data["nationality"],
                },
                values={k: data[k] for k in sorted(CAMPAIGN_PLACEHOLDERS) if data[k].strip()},
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except BarrioError as error:
            put_errors(form, error, aliases={"filters": "unit"})
        else:
            messages.success(request, _("The sending is queued; a task worker sends it."))
            return redirect("registry:campaign", campaign.pk)
    return render(
        request,
        "registry/grievances/message_template.html",
        {
            "programme": programme,
            "template": template,
            "lengths": _lengths(template),
            "form": form,
        },
    )


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """One sending: its progress and each recipient's status (no phone, no text)."""
    try:
        campaign = selectors.message_campaign_get_for_user(
            user=request.user, campaign_id=campaign_id
        )
    except NotFound as error:
        raise Http404 from error
    recipients = campaign.recipients.select_related("household__unit").order_by("status", "pk")
    page = Paginator(recipients, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/grievances/campaign.html",
        {"programme": campaign.programme, "campaign": campaign, "page": page},
    )
