"""Pages of proposals: the group's step-by-step form, and the public page of each."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from barrio.errors import BarrioError
from barrio.money import format_cents
from barrio.participation import services
from barrio.participation.calendar import CallStep, open_step
from barrio.participation.forms.proposals import (
    STEP_NAMES,
    STEPS,
    AttachmentForm,
    BasicsForm,
    BudgetFormSet,
    PersonForm,
    PlaceForm,
    ProjectForm,
    TimelineFormSet,
    budget_from,
    spec_of,
    timeline_from,
)
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import Call, Proposal, WorkKind
from barrio.participation.permissions import may_speak_for_group
from barrio.participation.selectors.calls import call_get_for_user
from barrio.participation.selectors.groups import group_list_for_representative
from barrio.participation.selectors.proposals import (
    attachment_get_for_user,
    attachment_list_for_user,
    proposal_get_for_user,
    proposal_may_edit,
)
from barrio.participation.services.proposals import submission_problems
from barrio.participation.specs import ProposalSpec
from barrio.participation.views.assemblies import committees_context
from barrio.participation.views.common import found, show_errors
from barrio.territories.selectors import unit_geometry, unit_list


def _unit_choices(call: Call) -> list[tuple[int, str]]:
    return [(u.pk, f"{u.name} ({u.code})") for u in call.units.order_by("name")]


@login_required
def proposal_new(request: HttpRequest, call_id: int) -> HttpResponse:
    """Start a proposal: the group, its title, kind and unit; saved as a draft."""
    call = found(lambda: call_get_for_user(user=request.user, call_id=call_id))
    groups = group_list_for_representative(user=request.user, programme_id=call.programme_id)
    if not groups:
        raise DjangoPermissionDenied
    form = BasicsForm(
        request.POST or None,
        groups=[(g.pk, f"{g.name} · {g.unit.name}") for g in groups],
        kinds=call.kinds,
        units=_unit_choices(call),
    )
    if request.method == "POST" and form.is_valid():
        group = next(g for g in groups if str(g.pk) == form.cleaned_data["group"])
        spec = form.apply(ProposalSpec(title="", kind="", unit_id=0))
        try:
            proposal = services.proposal_create(
                actor=request.user, call=call, group=group, spec=spec
            )
        except BarrioError as error:
            show_errors(form, error, {"unit_id": "unit"})
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("participation:proposal_step", proposal.pk, "place")
    return render(
        request,
        "participation/proposals/step_basics.html",
        {"call": call, "form": form, "steps": [], "step": "basics"},
    )


def _editable(request: HttpRequest, proposal_id: int) -> Proposal:
    proposal = found(lambda: proposal_get_for_user(user=request.user, proposal_id=proposal_id))
    if not may_speak_for_group(request.user, proposal.group):
        raise DjangoPermissionDenied
    return proposal


def _update(request: HttpRequest, proposal: Proposal, spec: ProposalSpec, form: Any) -> bool:
    try:
        services.proposal_update(actor=request.user, proposal=proposal, spec=spec)
    except BarrioError as error:
        show_errors(
            form, error, {"unit_id": "unit", "budget_lines": "__all__", "location": "__all__"}
        )
        return False
    return True


def _next(proposal: Proposal, step: str) -> HttpResponse:
    following = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
    return redirect("participation:proposal_step", proposal.pk, following)


def _basics(request: HttpRequest, proposal: Proposal, context: dict[str, Any]) -> Any:
    form = BasicsForm(
        request.POST or None,
        groups=None,
        kinds=proposal.call.kinds,
        units=_unit_choices(proposal.call),
        initial={"title": proposal.title, "kind": proposal.kind, "unit": proposal.unit_id},
    )
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        return _update(request, proposal, form.apply(spec_of(proposal)), form)
    return False


def _place(request: HttpRequest, proposal: Proposal, context: dict[str, Any]) -> Any:
    form = PlaceForm(
        request.POST or None,
        initial={"location": json.dumps(proposal.location) if proposal.location else ""},
    )
    context.update(
        form=form,
        boundary=unit_geometry(unit_id=proposal.unit_id),
        tile_url=settings.BARRIO_MAP_TILE_URL,
    )
    if request.method == "POST" and form.is_valid():
        return _update(request, proposal, form.apply(spec_of(proposal)), form)
    return False


def _project(request: HttpRequest, proposal: Proposal, context: dict[str, Any]) -> Any:
    form = ProjectForm(
        request.POST or None,
        initial={
            "diagnosis": proposal.diagnosis,
            "objectives": proposal.objectives,
            "beneficiaries": proposal.beneficiaries,
            "beneficiary_count": proposal.beneficiary_count,
        },
    )
    formset = TimelineFormSet(request.POST or None, prefix="timeline", initial=proposal.timeline)
    context.update(form=form, formset=formset)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        spec = form.apply(spec_of(proposal), timeline_from(formset))
        return _update(request, proposal, spec, form)
    return False


def _budget(request: HttpRequest, proposal: Proposal, context: dict[str, Any]) -> Any:
    initial = [
        {
            "concept": line.concept,
            "quantity": line.quantity.normalize(),
            "unit": line.unit,
            "unit_cost": line.unit_cost_cents / 100,
        }
        for line in proposal.budget_lines.all()
    ]
    formset = BudgetFormSet(request.POST or None, prefix="budget", initial=initial)
    currency = proposal.call.programme.currency
    context.update(
        formset=formset,
        form=formset,
        lines=[
            (line, format_cents(line.total_cents, currency)) for line in proposal.budget_lines.all()
        ],
        total=format_cents(proposal.total_cents, currency),
        cap=format_cents(proposal.call.max_project_cents, currency),
        currency=currency,
    )
    if request.method == "POST" and formset.is_valid():
        spec = spec_of(proposal)
        try:
            services.proposal_update(
                actor=request.user,
                proposal=proposal,
                spec=replace(spec, budget_lines=budget_from(formset)),
            )
        except BarrioError as error:
            context["errors"] = [str(e.msg) for e in error.errors] or [str(error.message)]
            return False
        return "stay" if request.POST.get("more") else True
    return False


def _add_or_remove(
    request: HttpRequest,
    form: Any,
    add: Callable[[dict[str, Any]], object],
    remove: Callable[[int], None],
    done: str,
) -> Any:
    """A step that lists things the group adds (files, signatures): add one from the form,
    or remove the one whose id the button names."""
    if request.method != "POST":
        return False
    if request.POST.get("remove"):
        try:
            remove(int(request.POST["remove"]))
        except (BarrioError, ValueError):
            raise Http404 from None
        return "stay"
    if not form.is_valid():
        return False
    try:
        add(form.cleaned_data)
    except BarrioError as error:
        show_errors(form, error, {"unit_id": "unit"})
        return False
    messages.success(request, done)
    return "stay"


def _documents(request: HttpRequest, proposal: Proposal, context: dict[str, Any]) -> Any:
    form = AttachmentForm(
        request.POST or None, request.FILES or None, documents=proposal.call.required_documents
    )
    context.update(form=form, attachments=list(proposal.attachments.all()))
    return _add_or_remove(
        request,
        form,
        lambda data: services.attachment_add(
            actor=request.user,
            proposal=proposal,
            upload=data["file"],
            title=data["title"],
            document=data["document"],
        ),
        lambda pk: services.attachment_remove(
            actor=request.user, proposal=proposal, attachment_id=pk
        ),
        _("The file is attached."),
    )


def _support(request: HttpRequest, proposal: Proposal, context: dict[str, Any]) -> Any:
    units = [(u.pk, f"{u.name} ({u.code})") for u in unit_list(within=[proposal.unit])[:200]]
    form = PersonForm(request.POST or None, units=units, initial={"unit": proposal.unit_id})
    context.update(
        form=form,
        signature_count=proposal.signatures.count(),
        minimum=proposal.call.min_signatures,
    )
    return _add_or_remove(
        request,
        form,
        lambda data: services.signature_add(
            actor=request.user,
            proposal=proposal,
            full_name=data["full_name"],
            document_number=data["document_number"],
            unit_id=int(data["unit"]),
        ),
        lambda pk: services.signature_remove(
            actor=request.user, proposal=proposal, signature_id=pk
        ),
        _("The signature is recorded."),
    )


def _send(request: HttpRequest, proposal: Proposal, context: dict[str, Any]) -> Any:
    currency = proposal.call.programme.currency
    context.update(
        problems=[str(problem.msg) for problem in submission_problems(proposal)],
        total=format_cents(proposal.total_cents, currency),
        kind=WorkKind(proposal.kind).label if proposal.kind in WorkKind.values else "",
        step_open=open_step(proposal.call) == CallStep.SUBMISSION
        or (
            proposal.status == ProposalStatus.RETURNED
            and open_step(proposal.call) == CallStep.REVIEW
        ),
    )
    return False


HANDLERS = {
    "basics": _basics,
    "place": _place,
    "project": _project,
    "budget": _budget,
    "documents": _documents,
    "support": _support,
    "send": _send,
}


@login_required
def proposal_step(request: HttpRequest, proposal_id: int, step: str) -> HttpResponse:
    """One step of the group's form; saving goes on to the next step."""
    if step not in HANDLERS:
        raise Http404
    proposal = _editable(request, proposal_id)
    if not proposal_may_edit(request.user, proposal):
        messages.info(request, _("This proposal is submitted; it cannot be changed now."))
        return redirect("participation:proposal_detail", proposal.pk)
    context: dict[str, Any] = {
        "proposal": proposal,
        "call": proposal.call,
        "step": step,
        "steps": [(name, STEP_NAMES[name]) for name in STEPS],
        "step_name": STEP_NAMES[step],
    }
    done = HANDLERS[step](request, proposal, context)
    if done == "stay":
        return redirect("participation:proposal_step", proposal.pk, step)
    if done:
        messages.success(request, _("The draft is saved."))
        return _next(proposal, step)
    return render(request, f"participation/proposals/step_{step}.html", context)


@require_POST
@login_required
def proposal_submit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Submit the proposal; on refusal, back to the last step with the reasons."""
    proposal = _editable(request, proposal_id)
    try:
        submitted = services.proposal_submit(actor=request.user, proposal=proposal)
    except BarrioError as error:
        for problem in error.errors or [error]:
            messages.error(request, str(getattr(problem, "msg", error.message)))
        return redirect("participation:proposal_step", proposal.pk, "send")
    messages.success(
        request,
        _("The proposal is submitted with reference %(reference)s.")
        % {"reference": submitted.reference},
    )
    return redirect("participation:proposal_detail", submitted.pk)


def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The public page of a proposal: what, where, how much, its status and its history.

    No personal data: the group's name and unit, never its members or signatories.
    """
    proposal = found(lambda: proposal_get_for_user(user=request.user, proposal_id=proposal_id))
    currency = proposal.call.programme.currency
    return render(
        request,
        "participation/proposals/detail.html",
        {
            "proposal": proposal,
            "call": proposal.call,
            "kind": WorkKind(proposal.kind).label if proposal.kind in WorkKind.values else "",
            "lines": [
                (
                    line,
                    format_cents(line.unit_cost_cents, currency),
                    format_cents(line.total_cents, currency),
                )
                for line in proposal.budget_lines.all()
            ],
            "total": format_cents(proposal.total_cents, currency),
            "history": list(proposal.transitions.all()),
            "boundary": unit_geometry(unit_id=proposal.unit_id),
            "location": json.dumps(proposal.location) if proposal.location else "",
            "may_edit": proposal_may_edit(request.user, proposal),
            "attachments": attachment_list_for_user(user=request.user, proposal=proposal),
            "tile_url": settings.BARRIO_MAP_TILE_URL,
            **committees_context(request, proposal),
        },
    )


def attachment_file(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A proposal's file: a photo shown in the page, a PDF downloaded, each with the type
    checked when it was uploaded (never the browser's guess)."""
    attachment = found(
        lambda: attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    is_photo = attachment.kind == attachment.Kind.PHOTO
    extension = attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else ""
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not is_photo,
        filename=f"{attachment.proposal.reference or 'proposal'}-{attachment.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Photos of a public proposal may be cached; documents only by the reader's browser.
    response["Cache-Control"] = "private, max-age=300" if not is_photo else "max-age=3600"
    return response
