"""Pages of the committee review: a member's queue and score form, the staff's overview
(committee, assignments, aggregates, decisions) and the committee's minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import BarrioError, NotFound
from barrio.money import format_cents
from barrio.participation import services
from barrio.participation.models import Call, Proposal
from barrio.participation.selectors import reviews as selectors
from barrio.participation.selectors.calls import call_get_for_user
from barrio.participation.selectors.proposals import attachment_list_for_user
from barrio.participation.views.review_forms import (
    AssignForm,
    CommitteeMemberForm,
    DecisionForm,
    DeclarationForm,
    ScoreForm,
)


def show_errors(form: Any, error: BarrioError, field_for: Any = None) -> None:
    """Put a service's errors on the form fields they name, the rest on the form."""
    if not error.errors:
        form.add_error(None, str(error.message))
    for field_error in error.errors:
        name = field_for(field_error.loc) if field_for else None
        if name is None:
            name = str(field_error.loc[0]) if field_error.loc else None
        form.add_error(name if name in form.fields else None, str(field_error.msg))


def _call(request: HttpRequest, call_id: int) -> Call:
    try:
        return call_get_for_user(user=request.user, call_id=call_id)
    except NotFound as error:
        raise Http404 from error


@login_required
def review_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The proposals assigned to the signed-in committee member, and only those."""
    try:
        programme = programme_get_for_user(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404 from error
    queue = selectors.review_queue_for_user(user=request.user, programme=programme)
    return render(
        request, "participation/reviews/queue.html", {"programme": programme, "queue": queue}
    )


@login_required
def review_assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """One assigned proposal: first the conflict-of-interest declaration, then the scores."""
    try:
        assignment = selectors.assignment_get_for_user(
            user=request.user, assignment_id=assignment_id
        )
    except NotFound as error:
        raise Http404 from error
    proposal = assignment.proposal
    criteria = list(proposal.call.criteria.all())
    declaring = assignment.declaration == assignment.Declaration.PENDING
    action = request.POST.get("action") if request.method == "POST" else None
    declaration = DeclarationForm(request.POST if action == "declare" else None)
    initial: dict[str, Any] = {}
    for score in assignment.scores.all():
        initial[f"score_{score.criterion.code}"] = score.value
        initial[f"reason_{score.criterion.code}"] = score.reason
    form = ScoreForm(
        request.POST if action == "score" else None, criteria=criteria, initial=initial
    )
    try:
        if action == "declare" and declaration.is_valid():
            services.review_declare(
                actor=request.user,
                assignment=assignment,
                conflict=declaration.cleaned_data["conflict"],
                reason=declaration.cleaned_data["reason"],
            )
            messages.success(request, _("Your declaration is recorded."))
            return redirect("participation:review_assignment", assignment.pk)
        if action == "score" and form.is_valid():
            services.review_score(actor=request.user, assignment=assignment, scores=form.entries())
            messages.success(request, _("Your scores are saved."))
            return redirect("participation:review_queue", proposal.call.programme.slug)
    except BarrioError as error:
        if action == "declare":
            show_errors(declaration, error)
        else:
            show_errors(form, error, form.field_for)
    return render(
        request,
        "participation/reviews/assignment.html",
        {
            "assignment": assignment,
            "proposal": proposal,
            "programme": proposal.call.programme,
            "declaring": declaring,
            "declaration_form": declaration,
            "form": form,
            "open": proposal.status == "under_review",
            "amount": format_cents(proposal.total_cents, proposal.call.programme.currency),
            "attachments": attachment_list_for_user(user=request.user, proposal=proposal),
        },
    )


def _overview_forms(request: HttpRequest, call: Call, action: str | None) -> dict[str, Any]:
    members = list(selectors.committee_list(call))
    post = request.POST if request.method == "POST" else None
    return {
        "member_form": CommitteeMemberForm(
            post if action == "member" else None,
            candidates=selectors.committee_candidates(user=request.user, call=call),
        ),
        "assign_form": AssignForm(post if action == "assign" else None, members=members),
        "decision_form": DecisionForm(post if action == "decide" else None),
        "members": members,
    }


FORM_OF = {"member": "member_form", "assign": "assign_form", "decide": "decision_form"}


def _act(request: HttpRequest, call: Call, action: str, forms: dict[str, Any]) -> bool:
    """Carry out one POSTed action of the overview; tell whether it succeeded."""
    user = request.user
    if not selectors.may_manage_committee(user, call.programme):
        raise DjangoPermissionDenied
    proposal = None
    if action in {"assign", "decide"}:
        try:
            proposal_id = int(request.POST.get("proposal", ""))
        except ValueError as error:
            raise Http404 from error
        proposal = Proposal.objects.filter(call=call, pk=proposal_id).first()
        if proposal is None:
            raise Http404
    form = forms[FORM_OF[action]]
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if action == "member":
            candidate = {u.pk: u for u in selectors.committee_candidates(user=user, call=call)}
            services.committee_member_add(
                actor=user,
                call=call,
                user=candidate[data["user"]],
                affiliation=data["affiliation"],
                organisation=data["organisation"],
            )
            messages.success(request, _("The member is on the committee."))
        elif action == "assign":
            assert proposal is not None
            member = next(m for m in forms["members"] if m.pk == data["member"])
            services.review_assign(actor=user, proposal=proposal, member=member)
            messages.success(request, _("The proposal is given to the member."))
        else:
            assert proposal is not None
            services.review_decide(
                actor=user, proposal=proposal, outcome=data["outcome"], reason=data["reason"]
            )
            messages.success(request, _("The decision is recorded and the group informed."))
    except BarrioError as error:
        show_errors(form, error)
        form.proposal_id = proposal.pk if proposal else None
        return False
    return True


def review_overview(request: HttpRequest, call_id: int) -> HttpResponse:
    """The staff's view of a call's review: the committee, each proposal's assignments and
    aggregate score, best first; the manager names members, assigns and decides here."""
    call = _call(request, call_id)
    if not selectors.may_see_review(request.user, call.programme):
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _overview_forms(request, call, action)
    if action in {"member", "assign", "decide"} and _act(request, call, action, forms):
        return redirect("participation:review_overview", call.pk)
    return render(
        request,
        "participation/reviews/overview.html",
        {
            "call": call,
            "programme": call.programme,
            "rows": selectors.review_overview(user=request.user, call=call),
            "may_manage": selectors.may_manage_committee(request.user, call.programme),
            "failed_action": action,
            "failed_proposal": request.POST.get("proposal") if action else None,
            **forms,
        },
    )


@login_required
def review_minutes(request: HttpRequest, call_id: int) -> HttpResponse:
    """The committee's minutes of the call as a PDF."""
    call = _call(request, call_id)
    try:
        pdf = services.review_minutes_pdf(actor=request.user, call=call)
    except NotFound as error:
        raise Http404 from error
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="acta-comite-{call.slug}.pdf"'
    return response
