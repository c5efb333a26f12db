"""Pages of votes: set one up, open and close it, vote, compare runs, approve, read results."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from barrio.accounts.permissions import Action, may
from barrio.errors import BarrioError, NotFound
from barrio.money import format_cents
from barrio.participation.models import (
    AllocationRule,
    AllocationRun,
    BallotKind,
    Call,
    Election,
)
from barrio.participation.selectors import allocation as outcomes
from barrio.participation.selectors import votes as selectors
from barrio.participation.services import (
    Choice,
    PotSpec,
    RunSpec,
    VoteSpec,
    allocation_run_approve,
    allocation_run_start,
    ballot_cast,
    vote_close_and_allocate,
    vote_create,
    vote_open,
)
from barrio.participation.services.ballots import may_vote_in


def or_404(call: Any) -> Any:
    try:
        return call()
    except NotFound as error:
        raise Http404 from error


def election_or_404(request: HttpRequest, election_id: int) -> Election:
    return or_404(
        lambda: selectors.election_get_for_user(user=request.user, election_id=election_id)
    )


class VoteForm(forms.Form):
    """A vote of a call: a pot's budget per eligible unit (blank: no pot) and one for all."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Voting opens"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Voting closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ballot_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of ballot"), choices=BallotKind.choices
    )
    max_choices = forms.IntegerField(
        label=gettext_lazy("Most projects a ballot may choose or rank"), required=False, min_value=1
    )
    points = forms.IntegerField(
        label=gettext_lazy("Points each voter spreads"), required=False, min_value=1
    )
    max_points_per_project = forms.IntegerField(
        label=gettext_lazy("Most points per project"), required=False, min_value=1
    )
    validation = forms.ChoiceField(
        label=gettext_lazy("Who may vote"),
        choices=Election.Validation.choices,
        initial=Election.Validation.SIGNED_IN_RESIDENT,
        required=False,
    )
    allow_change = forms.BooleanField(
        label=gettext_lazy("Residents may change their ballot until the close"), required=False
    )
    rule = forms.ChoiceField(label=gettext_lazy("Rule"), choices=AllocationRule.choices)
    threshold = forms.IntegerField(
        label=gettext_lazy("Minimum votes (for the threshold rule)"), required=False, min_value=1
    )
    tie_breaking = forms.ChoiceField(
        label=gettext_lazy("Tie-breaking"), choices=Election.TieBreak.choices
    )
    seed = forms.IntegerField(label=gettext_lazy("Seed of the lot"), initial=0, min_value=0)
    whole_budget = forms.DecimalField(
        label=gettext_lazy("Budget for projects of the whole programme"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = list(call.units.order_by("code")) or list(call.programme.units.all())
        for unit in self.units:
            self.fields[f"budget_{unit.pk}"] = forms.DecimalField(
                label=_("Budget of %(unit)s") % {"unit": unit.name},
                required=False,
                min_value=Decimal("0.01"),
                decimal_places=2,
            )

    def pot_fields(self) -> list[Any]:
        """The bound fields of the pots' budgets, for the template."""
        return [self[f"budget_{unit.pk}"] for unit in self.units] + [self["whole_budget"]]

    def spec(self) -> VoteSpec:
        """The cleaned form as the service's spec (budgets in cents)."""
        data = self.cleaned_data
        pots = [
            PotSpec(unit.name, int(data[f"budget_{unit.pk}"] * 100), unit.pk)
            for unit in self.units
            if data.get(f"budget_{unit.pk}")
        ]
        if data.get("whole_budget"):
            pots.append(PotSpec(_("Whole programme"), int(data["whole_budget"] * 100), None))
        return VoteSpec(
            title=data["title"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            ballot_kind=data["ballot_kind"],
            rule=data["rule"],
            pots=tuple(pots),
            max_choices=data.get("max_choices"),
            points=data.get("points"),
            max_points_per_project=data.get("max_points_per_project"),
            allow_change=bool(data.get("allow_change")),
            tie_breaking=data["tie_breaking"],
            seed=data.get("seed") or 0,
            threshold=data.get("threshold"),
            validation=data.get("validation") or Election.Validation.SIGNED_IN_RESIDENT,
        )


def _show(form: forms.Form, error: BarrioError) -> None:
    """Put a service's errors on the fields they name, the rest on the form."""
    if not error.errors:
        form.add_error(None, str(error.message))
    for field_error in error.errors:
        name = str(field_error.loc[0]) if field_error.loc else None
        form.add_error(name if name in form.fields else None, str(field_error.msg))


def vote_list(request: HttpRequest, call_id: int) -> HttpResponse:
    """The votes of a call that the visitor may see."""
    call = or_404(lambda: selectors.call_for_votes(user=request.user, call_id=call_id))
    return render(
        request,
        "participation/votes/list.html",
        {
            "call": call,
            "elections": selectors.election_list_for_user(user=request.user, call=call),
            "may_manage": selectors.may_manage_votes(request.user, call.programme),
        },
    )


@login_required
def vote_new(request: HttpRequest, call_id: int) -> HttpResponse:
    """Set up a vote of a call: its period, ballot, rule and pots."""
    call = or_404(lambda: selectors.call_for_votes(user=request.user, call_id=call_id))
    if not selectors.may_manage_votes(request.user, call.programme):
        raise DjangoPermissionDenied
    form = VoteForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            election = vote_create(actor=request.user, call=call, spec=form.spec())
        except BarrioError as error:
            _show(form, error)
        else:
            messages.success(request, _("The vote is saved as a draft."))
            return redirect("participation:vote", election.pk)
    return render(request, "participation/votes/new.html", {"call": call, "form": form})


def vote_detail(request: HttpRequest, election_id: int) -> HttpResponse:
    """A vote: its pots and ballots, where the visitor may vote, and its runs for the staff."""
    election = election_or_404(request, election_id)
    programme = election.call.programme
    pots = list(election.pots.select_related("unit").prefetch_related("items__proposal"))
    voted = selectors.voted_pot_ids(request.user, election)
    may_see_runs = selectors.may_see_vote_drafts(request.user, programme)
    return render(
        request,
        "participation/votes/detail.html",
        {
            "election": election,
            "programme": programme,
            "pots": [
                (
                    pot,
                    format_cents(pot.budget_cents, programme.currency),
                    may_vote_in(request.user, pot),
                    pot.pk in voted,
                )
                for pot in pots
            ],
            "may_manage": selectors.may_manage_votes(request.user, programme),
            "runs": selectors.run_list_for_user(user=request.user, election=election)
            if may_see_runs
            else [],
            "rules": AllocationRule.choices,
            "published": selectors.published_run(election),
            "may_see_census": may(request.user, Action.CENSUS_VIEW, programme=programme),
            "may_see_stations": may_see_runs
            or election.stations.filter(officials__user_id=request.user.pk or 0).exists(),
        },
    )


@require_POST
@login_required
def vote_open_view(request: HttpRequest, election_id: int) -> HttpResponse:
    """Open a draft vote: its proposals go on the ballot."""
    election = election_or_404(request, election_id)
    try:
        vote_open(actor=request.user, election=election)
    except BarrioError as error:
        if error.status == 403:
            raise DjangoPermissionDenied from error
        for message in [str(error.message)] + [str(e.msg) for e in error.errors]:
            messages.error(request, message)
    else:
        messages.success(request, _("The vote is open."))
    return redirect("participation:vote", election.pk)


@require_POST
@login_required
def vote_close_view(request: HttpRequest, election_id: int) -> HttpResponse:
    """Close an open vote whose period is over and follow the run of its rule."""
    election = election_or_404(request, election_id)
    try:
        _closed, job = vote_close_and_allocate(actor=request.user, election=election)
    except BarrioError as error:
        if error.status == 403:
            raise DjangoPermissionDenied from error
        messages.error(request, str(error.message))
        return redirect("participation:vote", election.pk)
    messages.success(request, _("The vote is closed; its allocation is being computed."))
    return redirect("jobs:detail", job.pk)


def choices_from(post: Any, election: Election, items: list[Any]) -> list[Choice]:
    """Read the ballot form: ticked boxes, or a number (points, rank) next to each project."""
    if election.ballot_kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        ticked = set(post.getlist("choice"))
        return [Choice(item.proposal_id) for item in items if str(item.proposal_id) in ticked]
    chosen = []
    for item in items:
        text = post.get(f"value-{item.proposal_id}", "").strip()
        if not text:
            continue
        try:
            value = int(Decimal(text))
        except (InvalidOperation, ValueError):
            value = 0  # refused by the service with the project named
        if value or text != "0":
            chosen.append(Choice(item.proposal_id, value))
    return chosen


@login_required
def ballot(request: HttpRequest, election_id: int, pot_id: int) -> HttpResponse:
    """The ballot of a pot: the rules in plain words, the projects, a running total."""
    election = election_or_404(request, election_id)
    pot = or_404(lambda: selectors.pot_get(election=election, pot_id=pot_id))
    if not may_vote_in(request.user, pot):
        raise DjangoPermissionDenied
    items = list(selectors.ballot_items(pot))
    errors: list[str] = []
    chosen: dict[int, int] = {}
    if request.method == "POST":
        choices = choices_from(request.POST, election, items)
        chosen = {c.proposal_id: c.value for c in choices}
        try:
            cast = ballot_cast(actor=request.user, pot=pot, choices=choices)
        except BarrioError as error:
            errors = ballot_errors(error, choices, items)
        else:
            return render(
                request,
                "participation/votes/receipt.html",
                {"election": election, "pot": pot, "cast": cast},
            )
    context = ballot_context(election, pot, items, chosen, errors)
    context["voted"] = pot.pk in selectors.voted_pot_ids(request.user, election)
    return render(request, "participation/votes/ballot.html", context)


def ballot_context(
    election: Election, pot: Any, items: list[Any], chosen: dict[int, int], errors: list[str]
) -> dict[str, Any]:
    """What the ballot page shows: the rules, the projects as chosen so far, the totals."""
    currency = election.call.programme.currency
    return {
        "election": election,
        "pot": pot,
        "budget": format_cents(pot.budget_cents, currency),
        "rules": selectors.ballot_rule_sentences(election, pot),
        "rows": [
            (item, format_cents(item.cost_cents, currency), chosen.get(item.proposal_id))
            for item in items
        ],
        "errors": errors,
        "used": format_cents(sum(i.cost_cents for i in items if i.proposal_id in chosen), currency),
        "chosen_count": len(chosen),
        "points_given": sum(chosen.values()),
        "currency": currency,
    }


def ballot_errors(error: BarrioError, choices: list[Choice], items: list[Any]) -> list[str]:
    """The service's errors as sentences, a choice's error led by the project's title."""
    titles = {item.proposal_id: item.proposal.title for item in items}
    found = []
    for problem in error.errors:
        if len(problem.loc) >= 2 and isinstance(problem.loc[1], int):
            choice = choices[problem.loc[1]]
            title = titles.get(choice.proposal_id, "")
            found.append(f"{title}: {problem.msg}" if title else str(problem.msg))
        else:
            found.append(str(problem.msg))
    return found or [str(error.message)]


@require_POST
@login_required
def run_new(request: HttpRequest, election_id: int) -> HttpResponse:
    """Decide the closed vote with another rule, to compare it before approving one."""
    election = election_or_404(request, election_id)
    spec = RunSpec(rule=request.POST.get("rule", ""))
    try:
        job = allocation_run_start(actor=request.user, election=election, spec=spec)
    except BarrioError as error:
        if error.status == 403:
            raise DjangoPermissionDenied from error
        messages.error(request, str(error.message))
        return redirect("participation:vote", election.pk)
    return redirect("jobs:detail", job.pk)


def _run(request: HttpRequest, election: Election, run_id: int) -> AllocationRun:
    return or_404(
        lambda: selectors.run_get_for_user(user=request.user, election=election, run_id=run_id)
    )


@login_required
def run_detail(request: HttpRequest, election_id: int, run_id: int) -> HttpResponse:
    """A run: its rule, fingerprint, who ran and approved it, and every project explained."""
    election = election_or_404(request, election_id)
    if not selectors.may_see_vote_drafts(request.user, election.call.programme):
        raise DjangoPermissionDenied
    run = _run(request, election, run_id)
    others = selectors.run_list_for_user(user=request.user, election=election).exclude(pk=run.pk)
    return render(
        request,
        "participation/votes/run.html",
        {
            "election": election,
            "run": run,
            "table": outcomes.result_table(run),
            "others": others,
            "may_approve": selectors.may_approve_runs(request.user, election.call.programme)
            and run.status == AllocationRun.Status.DRAFT
            and election.status == Election.Status.CLOSED,
        },
    )


@require_POST
@login_required
def run_approve(request: HttpRequest, election_id: int, run_id: int) -> HttpResponse:
    """Approve a draft run and publish the results (a manager other than who ran it)."""
    election = election_or_404(request, election_id)
    if not selectors.may_approve_runs(request.user, election.call.programme):
        raise DjangoPermissionDenied
    run = _run(request, election, run_id)
    try:
        allocation_run_approve(actor=request.user, run=run)
    except BarrioError as error:
        messages.error(request, str(error.message))
        return redirect("participation:run", election.pk, run.pk)
    messages.success(request, _("The run is approved and the results are published."))
    return redirect("participation:results", election.pk)


@login_required
def run_compare(request: HttpRequest, election_id: int) -> HttpResponse:
    """Two runs side by side: projects, money per pot, voters with a funded project."""
    election = election_or_404(request, election_id)
    if not selectors.may_see_vote_drafts(request.user, election.call.programme):
        raise DjangoPermissionDenied
    try:
        a_id, b_id = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError as error:
        raise Http404 from error
    a, b = _run(request, election, a_id), _run(request, election, b_id)
    summaries = [outcomes.run_summary(a), outcomes.run_summary(b)]
    currency = election.call.programme.currency
    funded_b = set(b.results.filter(funded=True).values_list("item_id", flat=True))
    rows = [
        (result, result.funded, result.item_id in funded_b)
        for result in a.results.select_related("item__proposal", "item__pot").order_by(
            "item__pot__position", "item__position"
        )
    ]
    return render(
        request,
        "participation/votes/compare.html",
        {
            "election": election,
            "summaries": [
                (
                    s,
                    format_cents(s.total_cents, currency),
                    [(pot, n, format_cents(m, currency)) for pot, n, m in s.per_pot],
                    round(100 * s.share_with_a_winner),
                )
                for s in summaries
            ],
            "rows": rows,
        },
    )
