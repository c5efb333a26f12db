"""The household page's casework block: its cases, corrections and referrals (issue 10 B)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from barrio.accounts.permissions import Action, may
from barrio.registry import grievance_selectors as selectors
from barrio.registry.models import Household

register = template.Library()


@register.inclusion_tag("registry/grievances/_household_casework.html", takes_context=True)
def household_casework(context: dict[str, Any], household: Household) -> dict[str, Any]:
    """What the user may see of a household's cases, corrections and referrals."""
    user = context["request"].user
    programme, unit = household.programme, household.unit
    may_ask = may(user, Action.DATA_CHANGE_REQUEST, programme=programme, unit=unit)
    may_see_changes = may_ask or may(
        user, Action.DATA_CHANGE_DECIDE, programme=programme, unit=unit
    )
    return {
        "household": household,
        "cases": selectors.household_grievances_for_user(user=user, household=household),
        "changes": (
            selectors.data_change_list_for_user(user=user, programme=programme).filter(
                household=household
            )
            if may_see_changes
            else None
        ),
        "may_ask": may_ask,
        "refer_url": (
            reverse("registry:referral_new", args=[programme.slug]) + f"?household={household.pk}"
            if selectors.may_refer(user, programme, unit)
            else ""
        ),
        "referrals": selectors.referral_list_for_user(
            user=user, programme=programme, household=household
        ),
    }
