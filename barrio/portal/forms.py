"""Forms of the portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from barrio.territories.selectors import METHODS


class TerritoryMapForm(forms.Form):
    """What to show on the territory map: an indicator, its period and how to classify it."""

    q = forms.CharField(label=_("Search by name or code"), max_length=100, required=False)
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    period = forms.CharField(label=_("Period"), max_length=20, required=False)
    group = forms.CharField(label=_("Population group"), max_length=60, required=False)
    method = forms.ChoiceField(
        label=_("Classes"), choices=list(METHODS.items()), required=False, initial="quantiles"
    )
    k = forms.TypedChoiceField(
        label=_("Number of classes"),
        choices=[(n, str(n)) for n in range(3, 8)],
        coerce=int,
        required=False,
        initial=5,
    )

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", _("None: only the units")), *indicators]  # type: ignore[attr-defined]
