"""What a person asks the participation services for, as plain values.

Forms and API schemas parse their input into these; the services validate them against the
data and name each field that does not fit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CriterionSpec:
    """One review criterion of a call: its code, name, weight and highest score."""

    code: str
    name: str
    weight: int = 1
    scale_max: int = 5
    description: str = ""


@dataclass(frozen=True)
class CallSpec:
    """Everything a call says: dates, where, what, how much, who may submit, how judged.

    The eligible units are ``unit_ids`` chosen by hand, or those of the approved targeting
    run ``targeting_run`` (its chosen units, or with ``stratum`` the units in that stratum).
    Dates are instants (aware datetimes).
    """

    slug: str
    title: str
    submission_opens_at: dt.datetime
    submission_closes_at: dt.datetime
    review_closes_at: dt.datetime
    assemblies_close_at: dt.datetime
    results_at: dt.datetime
    max_project_cents: int
    total_cents: int
    kinds: tuple[str, ...]
    summary: str = ""
    voting_opens_at: dt.datetime | None = None
    voting_closes_at: dt.datetime | None = None
    unit_ids: tuple[int, ...] = ()
    targeting_run: int | None = None
    stratum: str = ""
    required_documents: tuple[str, ...] = ()
    min_group_members: int = 5
    min_signatures: int = 0
    criteria: tuple[CriterionSpec, ...] = ()


@dataclass(frozen=True)
class MemberSpec:
    """A resident who joins a group: the name (personal data) and the unit they live in."""

    full_name: str
    unit_id: int


@dataclass(frozen=True)
class GroupSpec:
    """A community group to register in one unit; whoever registers it represents it."""

    name: str
    unit_id: int
    email: str = ""
    description: str = ""
    members: tuple[MemberSpec, ...] = ()


@dataclass(frozen=True)
class BudgetLineSpec:
    """One line of a budget: quantity (up to three decimals) × unit cost in cents."""

    concept: str
    quantity: Decimal
    unit: str
    unit_cost_cents: int


@dataclass(frozen=True)
class TimelineSpec:
    """One activity of the timeline, from its first to its last month (1 = the first)."""

    activity: str
    first_month: int
    last_month: int


@dataclass(frozen=True)
class ProposalSpec:
    """The content of a proposal as its group writes it; empty parts may be filled later."""

    title: str
    kind: str
    unit_id: int
    location: dict[str, object] | None = None
    diagnosis: str = ""
    objectives: str = ""
    beneficiaries: str = ""
    beneficiary_count: int = 0
    budget_lines: tuple[BudgetLineSpec, ...] = ()
    timeline: tuple[TimelineSpec, ...] = field(default_factory=tuple)
