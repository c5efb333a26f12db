"""Why a unit is in or out of a targeting run, or got its part of a budget, in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.money import format_cents
from barrio.territories.selectors import LABELS

#: The terms of an apportionment formula, as people read them.
TERMS: dict[str, Promise] = {
    "population": gettext_lazy("in proportion to population"),
    "need": gettext_lazy("by need"),
    "equal": gettext_lazy("in equal parts"),
}


def stratum_name(code: str | None) -> str:
    """The name of a stratum code (``very_high`` → "Very high"), or the code itself."""
    if not code:
        return ""
    return str(LABELS.get(code, code))


def explain_decision(
    *,
    selected: bool,
    rank: int | None,
    reason: str,
    params: Mapping[str, Any],
    eligible: int,
    group_names: Mapping[str, str],
    currency: str,
) -> str:
    """One sentence saying why a unit is in or out of a run.

    ``reason`` and ``params`` are the core's decision (see ``barrio.core.targeting``);
    ``group_names`` turns area codes into names and ``currency`` labels amounts.
    """
    group = group_names.get(str(params.get("group") or ""), str(params.get("group") or ""))
    stratum = stratum_name(params.get("stratum"))
    if selected:
        values = {"rank": rank, "of": eligible, "stratum": stratum, "group": group}
        if params.get("phase") == "minimum_quota":
            return (
                _("In: rank %(rank)s of %(of)s, chosen first for the minimum quota of %(group)s.")
                % values
            )
        if stratum:
            return _("In: rank %(rank)s of %(of)s, stratum %(stratum)s.") % values
        return _("In: rank %(rank)s of %(of)s.") % values
    if reason == "not_eligible_no_value":
        return _("Out: it has no value of the index for this period.")
    if reason == "not_eligible_stratum":
        allowed = ", ".join(stratum_name(code) for code in params.get("allowed") or ())
        return _("Out: its stratum, %(stratum)s, is not among the eligible ones (%(allowed)s).") % {
            "stratum": stratum or _("none"),
            "allowed": allowed,
        }
    if reason in ("not_eligible_population_min", "not_eligible_population_max"):
        if params.get("population") is None:
            return _("Out: its population is not known and the run has a population limit.")
        values = {
            "population": number_format(params["population"], force_grouping=True),
            "limit": number_format(
                params.get("minimum") or params.get("maximum") or 0, force_grouping=True
            ),
        }
        if reason == "not_eligible_population_min":
            return _("Out: its population, %(population)s, is below the minimum of %(limit)s.") % (
                values
            )
        return _("Out: its population, %(population)s, is above the maximum of %(limit)s.") % (
            values
        )
    if reason == "not_eligible_parent":
        return _("Out: it lies outside the areas chosen for this run.")
    if reason == "excluded_quota_max":
        return _("Out: rank %(rank)s, but the quota of %(quota)s units for %(group)s is full.") % {
            "rank": rank,
            "quota": params.get("quota"),
            "group": group,
        }
    if reason == "over_count_limit":
        return _("Out: rank %(rank)s, after the %(limit)s units the run chooses.") % {
            "rank": rank,
            "limit": params.get("limit"),
        }
    if reason == "over_budget":
        return _("Out: rank %(rank)s; its cost, %(cost)s, is more than the %(left)s left.") % {
            "rank": rank,
            "cost": format_cents(int(params.get("cost") or 0), currency),
            "left": format_cents(int(params.get("remaining") or 0), currency),
        }
    return reason


def explain_share(
    *, cents: int, floor_applied: bool, parts: Mapping[str, Any], currency: str
) -> str:
    """One sentence saying how a unit's part of a budget was reached."""
    if floor_applied:
        return _("%(amount)s: the floor, as the formula gave it %(formula)s.") % {
            "amount": format_cents(cents, currency),
            "formula": format_cents(round(Fraction(parts["formula_quota"])), currency),
        }
    terms = []
    for term in parts.get("terms", ()):
        kind = term["term"].split(":", 1)[-1]
        terms.append(
            _("%(amount)s %(how)s (%(percent)s %% of that part)")
            % {
                "amount": format_cents(round(Fraction(term["quota"])), currency),
                "how": TERMS.get(kind, kind),
                "percent": number_format(float(Fraction(term["proportion"]) * 100), 2),
            }
        )
    return _("%(amount)s: %(terms)s.") % {
        "amount": format_cents(cents, currency),
        "terms": "; ".join(terms),
    }
