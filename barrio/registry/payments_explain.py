"""The words of cash assistance: the household fields a rule may read, and why a household
is in or out of a target list, in plain sentences (in the reader's language)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.registry.choices import ResidenceStatus, Sex, Vulnerability, country_name


@dataclass(frozen=True)
class HouseholdField:
    """A column of the household frame a rule may read: its kind and, for text, its values."""

    code: str
    label: str | Promise
    kind: str  # "number", "text" or "bool"
    choices: Mapping[str, str | Promise] | None = None


def _fields() -> dict[str, HouseholdField]:
    number = [
        ("size", gettext_lazy("number of members")),
        ("children", gettext_lazy("number of children under 18")),
        ("under_5", gettext_lazy("number of children under 5")),
        ("over_60", gettext_lazy("number of people aged 60 or more")),
        ("disabled", gettext_lazy("number of people with a disability")),
        ("pregnant", gettext_lazy("number of pregnant women")),
        ("months_in_country", gettext_lazy("months since arrival")),
        ("vulnerability_count", gettext_lazy("number of vulnerability criteria")),
    ]
    fields = {code: HouseholdField(code, label, "number") for code, label in number}
    fields["residence_status"] = HouseholdField(
        "residence_status",
        gettext_lazy("residence status"),
        "text",
        dict(ResidenceStatus.choices),
    )
    fields["head_nationality"] = HouseholdField(
        "head_nationality", gettext_lazy("nationality of the head"), "text"
    )
    fields["head_sex"] = HouseholdField(
        "head_sex", gettext_lazy("sex of the head"), "text", dict(Sex.choices)
    )
    fields["in_selected_unit"] = HouseholdField(
        "in_selected_unit",
        gettext_lazy("lives in a unit selected by the approved targeting run"),
        "bool",
    )
    for code, label in Vulnerability.choices:
        fields[f"vulnerability_{code}"] = HouseholdField(f"vulnerability_{code}", label, "bool")
    return fields


#: Every field a rule may read, by code.
HOUSEHOLD_FIELDS = _fields()

#: How each operator reads, as a full sentence about a field.
_OPERATOR_SENTENCES: dict[str, Promise] = {
    "eq": gettext_lazy("%(field)s is %(value)s"),
    "ne": gettext_lazy("%(field)s is not %(value)s"),
    "in": gettext_lazy("%(field)s is one of: %(value)s"),
    "not_in": gettext_lazy("%(field)s is none of: %(value)s"),
    "gt": gettext_lazy("%(field)s is more than %(value)s"),
    "gte": gettext_lazy("%(field)s is at least %(value)s"),
    "lt": gettext_lazy("%(field)s is less than %(value)s"),
    "lte": gettext_lazy("%(field)s is at most %(value)s"),
    "is_true": gettext_lazy("yes: %(field)s"),
    "is_false": gettext_lazy("no: %(field)s"),
}

#: The operators as a form offers them.
OPERATOR_CHOICES = [
    ("eq", gettext_lazy("is")),
    ("ne", gettext_lazy("is not")),
    ("in", gettext_lazy("is one of (commas)")),
    ("not_in", gettext_lazy("is none of (commas)")),
    ("gt", gettext_lazy("more than")),
    ("gte", gettext_lazy("at least")),
    ("lt", gettext_lazy("less than")),
    ("lte", gettext_lazy("at most")),
    ("is_true", gettext_lazy("yes")),
    ("is_false", gettext_lazy("no")),
]


def field_label(code: str) -> str:
    """The name of a field as people read it (the code itself if unknown)."""
    known = HOUSEHOLD_FIELDS.get(code)
    return str(known.label) if known else code


def value_label(code: str, value: Any) -> str:
    """A value of a field as people read it: a choice's label, a country, a number."""
    if isinstance(value, list | tuple):
        return ", ".join(value_label(code, v) for v in value)
    known = HOUSEHOLD_FIELDS.get(code)
    if known and known.choices and str(value) in known.choices:
        return str(known.choices[str(value)])
    if code == "head_nationality" and isinstance(value, str):
        return country_name(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return str(number_format(value, force_grouping=True))
    return "" if value is None else str(value)


def describe_condition(condition: Mapping[str, Any]) -> str:
    """One condition of a rule as a sentence fragment: "number of members is at least 3"."""
    code = str(condition.get("field", ""))
    template = _OPERATOR_SENTENCES.get(str(condition.get("op")), gettext_lazy("%(field)s"))
    return str(template) % {
        "field": field_label(code),
        "value": value_label(code, condition.get("value")),
    }


def describe_quota(quota: Mapping[str, Any]) -> str:
    """A quota as a sentence fragment: "at least 30 % with residence status Host community"."""
    from fractions import Fraction

    share = Fraction(str(quota.get("share", "0"))) * 100
    code = str(quota.get("field", ""))
    return _("at least %(share)s %% with %(field)s %(value)s") % {
        "share": number_format(float(share), decimal_pos=0 if share.denominator == 1 else 1),
        "field": field_label(code),
        "value": value_label(code, quota.get("value")),
    }


def explain_entry(
    *,
    reason: str,
    rank: int | None,
    failed_condition: int | None,
    value: Any,
    quota: int | None,
    definition: Mapping[str, Any],
    eligible: int,
    seats: int,
) -> str:
    """Why one household is in or out of a target list, in one sentence.

    ``definition`` is the rule as stored; ``eligible`` and ``seats`` are the list's counts.
    """
    conditions: Sequence[Mapping[str, Any]] = definition.get("conditions") or ()
    quotas: Sequence[Mapping[str, Any]] = definition.get("quotas") or ()
    if reason in ("failed_condition", "missing_value") and failed_condition is not None:
        condition = conditions[failed_condition] if failed_condition < len(conditions) else {}
        values = {
            "number": failed_condition + 1,
            "condition": describe_condition(condition),
            "field": field_label(str(condition.get("field", ""))),
            "value": value_label(str(condition.get("field", "")), value),
        }
        if reason == "missing_value":
            return _("Out: its %(field)s is not known, and condition %(number)s needs it.") % values
        return (
            _("Out: it does not meet condition %(number)s (%(condition)s); its value is %(value)s.")
            % values
        )
    values = {"rank": rank, "of": eligible, "seats": seats}
    if reason == "quota" and quota is not None and quota < len(quotas):
        values["quota"] = describe_quota(quotas[quota])
        return _("In: rank %(rank)s of %(of)s, chosen first for the quota %(quota)s.") % values
    if reason == "over_maximum":
        return (
            _("Out: rank %(rank)s of %(of)s, after the %(seats)s places of the list were filled.")
            % values
        )
    return _("In: rank %(rank)s of %(of)s eligible households.") % values
