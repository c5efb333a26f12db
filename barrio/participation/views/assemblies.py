"""Pages of neighbourhood assemblies: the list of a call's assemblies, the form that opens a
record, the record itself (attendance, votes, committees, closing), its minutes, and the
public list of approved proposals with their committees."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.permissions import Action, scope
from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import BarrioError, NotFound
from barrio.participation import services
from barrio.participation.models import Assembly, Call, Proposal
from barrio.participation.selectors import assemblies as selectors
from barrio.participation.selectors import reviews as review_selectors
from barrio.participation.views.review_forms import (
    AssemblyForm,
    AttendanceForm,
    CommitteeForm,
    TallyForm,
    VoteForm,
)
from barrio.participation.views.reviews import _call, show_errors


def _recordable_units(request: HttpRequest, call: Call) -> list[Any]:
    """The call's units where the user may record an assembly."""
    where = scope(request.user, Action.ASSEMBLY_RECORD, call.programme)
    return [unit for unit in call.units.all() if where.covers(unit)]


def assembly_list(request: HttpRequest, call_id: int) -> HttpResponse:
    """The call's assemblies the staff member may read."""
    call = _call(request, call_id)
    assemblies = selectors.assembly_list_for_user(user=request.user, call=call)
    may_record = selectors.may_record_assembly(request.user, call.programme)
    if not may_record and not _sees(request, call):
        raise Http404
    return render(
        request,
        "participation/assemblies/list.html",
        {
            "call": call,
            "programme": call.programme,
            "assemblies": assemblies,
            "may_record": may_record,
        },
    )


def _sees(request: HttpRequest, call: Call) -> bool:
    return not scope(request.user, Action.PROPOSAL_STAFF_VIEW, call.programme).is_empty


@login_required
def assembly_new(request: HttpRequest, call_id: int) -> HttpResponse:
    """Open the record of an assembly: when, where, quorum, and the admitted proposals."""
    call = _call(request, call_id)
    if not selectors.may_record_assembly(request.user, call.programme):
        raise DjangoPermissionDenied
    units = _recordable_units(request, call)
    proposals = list(selectors.admitted_proposals(call=call, unit_ids=[u.pk for u in units]))
    form = AssemblyForm(request.POST or None, units=units, proposals=proposals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [p for p in proposals if p.pk in set(data["proposals"])]
        unit = next(u for u in units if u.pk == data["unit"])
        try:
            assembly = services.assembly_create(
                actor=request.user,
                call=call,
                unit=unit,
                held_at=data["held_at"],
                place=data["place"],
                proposals=chosen,
                quorum_min_attendees=data["quorum_min_attendees"],
                quorum_share_percent=data["quorum_share_percent"],
                quorum_base=data["quorum_base"],
                voting=data["voting"],
                notes=data["notes"],
            )
        except BarrioError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The assembly's record is open."))
            return redirect("participation:assembly", assembly.pk)
    return render(
        request,
        "participation/assemblies/new.html",
        {"call": call, "programme": call.programme, "form": form},
    )


def _assembly(request: HttpRequest, assembly_id: int) -> Assembly:
    try:
        return selectors.assembly_get_for_user(user=request.user, assembly_id=assembly_id)
    except NotFound as error:
        raise Http404 from error


ACTIONS = ("attendance", "tally", "vote", "committee", "close")


def _carry_out(request: HttpRequest, assembly: Assembly, action: str, form: Any) -> None:
    """Call the service of one POSTed action (the form is valid)."""
    data = form.cleaned_data if form is not None else {}
    agenda = {item.proposal_id: item.proposal for item in assembly.agenda.all()}
    user = request.user
    if action == "attendance":
        services.attendance_record(actor=user, assembly=assembly, names=form.lines())
        messages.success(request, _("The attendance list is updated."))
    elif action in {"tally", "vote", "committee"} and data["proposal"] not in agenda:
        raise Http404
    elif action == "tally":
        services.tally_record(
            actor=user,
            assembly=assembly,
            proposal=agenda[data["proposal"]],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            abstentions=data["abstentions"],
        )
        messages.success(request, _("The votes are recorded."))
    elif action == "vote":
        attendee = assembly.attendees.get(pk=data["attendee"])
        services.vote_cast(
            actor=user,
            assembly=assembly,
            proposal=agenda[data["proposal"]],
            attendee=attendee,
            choice=data["choice"],
        )
        messages.success(request, _("The vote is recorded."))
    elif action == "committee":
        services.committee_elect(
            actor=user,
            assembly=assembly,
            proposal=agenda[data["proposal"]],
            kind=data["kind"],
            members=form.pairs(),
        )
        messages.success(request, _("The committee is recorded."))
    else:
        services.assembly_close(actor=user, assembly=assembly)
        messages.success(request, _("The assembly's record is closed and the results count."))


def assembly(request: HttpRequest, assembly_id: int) -> HttpResponse:
    """An assembly's record: staff read it; recorders add attendance, votes and committees,
    then close it (quorum checked, results applied)."""
    record = _assembly(request, assembly_id)
    may_record = selectors.may_record_assembly(request.user, record.call.programme) and scope(
        request.user, Action.ASSEMBLY_RECORD, record.call.programme
    ).covers(record.unit)
    minutes = selectors.assembly_minutes_rows(user=request.user, assembly=record)
    attendees = list(record.attendees.all()) if record.voting == "individual" else []
    agenda = [item.proposal for item in minutes.items]
    action = request.POST.get("action") if request.method == "POST" else None
    post = request.POST if action else None
    forms: dict[str, Any] = {
        "attendance": AttendanceForm(post if action == "attendance" else None),
        "tally": TallyForm(post if action == "tally" else None),
        "vote": VoteForm(post if action == "vote" else None, attendees=attendees),
        "committee": CommitteeForm(post if action == "committee" else None, proposals=agenda),
    }
    if action is not None:
        if action not in ACTIONS:
            raise Http404
        if not may_record:
            raise DjangoPermissionDenied
        form = forms.get(action)
        if form is None or form.is_valid():
            try:
                _carry_out(request, record, action, form)
            except BarrioError as error:
                if form is None:
                    messages.error(request, str(error.message))
                    for field_error in error.errors:
                        messages.error(request, str(field_error.msg))
                else:
                    show_errors(form, error)
            else:
                return redirect("participation:assembly", record.pk)
    if minutes.elected:
        audit_personal_data_read(
            actor=request.user,
            objects=minutes.elected,
            channel=Channel.PAGE,
            programme=record.call.programme,
        )
    return render(
        request,
        "participation/assemblies/detail.html",
        {
            "assembly": record,
            "call": record.call,
            "programme": record.call.programme,
            "minutes": minutes,
            "may_record": may_record and record.status == Assembly.Status.OPEN,
            "forms": forms,
            "failed_action": action,
            "failed_proposal": request.POST.get("proposal") if action else None,
            "attendees": attendees,
        },
    )


@login_required
def assembly_minutes(request: HttpRequest, assembly_id: int) -> HttpResponse:
    """The assembly's minutes as a PDF (names of the elected: an audited read)."""
    record = _assembly(request, assembly_id)
    pdf = services.assembly_minutes_pdf(actor=request.user, assembly=record)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="acta-asamblea-{record.pk}.pdf"'
    return response


def approved_proposals(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's proposals approved by an assembly with their elected committees.

    Public: titles, units and the committees' offices; the names of the elected residents
    only for the programme's staff in scope, and each showing is audited.
    """
    try:
        programme = programme_get_for_user(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404 from error
    proposals = list(selectors.approved_proposals_with_committees(programme))
    named = [p for p in proposals if selectors.may_read_committee_names(request.user, p)]
    shown = [
        member
        for proposal in named
        for committee in proposal.resident_committees.all()
        for member in committee.members.all()
    ]
    if shown:
        audit_personal_data_read(
            actor=request.user, objects=shown, channel=Channel.PAGE, programme=programme
        )
    return render(
        request,
        "participation/assemblies/approved.html",
        {
            "programme": programme,
            "proposals": proposals,
            "named": {p.pk for p in named},
        },
    )


def review_links(request: HttpRequest, call: Call) -> dict[str, bool]:
    """Which review and assembly pages of ``call`` the call's page offers the visitor."""
    programme = call.programme
    return {
        "may_review": not scope(request.user, Action.PROPOSAL_REVIEW, programme).is_empty,
        "may_see_review": review_selectors.may_see_review(request.user, programme),
    }


def committees_context(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    """The residents' committees elected for ``proposal``, for its page: offices for all,
    names for the programme's staff in scope (each showing audited)."""
    committees = selectors.proposal_committees(proposal)
    show_names = bool(committees) and selectors.may_read_committee_names(request.user, proposal)
    if show_names:
        audit_personal_data_read(
            actor=request.user,
            objects=[m for c in committees for m in c.members.all()],
            channel=Channel.PAGE,
            programme=proposal.call.programme,
        )
    return {"committees": committees, "show_committee_names": show_names}
