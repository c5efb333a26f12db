"""Pages of households: the dashboard, the list and search, the desk's form, one household."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.permissions import Action, scope
from barrio.accounts.selectors import (
    programme_get_for_user,
    unit_in_programme,
    unit_list_for_user,
)
from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.registry import selectors, services
from barrio.registry.choices import ResidenceStatus, Vulnerability
from barrio.registry.forms import (
    HouseholdForm,
    MemberFormSet,
    SearchForm,
    registration_record,
    show_service_errors,
)
from barrio.registry.payments_selectors import may_record_payment_details
from barrio.registry.services.households import local_today

DRAFT_SKIP = {"csrfmiddlewaretoken", "action", "draft"}


def programme_or_404(request: HttpRequest, slug: str) -> Any:
    """The programme ``slug`` if the user may see it; a 404 otherwise."""
    try:
        return programme_get_for_user(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404 from error


def household_or_404(request: HttpRequest, household_id: int) -> Any:
    try:
        return selectors.household_get_for_user(user=request.user, household_id=household_id)
    except NotFound as error:
        raise Http404 from error


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Counts of households by status and unit and of people by nationality (small hidden)."""
    programme = programme_or_404(request, slug)
    try:
        board = selectors.registry_dashboard(user=request.user, programme=programme)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    context = {
        "programme": programme,
        "board": board,
        "may_register": selectors.may_register(request.user, programme),
        "may_list": not scope(request.user, Action.HOUSEHOLD_VIEW, programme).is_empty,
    }
    return render(request, "registry/dashboard.html", context)


@login_required
def household_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The households of the user's units; searched by document number or name (audited)."""
    programme = programme_or_404(request, slug)
    status = request.GET.get("status", "")
    if status not in ResidenceStatus.values:
        status = ""
    search = SearchForm(request.GET or None)
    results = None
    try:
        households = selectors.household_list_for_user(
            user=request.user, programme=programme, residence_status=status
        )
        if search.is_valid() and (search.cleaned_data["document"] or search.cleaned_data["name"]):
            results = selectors.household_search(
                user=request.user,
                programme=programme,
                document_number=search.cleaned_data["document"],
                name=search.cleaned_data["name"],
            )
            # A match tells that a person is registered: that is a read of personal data.
            audit_personal_data_read(
                actor=request.user,
                objects=results,
                channel=Channel.PAGE,
                programme=programme,
                reason="search",
            )
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    page = Paginator(households.order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "registry/household_list.html",
        {
            "programme": programme,
            "page": page,
            "search": search,
            "results": results,
            "status": status,
            "statuses": ResidenceStatus.choices,
            "may_register": selectors.may_register(request.user, programme),
            "may_search": not scope(request.user, Action.PERSONAL_DATA_VIEW, programme).is_empty,
        },
    )


def _draft_data(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.POST.getlist(key) for key in request.POST if key not in DRAFT_SKIP}


def _draft_post(data: str) -> QueryDict:
    post = QueryDict(mutable=True)
    for key, values in json.loads(data).items():
        post.setlist(key, [str(v) for v in values])
    return post


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """The orientation desk's form: a household and its people, saved as a draft any time.

    "Add a person" works without JavaScript (the page comes back with one more person);
    with it, the page adds the person at once and saves a draft every half-minute, so a
    slow or lost connection loses nothing typed.
    """
    programme = programme_or_404(request, slug)
    own = scope(request.user, Action.PERSONAL_DATA_CHANGE, programme)
    if own.is_empty:
        raise DjangoPermissionDenied
    units = [
        (u.pk, f"{u.name} ({u.level})")
        for u in unit_list_for_user(user=request.user, programme=programme)
        if own.covers(u)
    ]
    action = request.POST.get("action", "")
    draft_id = _int(request.POST.get("draft") or request.GET.get("draft"))
    data: QueryDict | None = request.POST if request.method == "POST" else None
    if request.method == "GET" and draft_id is not None:
        try:
            draft = selectors.draft_get_for_user(user=request.user, draft_id=draft_id)
        except NotFound as error:
            raise Http404 from error
        data = _draft_post(draft.data)
    if request.method == "POST" and action in {"draft", "autosave", "add"}:
        try:
            draft = services.draft_save(
                actor=request.user,
                programme=programme,
                data=_draft_data(request),
                draft_id=draft_id,
            )
        except NotFound as error:
            raise Http404 from error
        except BarrioError as error:
            if action == "autosave":
                return JsonResponse(error.as_dict(), status=error.status)
            raise DjangoPermissionDenied from error
        if action == "autosave":
            return JsonResponse({"draft": draft.pk, "saved_at": draft.updated_at.isoformat()})
        draft_id = draft.pk
        if action == "draft":
            messages.success(request, _("The draft is saved; you can go on later."))
        if action == "add":
            data = request.POST.copy()
            total = _int(data.get("form-TOTAL_FORMS")) or 1
            data["form-TOTAL_FORMS"] = str(min(total + 1, 30))
    household_form = HouseholdForm(data, units=units)
    members = MemberFormSet(data)
    if request.method == "POST" and action == "register":
        household = _register(request, programme, household_form, members)
        if household is not None:
            if draft_id is not None:
                services.draft_delete(actor=request.user, draft_id=draft_id)
            messages.success(
                request, _("Household %(number)s is registered.") % {"number": household.pk}
            )
            return redirect("registry:household", household_id=household.pk)
    elif data is not None:
        # A draft reopened or a person added: show what was typed, not yet what is missing.
        _quiet(household_form, members)
    return render(
        request,
        "registry/register.html",
        {
            "programme": programme,
            "form": household_form,
            "members": members,
            "draft_id": draft_id,
            "drafts": selectors.draft_list_for_user(user=request.user, programme=programme),
        },
    )


def _register(
    request: HttpRequest, programme: Any, household_form: HouseholdForm, members: Any
) -> Any:
    """Register the household of valid forms; put every problem next to its field."""
    if not (household_form.is_valid() and members.is_valid()):
        messages.error(request, _("Some of the data is not valid; see the marked fields."))
        return None
    try:
        unit = unit_in_programme(programme=programme, unit_id=household_form.cleaned_data["unit"])
        if unit is None:
            raise NotFound()
        record = registration_record(household_form, members, local_today(programme))
        return services.household_register(
            actor=request.user, programme=programme, unit=unit, record=record
        )
    except (PermissionDenied, NotFound) as error:
        raise DjangoPermissionDenied from error
    except BarrioError as error:
        messages.error(request, str(error.message))
        show_service_errors(error.errors, household_form, members)
        return None


def _quiet(household_form: HouseholdForm, members: Any) -> None:
    household_form.errors.clear()
    for form in members.forms:
        form.errors.clear()
    members.non_form_errors().clear()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def draft_delete(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """Discard one of the user's drafts."""
    programme = programme_or_404(request, slug)
    if not selectors.may_register(request.user, programme):
        raise DjangoPermissionDenied
    services.draft_delete(actor=request.user, draft_id=draft_id)
    messages.success(request, _("The draft is discarded."))
    return redirect("registry:register", slug=programme.slug)


@login_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    """One household: personal values masked; "Show personal data" (POST) shows them to a
    role that may read them, and records that read in the audit log."""
    household = household_or_404(request, household_id)
    labels = dict(Vulnerability.choices)
    may_unmask = selectors.may_unmask(request.user, household)
    unmasked = False
    if request.method == "POST":
        if not may_unmask:
            raise DjangoPermissionDenied
        members = list(household.members.all())
        documents = [d for m in members for d in m.documents.all()]
        audit_personal_data_read(
            actor=request.user,
            objects=[household, *members, *documents],
            channel=Channel.PAGE,
            programme=household.programme,
        )
        unmasked = True
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "programme": household.programme,
            "members": household.members.all(),
            "vulnerability": [labels.get(code, code) for code in household.vulnerability],
            "unmasked": unmasked,
            "may_unmask": may_unmask,
            "may_pay": may_record_payment_details(request.user, household),
        },
    )
