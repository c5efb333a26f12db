"""Forms of a proposal's steps and of groups; each gives what the services need."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from barrio.participation.forms.calls import cents
from barrio.participation.models import Proposal, WorkKind
from barrio.participation.specs import BudgetLineSpec, ProposalSpec, TimelineSpec

STEPS = ("basics", "place", "project", "budget", "documents", "support", "send")
STEP_NAMES = {
    "basics": _("The proposal"),
    "place": _("Place on the map"),
    "project": _("Problem and plan"),
    "budget": _("Budget"),
    "documents": _("Photos and documents"),
    "support": _("Supporting signatures"),
    "send": _("Review and submit"),
}


def spec_of(proposal: Proposal) -> ProposalSpec:
    """The proposal as it is now, as a spec the services take (steps change parts of it)."""
    return ProposalSpec(
        title=proposal.title,
        kind=proposal.kind,
        unit_id=proposal.unit_id,
        location=proposal.location,
        diagnosis=proposal.diagnosis,
        objectives=proposal.objectives,
        beneficiaries=proposal.beneficiaries,
        beneficiary_count=proposal.beneficiary_count,
        budget_lines=tuple(
            BudgetLineSpec(line.concept, line.quantity, line.unit, line.unit_cost_cents)
            for line in proposal.budget_lines.all()
        ),
        timeline=tuple(
            TimelineSpec(item["activity"], item["first_month"], item["last_month"])
            for item in proposal.timeline
        ),
    )


class BasicsForm(forms.Form):
    """Title, kind of work and unit; the group too when the proposal is new."""

    group = forms.ChoiceField(label=_("Community group"))
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of work"))
    unit = forms.ChoiceField(label=_("Territorial unit"))

    def __init__(
        self,
        *args: Any,
        groups: list[tuple[int, str]] | None,
        kinds: list[str],
        units: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if groups is None:
            del self.fields["group"]
        else:
            self.fields["group"].choices = [(str(pk), name) for pk, name in groups]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (kind, WorkKind(kind).label) for kind in kinds if kind in WorkKind.values
        ]
        self.fields["unit"].choices = [(str(pk), name) for pk, name in units]  # type: ignore[attr-defined]

    def apply(self, spec: ProposalSpec) -> ProposalSpec:
        data = self.cleaned_data
        return replace(spec, title=data["title"], kind=data["kind"], unit_id=int(data["unit"]))


class PlaceForm(forms.Form):
    """The place of the works: a point or a polygon drawn on the map, or typed coordinates."""

    location = forms.CharField(required=False, widget=forms.HiddenInput)
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=10, decimal_places=7
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=11, decimal_places=7
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("location") or "").strip()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is not None and longitude is not None:
            data["place"] = {"type": "Point", "coordinates": [float(longitude), float(latitude)]}
        elif text:
            try:
                data["place"] = json.loads(text)
            except ValueError:
                self.add_error(None, _("Mark a point or draw an area (a polygon) on the map."))
        else:
            self.add_error(None, _("Mark a point or draw an area (a polygon) on the map."))
        return data

    def apply(self, spec: ProposalSpec) -> ProposalSpec:
        return replace(spec, location=self.cleaned_data["place"])


class ProjectForm(forms.Form):
    """The diagnosis, objectives and beneficiaries."""

    diagnosis = forms.CharField(
        label=_("Diagnosis of the problem"), widget=forms.Textarea(attrs={"rows": 4})
    )
    objectives = forms.CharField(label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 4}))
    beneficiaries = forms.CharField(
        label=_("Who benefits"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    beneficiary_count = forms.IntegerField(
        label=_("Number of beneficiaries"), min_value=0, initial=0
    )

    def apply(self, spec: ProposalSpec, timeline: tuple[TimelineSpec, ...]) -> ProposalSpec:
        data = self.cleaned_data
        return replace(
            spec,
            diagnosis=data["diagnosis"],
            objectives=data["objectives"],
            beneficiaries=data["beneficiaries"],
            beneficiary_count=data["beneficiary_count"],
            timeline=timeline,
        )


class TimelineForm(forms.Form):
    activity = forms.CharField(label=_("Activity"), max_length=200, required=False)
    first_month = forms.IntegerField(
        label=_("First month"), min_value=1, max_value=36, required=False
    )
    last_month = forms.IntegerField(
        label=_("Last month"), min_value=1, max_value=36, required=False
    )


TimelineFormSet = forms.formset_factory(TimelineForm, extra=2, max_num=24)


def timeline_from(formset: Any) -> tuple[TimelineSpec, ...]:
    return tuple(
        TimelineSpec(
            form.cleaned_data["activity"],
            form.cleaned_data.get("first_month") or 1,
            form.cleaned_data.get("last_month") or form.cleaned_data.get("first_month") or 1,
        )
        for form in formset
        if form.cleaned_data.get("activity")
    )


class BudgetLineForm(forms.Form):
    """One line: concept, quantity, unit of measure and unit cost (in currency units)."""

    concept = forms.CharField(label=_("Concept"), max_length=200, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.001"), decimal_places=3, required=False
    )
    unit = forms.CharField(label=_("Unit of measure"), max_length=30, required=False)
    unit_cost = forms.DecimalField(
        label=_("Unit cost"), min_value=0, decimal_places=2, required=False
    )


BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=2, max_num=60)


def budget_from(formset: Any) -> tuple[BudgetLineSpec, ...]:
    return tuple(
        BudgetLineSpec(
            form.cleaned_data["concept"],
            form.cleaned_data.get("quantity") or Decimal(0),
            form.cleaned_data.get("unit") or "",
            cents(form.cleaned_data.get("unit_cost")),
        )
        for form in formset
        if form.cleaned_data.get("concept")
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or PDF document"))
    title = forms.CharField(label=_("What it shows"), max_length=200, required=False)
    document = forms.ChoiceField(label=_("Required document"), required=False)

    def __init__(self, *args: Any, documents: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [  # type: ignore[attr-defined]
            ("", _("None: a photo or another document")),
            *[(name, name) for name in documents],
        ]


class PersonForm(forms.Form):
    """A resident: a group's member, or a proposal's supporter (with their document)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    document_number = forms.CharField(label=_("Identity document"), max_length=40)
    unit = forms.ChoiceField(label=_("Lives in"))

    def __init__(
        self, *args: Any, units: list[tuple[int, str]], with_document: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(pk), name) for pk, name in units]  # type: ignore[attr-defined]
        if not with_document:
            del self.fields["document_number"]


class GroupForm(forms.Form):
    """A new community group, its unit and its first members (one name per line)."""

    name = forms.CharField(label=_("Name of the group"), max_length=200)
    unit = forms.ChoiceField(label=_("Territorial unit"))
    email = forms.EmailField(label=_("E-mail for decisions"), required=False)
    description = forms.CharField(
        label=_("What the group does"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    members = forms.CharField(
        label=_("Resident members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One full name per line; they live in the group's unit."),
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(pk), name) for pk, name in units]  # type: ignore[attr-defined]
