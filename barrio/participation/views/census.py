"""Pages of census votes: the staff's census list and import; a voter's code and ballot.

A voter gives their document number and date of birth and gets a one-time code; the session
then keeps only which census entry asked (its id, no personal value) until the ballot is cast
with the code.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.accounts.audit import Channel
from barrio.errors import BarrioError, PermissionDenied
from barrio.participation.models import CensusEntry, CodeAttempt, Election, OneTimeCode
from barrio.participation.selectors import census as census_selectors
from barrio.participation.selectors import votes as selectors
from barrio.participation.selectors.votes import may_manage_votes
from barrio.participation.services.census import CENSUS_COLUMNS, census_import_start
from barrio.participation.services.codes import (
    CODE_MINUTES,
    TooManyRequests,
    census_ballot_cast,
    census_code_send,
    census_may_vote_in,
    code_attempt_record,
)
from barrio.participation.views.common import client_address
from barrio.participation.views.votes import (
    ballot_context,
    ballot_errors,
    choices_from,
    election_or_404,
    or_404,
)

SESSION_KEY = "participation.census"


class CensusFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Census file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class IdentifyForm(forms.Form):
    document_number = forms.CharField(
        label=gettext_lazy("Document number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Send me the code by"),
        choices=OneTimeCode.Channel.choices,
        widget=forms.RadioSelect,
        initial=OneTimeCode.Channel.SMS,
    )


def _census_election(request: HttpRequest, election_id: int) -> Election:
    election = election_or_404(request, election_id)
    if election.validation != Election.Validation.CENSUS:
        raise DjangoPermissionDenied
    return election


def _rate_limited(request: HttpRequest, election: Election, step: str) -> HttpResponse | None:
    """Count the attempt; the page that says to wait (429) when there were too many."""
    try:
        code_attempt_record(address=client_address(request), step=step)
    except TooManyRequests as error:
        return render(
            request,
            "participation/votes/too_many.html",
            {"election": election, "message": error.message},
            status=429,
        )
    return None


@login_required
def census(request: HttpRequest, election_id: int) -> HttpResponse:
    """The census list of a vote (masked, audited) and, for a manager, its import: the file
    is checked and applied by a task worker, whose job page shows the progress and the
    outcome (the people added, or every wrong cell)."""
    election = _census_election(request, election_id)
    form = CensusFileForm()
    if request.method == "POST":
        form = CensusFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = census_import_start(
                    actor=request.user, election=election, upload=form.cleaned_data["file"]
                )
            except PermissionDenied as error:
                raise DjangoPermissionDenied from error
            except BarrioError as error:
                for problem in error.errors:
                    form.add_error("file", str(problem.msg))
                if not error.errors:
                    form.add_error(None, str(error.message))
            else:
                return redirect("jobs:detail", job_id=job.pk)
    try:
        page = census_selectors.census_read(
            user=request.user, election=election, channel=Channel.PAGE
        )
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    return render(
        request,
        "participation/votes/census.html",
        {
            "election": election,
            "page": page,
            "form": form,
            "columns": list(CENSUS_COLUMNS),
            "may_import": may_manage_votes(request.user, election.call.programme)
            and election.status in (Election.Status.DRAFT, Election.Status.OPEN),
        },
    )


def census_identify(request: HttpRequest, election_id: int) -> HttpResponse:
    """A voter on the census gives their document and date of birth and gets a code."""
    election = _census_election(request, election_id)
    form = IdentifyForm(request.POST or None)
    if request.method == "POST":
        refused = _rate_limited(request, election, CodeAttempt.Step.SEND)
        if refused is not None:
            return refused
    if request.method == "POST" and form.is_valid():
        try:
            sent = census_code_send(election=election, **form.cleaned_data)
        except BarrioError as error:
            for problem in error.errors:
                field = str(problem.loc[-1]) if problem.loc else None
                form.add_error(field if field in form.fields else None, str(problem.msg))
            if not error.errors:
                form.add_error(None, str(error.message))
        else:
            request.session[SESSION_KEY] = {str(election.pk): sent.entry_id}
            messages.success(
                request,
                _("We sent a code to %(to)s. It is valid for %(minutes)s minutes.")
                % {"to": sent.to, "minutes": CODE_MINUTES},
            )
            entry = CensusEntry.objects.select_related("unit").get(pk=sent.entry_id)
            pots = [p for p in election.pots.select_related("unit") if census_may_vote_in(entry, p)]
            if len(pots) == 1:
                return redirect("participation:census_ballot", election.pk, pots[0].pk)
            return render(
                request,
                "participation/votes/census_pots.html",
                {"election": election, "pots": pots},
            )
    return render(
        request, "participation/votes/census_identify.html", {"election": election, "form": form}
    )


def census_ballot(request: HttpRequest, election_id: int, pot_id: int) -> HttpResponse:
    """The ballot of a census voter, sent with the one-time code."""
    election = _census_election(request, election_id)
    pot = or_404(lambda: selectors.pot_get(election=election, pot_id=pot_id))
    entry_id = request.session.get(SESSION_KEY, {}).get(str(election.pk))
    entry = (
        CensusEntry.objects.select_related("unit").filter(pk=entry_id, election=election).first()
    )
    if entry is None:
        messages.info(request, _("First give your document to receive a code."))
        return redirect("participation:census_identify", election.pk)
    items = list(selectors.ballot_items(pot))
    errors: list[str] = []
    chosen: dict[int, int] = {}
    if request.method == "POST":
        refused = _rate_limited(request, election, CodeAttempt.Step.VERIFY)
        if refused is not None:
            return refused
        choices = choices_from(request.POST, election, items)
        chosen = {c.proposal_id: c.value for c in choices}
        try:
            cast = census_ballot_cast(
                pot=pot, entry=entry, code=request.POST.get("code", ""), choices=choices
            )
        except BarrioError as error:
            errors = ballot_errors(error, choices, items)
        else:
            request.session.pop(SESSION_KEY, None)
            return render(
                request,
                "participation/votes/receipt.html",
                {"election": election, "pot": pot, "cast": cast},
            )
    context = ballot_context(election, pot, items, chosen, errors)
    context["ask_code"] = True
    return render(request, "participation/votes/ballot.html", context)
