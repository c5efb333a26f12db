"""The life cycle of a proposal: which step may follow which.

One table, read by the services that move a proposal and by the pages that offer the next
steps, so that no other module decides what may follow what.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for correction")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved by the assembly")
    NOT_APPROVED = "not_approved", _("Not approved by the assembly")
    ON_BALLOT = "on_ballot", _("On the ballot")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ProposalStatus

NEXT: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    # A returned proposal is corrected as a draft of its next version and submitted again.
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.ADMITTED, S.REJECTED, S.RETURNED}),
    S.ADMITTED: frozenset({S.APPROVED, S.NOT_APPROVED}),
    S.APPROVED: frozenset({S.ON_BALLOT, S.SELECTED}),
    S.ON_BALLOT: frozenset({S.SELECTED, S.NOT_SELECTED}),
    S.REJECTED: frozenset(),
    S.NOT_APPROVED: frozenset(),
    S.SELECTED: frozenset(),
    S.NOT_SELECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# The group may change its proposal only in these states; everything else is frozen.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})

# A reason is required when the decision goes against the group.
NEEDS_REASON = frozenset({S.REJECTED, S.RETURNED, S.NOT_APPROVED})


def may_follow(current: str, following: str) -> bool:
    """Tell whether a proposal in ``current`` may move to ``following``."""
    return following in NEXT.get(current, frozenset())
