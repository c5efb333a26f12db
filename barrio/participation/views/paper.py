"""Pages of polling stations: set them up, enter a ballot in person on a phone, enter the
paper ballots twice, read the disagreements and resolve them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from barrio.errors import BarrioError
from barrio.money import format_cents
from barrio.participation.models import Election, PaperKind, PaperTally, PollingStation
from barrio.participation.selectors import paper as stations
from barrio.participation.selectors import votes as selectors
from barrio.participation.services import (
    paper_entry_import_start,
    paper_tally_resolve,
    station_ballot_enter,
    station_create,
    station_official_assign,
)
from barrio.participation.services.stations import DOCUMENT_TYPES, may_officiate
from barrio.participation.views.votes import (
    _show,
    ballot_errors,
    choices_from,
    election_or_404,
    or_404,
)
from barrio.territories.selectors import unit_get

DOCUMENT_LABELS = {
    "ine": gettext_lazy("Voting card (INE)"),
    "passport": gettext_lazy("Passport"),
    "curp": gettext_lazy("CURP"),
    "other": gettext_lazy("Other official document"),
}


class StationForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Territorial unit"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = [(pot.unit.pk, pot.unit.name) for pot in election.pots.all() if pot.unit]
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The whole programme")), *units]


class OfficialForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail of the official"))


class PaperForm(forms.Form):
    pot = forms.TypedChoiceField(label=gettext_lazy("Pot"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("What the table holds"), choices=PaperKind.choices)
    file = forms.FileField(label=gettext_lazy("Table (CSV or XLSX)"))

    def __init__(self, *args: Any, pots: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pot"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pot.pk, pot.name) for pot in pots]


def _station_or_404(request: HttpRequest, election_id: int, station_id: int) -> PollingStation:
    election = election_or_404(request, election_id)
    return or_404(
        lambda: stations.station_get_for_user(
            user=request.user, election=election, station_id=station_id
        )
    )


def _errors(request: HttpRequest, error: BarrioError) -> None:
    if error.status == 403:
        raise DjangoPermissionDenied from error
    messages.error(request, str(error.message))
    for problem in error.errors[:50]:
        where = ", ".join(str(part) for part in problem.loc)
        messages.error(request, f"{where}: {problem.msg}")


@login_required
def station_list(request: HttpRequest, election_id: int) -> HttpResponse:
    """A vote's polling stations; a manager adds one here."""
    election = election_or_404(request, election_id)
    if not stations.may_see_stations(request.user, election):
        raise DjangoPermissionDenied
    listed = stations.station_list_for_user(user=request.user, election=election)
    may_manage = selectors.may_manage_votes(request.user, election.call.programme)
    form = StationForm(request.POST or None, election=election)
    if request.method == "POST":
        if not may_manage:
            raise DjangoPermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            unit = unit_get(unit_id=data["unit"]) if data["unit"] else None
            try:
                station = station_create(
                    actor=request.user,
                    election=election,
                    code=data["code"],
                    name=data["name"],
                    place=data["place"],
                    unit=unit,
                )
            except BarrioError as error:
                _show(form, error)
            else:
                messages.success(request, _("The station is added."))
                return redirect("participation:station", election.pk, station.pk)
    return render(
        request,
        "participation/paper/stations.html",
        {"election": election, "stations": listed, "form": form, "may_manage": may_manage},
    )


def _tally_rows(tally: PaperTally | None, titles: dict[int, str]) -> list[dict[str, Any]]:
    if tally is None:
        return []
    rows = []
    for d in tally.disagreements:
        project = d["project"]
        if project == "sheets":
            label = _("Number of sheets")
        elif project is None:
            label = _("The whole sheet")
        else:
            label = titles.get(int(project), str(project))
        rows.append({**d, "label": label})
    return rows


@login_required
def station(request: HttpRequest, election_id: int, station_id: int) -> HttpResponse:
    """A station: its officials, its paper entries, every disagreement and its resolution."""
    place = _station_or_404(request, election_id, station_id)
    election = place.election
    programme = election.call.programme
    pots = list(election.pots.select_related("unit"))
    served = [p for p in pots if place.unit is None or p.unit is None or p.unit == place.unit]
    tallies = []
    for pot, entries, tally in stations.tallies_of(place):
        items = list(selectors.ballot_items(pot))
        titles = {item.proposal_id: item.proposal.title for item in items}
        tallies.append(
            {
                "pot": pot,
                "entries": entries,
                "tally": tally,
                "rows": _tally_rows(tally, titles),
                "items": items,
                "sheets": sorted({str(d["sheet"]) for d in tally.disagreements})
                if tally and tally.kind == PaperKind.SHEETS
                else [],
            }
        )
    return render(
        request,
        "participation/paper/station.html",
        {
            "election": election,
            "station": place,
            "officials": place.officials.select_related("user"),
            "tallies": tallies,
            "may_manage": selectors.may_manage_votes(request.user, programme),
            "may_resolve": selectors.may_manage_votes(request.user, programme),
            "is_official": may_officiate(request.user, place),
            "official_form": OfficialForm(),
            "paper_form": PaperForm(pots=served),
        },
    )


@require_POST
@login_required
def station_official_add(request: HttpRequest, election_id: int, station_id: int) -> HttpResponse:
    """Assign an official to the station, by e-mail (a manager)."""
    place = _station_or_404(request, election_id, station_id)
    form = OfficialForm(request.POST)
    user = None
    if form.is_valid():
        user = (
            get_user_model()
            .objects.filter(email__iexact=form.cleaned_data["email"], is_active=True)
            .first()
        )
    if not selectors.may_manage_votes(request.user, place.election.call.programme):
        raise DjangoPermissionDenied
    if user is None:
        messages.error(request, _("Nobody with this e-mail has an account."))
    else:
        try:
            station_official_assign(actor=request.user, station=place, user=user)
        except BarrioError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The official is assigned to this station."))
    return redirect("participation:station", place.election_id, place.pk)


@login_required
def station_ballot(request: HttpRequest, election_id: int, station_id: int) -> HttpResponse:
    """The official's phone page: check the document, enter the person's ballot."""
    place = _station_or_404(request, election_id, station_id)
    if not may_officiate(request.user, place):
        raise DjangoPermissionDenied
    election = place.election
    pots = [
        p
        for p in election.pots.select_related("unit")
        if place.unit is None or p.unit is None or p.unit == place.unit
    ]
    pot_id = request.GET.get("pot") or request.POST.get("pot") or (pots[0].pk if pots else "")
    pot = next((p for p in pots if str(p.pk) == str(pot_id)), None)
    if pot is None:
        raise DjangoPermissionDenied
    items = list(selectors.ballot_items(pot))
    errors: list[str] = []
    receipt = ""
    chosen: dict[int, int] = {}
    if request.method == "POST":
        choices = choices_from(request.POST, election, items)
        chosen = {c.proposal_id: c.value for c in choices}
        try:
            receipt = station_ballot_enter(
                actor=request.user,
                station=place,
                pot=pot,
                document_type=request.POST.get("document_type", ""),
                document_number=request.POST.get("document_number", ""),
                choices=choices,
            ).receipt
        except BarrioError as error:
            if error.status == 403:
                raise DjangoPermissionDenied from error
            errors = ballot_errors(error, choices, items)
        else:
            chosen = {}
    currency = election.call.programme.currency
    return render(
        request,
        "participation/paper/ballot.html",
        {
            "election": election,
            "station": place,
            "pot": pot,
            "pots": pots,
            "rules": selectors.ballot_rule_sentences(election, pot),
            "rows": [
                (item, format_cents(item.cost_cents, currency), chosen.get(item.proposal_id))
                for item in items
            ],
            "documents": [(code, DOCUMENT_LABELS[code]) for code in DOCUMENT_TYPES],
            "errors": errors,
            "receipt": receipt,
            "in_person": election.validation == Election.Validation.IN_PERSON,
        },
    )


@require_POST
@login_required
def station_paper(request: HttpRequest, election_id: int, station_id: int) -> HttpResponse:
    """Take one official's entry of the station's paper ballots from a table: a task
    worker checks and counts it; its job page shows the progress and the outcome."""
    place = _station_or_404(request, election_id, station_id)
    if not may_officiate(request.user, place):
        raise DjangoPermissionDenied
    pots = list(place.election.pots.all())
    form = PaperForm(request.POST, request.FILES, pots=pots)
    if not form.is_valid():
        messages.error(request, _("Choose the pot, the kind of table and the file."))
        return redirect("participation:station", place.election_id, place.pk)
    pot = next(p for p in pots if p.pk == form.cleaned_data["pot"])
    try:
        job = paper_entry_import_start(
            actor=request.user,
            station=place,
            pot=pot,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except BarrioError as error:
        _errors(request, error)
        return redirect("participation:station", place.election_id, place.pk)
    return redirect("jobs:detail", job_id=job.pk)


def _resolution_from(
    post: Any, tally: PaperTally, sheets: list[str], items: list[Any]
) -> dict[str, Any]:
    def number(name: str) -> int | None:
        text = post.get(name, "").strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            return -1  # refused by the service with the field named

    if tally.kind == PaperKind.SHEETS:
        resolved: dict[str, dict[int, int]] = {}
        for sheet in sheets:
            values = {i.proposal_id: number(f"value-{sheet}-{i.proposal_id}") for i in items}
            resolved[sheet] = {pid: v for pid, v in values.items() if v}
        return {"sheets": resolved}
    totals = {i.proposal_id: number(f"total-{i.proposal_id}") or 0 for i in items}
    return {"totals": totals, "sheet_count": number("sheet_count")}


@require_POST
@login_required
def station_resolve(
    request: HttpRequest, election_id: int, station_id: int, pot_id: int
) -> HttpResponse:
    """A supervisor resolves the disagreements of a pot's two entries, reading the paper."""
    place = _station_or_404(request, election_id, station_id)
    tally = PaperTally.objects.filter(station=place, pot_id=pot_id).select_related("pot").first()
    if tally is None:
        raise Http404
    items = list(selectors.ballot_items(tally.pot))
    sheets = sorted({str(d["sheet"]) for d in tally.disagreements})
    try:
        paper_tally_resolve(
            actor=request.user, tally=tally, **_resolution_from(request.POST, tally, sheets, items)
        )
    except BarrioError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The disagreements are resolved and the ballots counted."))
    return redirect("participation:station", place.election_id, place.pk)
