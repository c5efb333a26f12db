"""Pages of calls: the list, a call with its steps, and the manager's form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import BarrioError
from barrio.money import format_cents
from barrio.participation import services
from barrio.participation.calendar import call_steps, in_programme_zone, open_step
from barrio.participation.forms.calls import CallForm, CriterionFormSet, criteria_from
from barrio.participation.models import Call, WorkKind
from barrio.participation.selectors.calls import (
    call_get_for_user,
    call_list_for_user,
    may_manage_calls,
)
from barrio.participation.selectors.groups import group_list_for_representative
from barrio.participation.selectors.proposals import may_see_staff_list, proposal_list_public
from barrio.participation.selectors.votes import election_list_for_user
from barrio.participation.views.assemblies import review_links
from barrio.participation.views.common import found, show_errors
from barrio.planning.selectors import approved_run_list
from barrio.territories.selectors import unit_list


def call_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The calls of a programme: published ones for all, drafts too for its staff."""
    programme = found(lambda: programme_get_for_user(user=request.user, slug=slug))
    calls = call_list_for_user(user=request.user, programme=programme)
    rows = [(call, open_step(call)) for call in calls]
    return render(
        request,
        "participation/calls/list.html",
        {
            "programme": programme,
            "rows": rows,
            "may_manage": may_manage_calls(request.user, programme),
        },
    )


def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    """A call: its steps in the programme's time zone, what it funds, where and how judged."""
    call = found(lambda: call_get_for_user(user=request.user, call_id=call_id))
    programme = call.programme
    now = timezone.now()
    current = open_step(call, now)
    steps = [
        (
            step,
            in_programme_zone(programme, step.starts_at),
            in_programme_zone(programme, step.ends_at) if step.ends_at else None,
        )
        for step in call_steps(call)
    ]
    groups = group_list_for_representative(user=request.user, programme_id=programme.pk)
    return render(
        request,
        "participation/calls/detail.html",
        {
            "programme": programme,
            "call": call,
            "steps": steps,
            "current": current,
            "kinds": [WorkKind(kind).label for kind in call.kinds if kind in WorkKind.values],
            "max_project": format_cents(call.max_project_cents, programme.currency),
            "total": format_cents(call.total_cents, programme.currency),
            "units": list(call.units.order_by("name")),
            "may_manage": may_manage_calls(request.user, programme),
            "may_propose": bool(groups) and call.status == Call.Status.PUBLISHED,
            "may_list": may_see_staff_list(request.user, call),
            **review_links(request, call),
            "zone": programme.time_zone,
            "proposals": [
                (proposal, format_cents(proposal.total_cents, programme.currency))
                for proposal in proposal_list_public(call=call)
            ],
            "has_votes": election_list_for_user(user=request.user, call=call).exists(),
        },
    )


def _form_context(request: HttpRequest, programme: Any, call: Call | None) -> dict[str, Any]:
    units = unit_list(within=programme.units.all()).exclude(level__in=["entidad", "país"])
    choices = [
        (u.pk, f"{u.name} ({u.code})")
        for u in units.select_related(None).only("pk", "name", "code")[:5000]
    ]
    runs = approved_run_list(programme=programme)
    initial = CallForm.initial_for(call) if call else {}
    form = CallForm(
        request.POST or None, programme=programme, units=choices, runs=runs, initial=initial
    )
    criteria_initial = (
        [
            {"code": c.code, "name": c.name, "weight": c.weight, "scale_max": c.scale_max}
            for c in call.criteria.all()
        ]
        if call
        else []
    )
    formset = CriterionFormSet(request.POST or None, prefix="criteria", initial=criteria_initial)
    return {"programme": programme, "form": form, "formset": formset, "call": call}


def _save(request: HttpRequest, context: dict[str, Any]) -> Call | None:
    form, formset = context["form"], context["formset"]
    if request.method != "POST" or not (form.is_valid() and formset.is_valid()):
        return None
    spec = form.spec(criteria_from(formset))
    try:
        if context["call"] is None:
            return services.call_create(
                actor=request.user, programme=context["programme"], spec=spec
            )
        return services.call_update(actor=request.user, call=context["call"], spec=spec)
    except BarrioError as error:
        show_errors(
            form,
            error,
            {
                "max_project_cents": "max_project",
                "total_cents": "total",
                "targeting_run": "units_from",
                "criteria": "__all__",
            },
        )
        return None


@login_required
def call_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Write a new call (a draft until published)."""
    programme = found(lambda: programme_get_for_user(user=request.user, slug=slug))
    if not may_manage_calls(request.user, programme):
        raise DjangoPermissionDenied
    context = _form_context(request, programme, None)
    call = _save(request, context)
    if call is not None:
        messages.success(request, _("The call is saved as a draft."))
        return redirect("participation:call_detail", call.pk)
    return render(request, "participation/calls/form.html", context)


@login_required
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    """Change a call's dates, units, kinds, amounts, documents and criteria."""
    call = found(lambda: call_get_for_user(user=request.user, call_id=call_id))
    if not may_manage_calls(request.user, call.programme):
        raise DjangoPermissionDenied
    context = _form_context(request, call.programme, call)
    saved = _save(request, context)
    if saved is not None:
        messages.success(request, _("The call is saved."))
        return redirect("participation:call_detail", saved.pk)
    return render(request, "participation/calls/form.html", context)


@require_POST
@login_required
def call_publish(request: HttpRequest, call_id: int) -> HttpResponse:
    """Publish a draft call (refused, with the reasons, when it is not complete)."""
    call = found(lambda: call_get_for_user(user=request.user, call_id=call_id))
    if not may_manage_calls(request.user, call.programme):
        raise DjangoPermissionDenied
    try:
        services.call_publish(actor=request.user, call=call)
    except BarrioError as error:
        for problem in error.errors or [error]:
            messages.error(request, str(getattr(problem, "msg", error.message)))
    else:
        messages.success(request, _("The call is published."))
    return redirect("participation:call_detail", call.pk)
