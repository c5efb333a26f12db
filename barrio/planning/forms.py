"""Forms of the planning pages: they parse what a person typed into specs for the services."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from barrio.core.classification import label_codes
from barrio.planning.specs import ApportionmentSpec, ComponentSpec, TargetingSpec
from barrio.territories.selectors import LABELS, METHODS

Choices = Sequence[tuple[str, str]]

#: Every stratum label of 2 to 7 classes, from the lowest to the highest.
STRATA = sorted(
    {code for k in range(2, 8) for code in label_codes(k)},
    key=lambda code: list(LABELS).index(code),
)


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def _money(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, decimal_places=2, help_text=help_text
    )


class TargetingForm(forms.Form):
    """The parameters of a targeting run."""

    name = forms.CharField(label=_("Name of the run"), max_length=200)
    level = forms.ChoiceField(label=_("Units to choose from"))
    indicator = forms.ChoiceField(label=_("Rank by"))
    period = forms.CharField(label=_("Period of the ranking indicator"), max_length=20)
    direction = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("", _("As the indicator says (the worst first)")),
            ("higher_first", _("Highest values first")),
            ("lower_first", _("Lowest values first")),
        ],
    )
    classification = forms.ChoiceField(
        label=_("Strata by"),
        choices=[(code, METHODS[code]) for code in ("quantiles", "equal_interval", "fisher_jenks")],
    )
    classes = forms.IntegerField(label=_("Number of strata"), min_value=2, max_value=7, initial=5)
    strata = forms.MultipleChoiceField(
        label=_("Eligible strata"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, LABELS[code]) for code in STRATA],
        help_text=_(
            "Leave all unticked to keep every stratum. Three strata are low, medium and "
            "high; five add very low and very high; seven add lowest and highest."
        ),
    )
    population_indicator = forms.ChoiceField(label=_("Population indicator"), required=False)
    population_period = forms.CharField(label=_("Period of the population"), required=False)
    min_population = forms.IntegerField(label=_("Smallest population"), required=False, min_value=0)
    max_population = forms.IntegerField(label=_("Largest population"), required=False, min_value=0)
    group_level = forms.ChoiceField(label=_("Quotas per area of level"), required=False)
    areas = forms.CharField(
        label=_("Only in these areas"),
        required=False,
        help_text=_("Codes of areas of that level, separated by commas."),
    )
    at_least_per_group = forms.IntegerField(
        label=_("At least this many per area"), required=False, min_value=0
    )
    at_most_per_group = forms.IntegerField(
        label=_("At most this many per area"), required=False, min_value=0
    )
    max_units = forms.IntegerField(label=_("Choose at most"), required=False, min_value=0)
    budget = _money(_("Budget"))
    cost_per_unit = _money(_("Cost per unit"))
    tie_break = forms.ChoiceField(
        label=_("Equal values"),
        choices=[("code", _("The smaller code first")), ("lot", _("A draw by lot"))],
    )
    seed = forms.IntegerField(
        label=_("Seed of the draw"), required=False, help_text=_("The same seed, the same draw.")
    )

    def __init__(self, *args: Any, levels: Choices, indicators: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = levels  # type: ignore[attr-defined]
        self.fields["group_level"].choices = [("", _("No quotas")), *levels]  # type: ignore[attr-defined]
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]
        self.fields["population_indicator"].choices = [  # type: ignore[attr-defined]
            ("", _("No population filter")),
            *indicators,
        ]

    def spec(self) -> TargetingSpec:
        """The spec of the valid form."""
        data = self.cleaned_data
        return TargetingSpec(
            name=data["name"],
            level=data["level"],
            indicator=data["indicator"],
            period=data["period"],
            direction=data["direction"],
            classification=data["classification"],
            classes=data["classes"],
            strata=tuple(data["strata"]),
            population_indicator=data["population_indicator"],
            population_period=data["population_period"],
            min_population=data["min_population"],
            max_population=data["max_population"],
            group_level=data["group_level"],
            areas=tuple(code.strip() for code in data["areas"].split(",") if code.strip()),
            at_least_per_group=data["at_least_per_group"] or 0,
            at_most_per_group=data["at_most_per_group"],
            max_units=data["max_units"],
            budget_cents=_cents(data["budget"]),
            cost_per_unit_cents=_cents(data["cost_per_unit"]) or 0,
            tie_break=data["tie_break"],
            seed=data["seed"],
        )


class ApportionmentForm(forms.Form):
    """An amount, the units to split it among, and a formula of up to three terms."""

    name = forms.CharField(label=_("Name"), max_length=200)
    total = _money(_("Amount to split"), required=True)
    floor = _money(_("Floor per unit"), help_text=_("No unit gets less than this."))
    targeting_run = forms.TypedChoiceField(
        label=_("Units of the approved run"), required=False, coerce=int, empty_value=None
    )
    level = forms.ChoiceField(label=_("Or every unit of level"), required=False)
    population_indicator = forms.ChoiceField(label=_("Population indicator"), required=False)
    population_period = forms.CharField(label=_("Period of the population"), required=False)
    population_percent = forms.IntegerField(
        label=_("Percent in proportion to population"), min_value=0, max_value=100, initial=50
    )
    need_indicator = forms.ChoiceField(label=_("Need indicator"), required=False)
    need_period = forms.CharField(label=_("Period of the need indicator"), required=False)
    need_percent = forms.IntegerField(
        label=_("Percent by need"), min_value=0, max_value=100, initial=50
    )
    equal_percent = forms.IntegerField(
        label=_("Percent in equal parts"), min_value=0, max_value=100, initial=0
    )

    def __init__(
        self, *args: Any, runs: Choices, levels: Choices, indicators: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["targeting_run"].choices = [("", _("None")), *runs]  # type: ignore[attr-defined]
        self.fields["level"].choices = [("", _("None")), *levels]  # type: ignore[attr-defined]
        for name in ("population_indicator", "need_indicator"):
            self.fields[name].choices = [("", _("None")), *indicators]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        percents = [data.get(f"{kind}_percent") or 0 for kind in ("population", "need", "equal")]
        if sum(percents) != 100:
            raise forms.ValidationError(_("The percents add up to 100."))
        for kind in ("population", "need"):
            if data.get(f"{kind}_percent") and not data.get(f"{kind}_indicator"):
                self.add_error(f"{kind}_indicator", _("Choose the indicator of this part."))
        return data

    def spec(self) -> ApportionmentSpec:
        """The spec of the valid form."""
        data = self.cleaned_data
        components = []
        for kind in ("population", "need", "equal"):
            percent = data[f"{kind}_percent"] or 0
            if percent:
                components.append(
                    ComponentSpec(
                        kind,
                        Fraction(percent, 100),
                        data.get(f"{kind}_indicator", ""),
                        data.get(f"{kind}_period", ""),
                    )
                )
        return ApportionmentSpec(
            name=data["name"],
            total_cents=_cents(data["total"]) or 0,
            floor_cents=_cents(data["floor"]) or 0,
            components=tuple(components),
            targeting_run=data["targeting_run"],
            level=data["level"],
        )
