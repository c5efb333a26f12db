"""Forms of calls: the call with its dates (in the programme's time zone) and its criteria."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from barrio.participation.calendar import DATE_FIELDS, in_programme_zone
from barrio.participation.models import Call, WorkKind
from barrio.participation.specs import CallSpec, CriterionSpec

LOCAL = "%Y-%m-%dT%H:%M"


def cents(amount: Decimal | None) -> int:
    """An amount typed in currency units as integer cents (exact)."""
    return int((amount or Decimal(0)) * 100)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=LOCAL)


class CallForm(forms.Form):
    """A call: dates typed in the programme's time zone, amounts in currency units."""

    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(label=_("Short name"), max_length=80)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    submission_opens_at = forms.DateTimeField(
        label=_("Submission opens"), widget=LocalDateTimeInput()
    )
    submission_closes_at = forms.DateTimeField(
        label=_("Submission closes"), widget=LocalDateTimeInput()
    )
    review_closes_at = forms.DateTimeField(
        label=_("Committee review closes"), widget=LocalDateTimeInput()
    )
    assemblies_close_at = forms.DateTimeField(
        label=_("Assemblies close"), widget=LocalDateTimeInput()
    )
    voting_opens_at = forms.DateTimeField(
        label=_("Voting opens"), required=False, widget=LocalDateTimeInput()
    )
    voting_closes_at = forms.DateTimeField(
        label=_("Voting closes"), required=False, widget=LocalDateTimeInput()
    )
    results_at = forms.DateTimeField(label=_("Results published"), widget=LocalDateTimeInput())
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of work allowed"),
        choices=WorkKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    max_project = forms.DecimalField(label=_("Maximum per project"), min_value=0, decimal_places=2)
    total = forms.DecimalField(label=_("Total of the call"), min_value=0, decimal_places=2)
    units_from = forms.ChoiceField(label=_("Eligible units"))
    unit_ids = forms.MultipleChoiceField(
        label=_("Units chosen by hand"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    required_documents = forms.CharField(
        label=_("Required documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    min_group_members = forms.IntegerField(
        label=_("Minimum resident members of a group"), min_value=1, initial=5
    )
    min_signatures = forms.IntegerField(
        label=_("Minimum supporting signatures"), min_value=0, initial=0
    )

    def __init__(
        self,
        *args: Any,
        programme: Any,
        units: list[tuple[int, str]],
        runs: list[tuple[int, str, list[str]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["unit_ids"].choices = [  # type: ignore[attr-defined]
            (str(pk), name) for pk, name in units
        ]
        sources: list[tuple[str, Any]] = [("hand", _("Chosen by hand below"))]
        for run_id, name, strata in runs:
            sources.append((f"run:{run_id}", _("The units run “%(name)s” chose") % {"name": name}))
            sources += [
                (
                    f"run:{run_id}:{stratum}",
                    _("The units in stratum %(stratum)s of run “%(name)s”")
                    % {"stratum": stratum, "name": name},
                )
                for stratum in strata
            ]
        self.fields["units_from"].choices = sources  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, call: Call) -> dict[str, Any]:
        """The form's values for an existing call, dates in the programme's zone."""
        initial: dict[str, Any] = {
            "title": call.title,
            "slug": call.slug,
            "summary": call.summary,
            "kinds": call.kinds,
            "max_project": Decimal(call.max_project_cents) / 100,
            "total": Decimal(call.total_cents) / 100,
            "units_from": f"run:{call.targeting_run_id}" if call.targeting_run_id else "hand",
            "unit_ids": [str(pk) for pk in call.units.values_list("pk", flat=True)],
            "required_documents": "\n".join(call.required_documents),
            "min_group_members": call.min_group_members,
            "min_signatures": call.min_signatures,
        }
        for name in DATE_FIELDS:
            value = getattr(call, name)
            initial[name] = (
                in_programme_zone(call.programme, value).strftime(LOCAL) if value else None
            )
        return initial

    def _instant(self, name: str) -> dt.datetime | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        # The browser sends the wall clock of the programme, not of the server.
        return in_programme_zone(self.programme, value.replace(tzinfo=None))

    def spec(self, criteria: tuple[CriterionSpec, ...]) -> CallSpec:
        """The call the form describes."""
        data = self.cleaned_data
        source = data["units_from"].split(":")
        run = int(source[1]) if source[0] == "run" else None
        dates = {name: self._instant(name) for name in DATE_FIELDS}
        return CallSpec(
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            max_project_cents=cents(data["max_project"]),
            total_cents=cents(data["total"]),
            kinds=tuple(data["kinds"]),
            unit_ids=tuple(int(pk) for pk in data["unit_ids"]) if run is None else (),
            targeting_run=run,
            stratum=source[2] if len(source) > 2 else "",
            required_documents=tuple(data["required_documents"].splitlines()),
            min_group_members=data["min_group_members"],
            min_signatures=data["min_signatures"],
            criteria=criteria,
            **dates,  # type: ignore[arg-type]
        )


class CriterionForm(forms.Form):
    """One row of the review checklist; an empty row is left out."""

    code = forms.SlugField(label=_("Code"), max_length=40, required=False)
    name = forms.CharField(label=_("Criterion"), max_length=200, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, initial=1, required=False)
    scale_max = forms.IntegerField(
        label=_("Highest score"), min_value=1, max_value=100, initial=5, required=False
    )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=3, max_num=20)


def criteria_from(formset: Any) -> tuple[CriterionSpec, ...]:
    """The filled rows of a criteria formset, in order."""
    rows = []
    for form in formset:
        data = form.cleaned_data
        if data.get("code") or data.get("name"):
            rows.append(
                CriterionSpec(
                    code=data.get("code") or "",
                    name=data.get("name") or "",
                    weight=data.get("weight") or 1,
                    scale_max=data.get("scale_max") or 5,
                )
            )
    return tuple(rows)
