"""Who may do what, where: the one place that answers it.

``RULES`` maps each action to the roles that may take it. A role is granted within a
programme, or within one unit of it; a grant covers that unit and everything inside it.
``may`` answers for one object; ``scope_units`` gives what a queryset must be filtered to.
Nothing else in Barrio hard-codes roles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from barrio.accounts.models import Programme, Role, RoleGrant
from barrio.territories.selectors import unit_list, unit_within_q

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from barrio.territories.models import TerritorialUnit


class Action(StrEnum):
    """Everything a role may be allowed to do."""

    PROGRAMME_VIEW = "programme.view"
    PROGRAMME_MANAGE = "programme.manage"
    UNIT_VIEW = "unit.view"
    ROLE_VIEW = "role.view"
    ROLE_MANAGE = "role.manage"
    USER_INVITE = "user.invite"
    AUDIT_VIEW = "audit.view"
    PERSONAL_DATA_VIEW = "personal_data.view"
    PERSONAL_DATA_CHANGE = "personal_data.change"
    PERSONAL_DATA_EXPORT = "personal_data.export"
    REGISTRY_DASHBOARD = "registry.dashboard"
    HOUSEHOLD_VIEW = "household.view"
    DUPLICATE_ADJUDICATE = "duplicate.adjudicate"
    # Cash assistance (issue 10, part A): eligibility, cycles, payment plans, reconciliation.
    CASH_VIEW = "cash.view"
    ELIGIBILITY_RUN = "eligibility.run"
    ELIGIBILITY_APPROVE = "eligibility.approve"
    CYCLE_MANAGE = "cycle.manage"
    PAYMENT_PLAN_CREATE = "payment_plan.create"
    PAYMENT_PLAN_APPROVE = "payment_plan.approve"
    PAYMENT_PLAN_AUTHORIZE = "payment_plan.authorize"
    PAYMENT_PLAN_RELEASE = "payment_plan.release"
    PAYMENT_RECONCILE = "payment.reconcile"
    PLANNING_VIEW = "planning.view"
    PLANNING_RUN = "planning.run"
    PLANNING_APPROVE = "planning.approve"
    # Participation: calls, proposals, committee review, assemblies.
    CALL_MANAGE = "call.manage"
    PROPOSAL_STAFF_VIEW = "proposal.staff_view"
    PROPOSAL_SUBMIT = "proposal.submit"
    PROPOSAL_DECIDE = "proposal.decide"
    PROPOSAL_REVIEW = "proposal.review"
    ASSEMBLY_RECORD = "assembly.record"
    # Participation, review half: a call's technical committee and its assignments.
    COMMITTEE_MANAGE = "committee.manage"
    # Grievances, data-change requests, referrals and messages (issue 10 part B).
    GRIEVANCE_VIEW = "grievance.view"
    GRIEVANCE_RECORD = "grievance.record"
    GRIEVANCE_HANDLE = "grievance.handle"
    GRIEVANCE_SENSITIVE = "grievance.sensitive"
    GRIEVANCE_CONTACT_VIEW = "grievance.contact_view"
    DATA_CHANGE_REQUEST = "data_change.request"
    DATA_CHANGE_DECIDE = "data_change.decide"
    REFERRAL_MANAGE = "referral.manage"
    MESSAGE_MANAGE = "message.manage"
    # Participation, voting (issue 8): votes, ballots, allocation runs.
    VOTE_MANAGE = "vote.manage"
    VOTE_STAFF_VIEW = "vote.staff_view"
    BALLOT_CAST = "ballot.cast"
    ALLOCATION_RUN = "allocation.run"
    ALLOCATION_APPROVE = "allocation.approve"
    CENSUS_VIEW = "census.view"  # voting: read a vote's census list (masked, audited)
    # Polling stations and paper ballots (issue 8, second half): an official at a station
    # enters in-person ballots and paper entries; a supervisor resolves disagreements.
    STATION_OFFICIATE = "station.officiate"
    PAPER_RESOLVE = "paper.resolve"


EVERY_ROLE = frozenset(Role)

RULES: dict[Action, frozenset[Role]] = {
    Action.PROGRAMME_VIEW: EVERY_ROLE,
    Action.PROGRAMME_MANAGE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.UNIT_VIEW: EVERY_ROLE,
    Action.ROLE_VIEW: frozenset({Role.PROGRAMME_MANAGER, Role.AUDITOR}),
    Action.ROLE_MANAGE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.USER_INVITE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.AUDIT_VIEW: frozenset({Role.AUDITOR}),
    Action.PERSONAL_DATA_VIEW: frozenset(
        {Role.MUNICIPAL_TEAM, Role.CASEWORKER, Role.PAYMENTS_OFFICER, Role.AUDITOR}
    ),
    Action.PERSONAL_DATA_CHANGE: frozenset({Role.MUNICIPAL_TEAM, Role.CASEWORKER}),
    Action.PERSONAL_DATA_EXPORT: frozenset({Role.PAYMENTS_OFFICER, Role.AUDITOR}),
    # The registry: aggregates for those who steer, records (masked until a personal-data
    # reader unmasks them) for those who work with households, duplicates for caseworkers.
    Action.REGISTRY_DASHBOARD: frozenset(
        {
            Role.PROGRAMME_MANAGER,
            Role.MUNICIPAL_TEAM,
            Role.CASEWORKER,
            Role.PAYMENTS_OFFICER,
            Role.AUDITOR,
        }
    ),
    Action.HOUSEHOLD_VIEW: frozenset(
        {
            Role.PROGRAMME_MANAGER,
            Role.MUNICIPAL_TEAM,
            Role.CASEWORKER,
            Role.PAYMENTS_OFFICER,
            Role.AUDITOR,
        }
    ),
    Action.DUPLICATE_ADJUDICATE: frozenset({Role.CASEWORKER}),
    # Cash assistance (issue 10, part A). Lists, cycles and plans are read by those who run
    # and check the payments; a programme manager approves (lists, plans) and sets budgets,
    # a payments officer authorizes and releases — never the same person twice (services).
    Action.CASH_VIEW: frozenset({Role.PROGRAMME_MANAGER, Role.PAYMENTS_OFFICER, Role.AUDITOR}),
    Action.ELIGIBILITY_RUN: frozenset({Role.PROGRAMME_MANAGER, Role.PAYMENTS_OFFICER}),
    Action.ELIGIBILITY_APPROVE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.CYCLE_MANAGE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.PAYMENT_PLAN_CREATE: frozenset({Role.PAYMENTS_OFFICER}),
    Action.PAYMENT_PLAN_APPROVE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.PAYMENT_PLAN_AUTHORIZE: frozenset({Role.PAYMENTS_OFFICER}),
    Action.PAYMENT_PLAN_RELEASE: frozenset({Role.PAYMENTS_OFFICER}),
    Action.PAYMENT_RECONCILE: frozenset({Role.PAYMENTS_OFFICER}),
    # Drafts are working material of the programme's staff; an approved run or an
    # apportionment is public in a public programme (selectors decide that, not a role).
    Action.PLANNING_VIEW: frozenset(
        {Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM, Role.COMMITTEE_MEMBER, Role.AUDITOR}
    ),
    Action.PLANNING_RUN: frozenset({Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM}),
    Action.PLANNING_APPROVE: frozenset({Role.PROGRAMME_MANAGER}),
    # Participation. A published call and the public part of a proposal are open to all
    # (selectors decide that); the rest is staff work in scope, and a group's proposals are
    # its representative's (participation/permissions.py adds that object-level check).
    Action.CALL_MANAGE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.PROPOSAL_STAFF_VIEW: frozenset(
        {Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM, Role.AUDITOR}
    ),
    Action.PROPOSAL_SUBMIT: frozenset({Role.COMMUNITY_REPRESENTATIVE}),
    Action.PROPOSAL_DECIDE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.PROPOSAL_REVIEW: frozenset({Role.COMMITTEE_MEMBER}),
    Action.ASSEMBLY_RECORD: frozenset({Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM}),
    # Participation, review half: the programme names the committee and gives it proposals.
    Action.COMMITTEE_MANAGE: frozenset({Role.PROGRAMME_MANAGER}),
    # Grievances (issue 10 part B). The orientation centre's staff record cases; caseworkers
    # and protection focal points handle them. A case of a sensitive category (protection,
    # fraud, personal data) is seen — in lists, counts and pages — only by the roles of
    # GRIEVANCE_SENSITIVE, on top of GRIEVANCE_VIEW: whoever records one at the desk no
    # longer sees it unless they hold one of them. Contact details are personal data.
    Action.GRIEVANCE_VIEW: frozenset(
        {
            Role.PROGRAMME_MANAGER,
            Role.MUNICIPAL_TEAM,
            Role.CASEWORKER,
            Role.PROTECTION_FOCAL,
            Role.AUDITOR,
        }
    ),
    Action.GRIEVANCE_RECORD: frozenset(
        {Role.MUNICIPAL_TEAM, Role.CASEWORKER, Role.PROTECTION_FOCAL}
    ),
    Action.GRIEVANCE_HANDLE: frozenset({Role.CASEWORKER, Role.PROTECTION_FOCAL}),
    Action.GRIEVANCE_SENSITIVE: frozenset({Role.PROGRAMME_MANAGER, Role.PROTECTION_FOCAL}),
    Action.GRIEVANCE_CONTACT_VIEW: frozenset(
        {Role.MUNICIPAL_TEAM, Role.CASEWORKER, Role.PROTECTION_FOCAL, Role.AUDITOR}
    ),
    # A household's correction is asked by whoever may change its data and decided by a
    # second caseworker (never the person who asked), who sees the old and new values.
    Action.DATA_CHANGE_REQUEST: frozenset({Role.MUNICIPAL_TEAM, Role.CASEWORKER}),
    Action.DATA_CHANGE_DECIDE: frozenset({Role.CASEWORKER}),
    Action.REFERRAL_MANAGE: frozenset({Role.CASEWORKER, Role.PROTECTION_FOCAL}),
    Action.MESSAGE_MANAGE: frozenset({Role.PROGRAMME_MANAGER, Role.CASEWORKER}),
    # Participation, voting: the programme sets votes up and decides; residents of a pot's
    # unit vote there; a published result is open to all (selectors decide that). An
    # allocation run is approved by a manager other than who ran it (services check that).
    Action.VOTE_MANAGE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.VOTE_STAFF_VIEW: frozenset({Role.PROGRAMME_MANAGER, Role.MUNICIPAL_TEAM, Role.AUDITOR}),
    Action.BALLOT_CAST: frozenset({Role.RESIDENT}),
    Action.ALLOCATION_RUN: frozenset({Role.PROGRAMME_MANAGER}),
    Action.ALLOCATION_APPROVE: frozenset({Role.PROGRAMME_MANAGER}),
    Action.CENSUS_VIEW: frozenset({Role.PROGRAMME_MANAGER, Role.AUDITOR}),
    # Polling stations and paper ballots (issue 8, second half).
    Action.STATION_OFFICIATE: frozenset({Role.MUNICIPAL_TEAM}),
    Action.PAPER_RESOLVE: frozenset({Role.PROGRAMME_MANAGER}),
}

#: Roles that can read personal data; their holders must sign in with a second factor.
SECOND_FACTOR_ROLES = (
    RULES[Action.PERSONAL_DATA_VIEW]
    | RULES[Action.ROLE_MANAGE]
    | RULES[Action.GRIEVANCE_CONTACT_VIEW]  # grievances (issue 10 part B)
)


@dataclass(frozen=True)
class Scope:
    """Where a user may take an action in one programme: everywhere, or inside some units."""

    programme: Programme
    everywhere: bool
    units: tuple[TerritorialUnit, ...]

    @property
    def is_empty(self) -> bool:
        """Tell whether the user may take the action nowhere in the programme."""
        return not self.everywhere and not self.units

    def covers(self, unit: TerritorialUnit | None) -> bool:
        """Tell whether an object in ``unit`` (``None``: the programme as a whole) is in scope."""
        if self.everywhere:
            return True
        if unit is None:
            return False
        return any(own.contains(unit) for own in self.units)

    def unit_q(self, *fields: str) -> Q:
        """A filter keeping the rows whose ``fields`` (paths to units) are all in scope.

        One path is compared with the scope's own units (a prefix of the unit's path).
        Several share one sub-query of the units in scope: with a prefix filter on each of
        two joins to the units, PostgreSQL once counted 23 adjudication tasks for over 20
        minutes in CI, joining the two filtered copies of the units before the records.
        """
        if self.everywhere:
            return Q()
        if len(fields) == 1:
            return unit_within_q(self.units, field=fields[0])
        units = unit_list(within=self.units).values("pk")
        return Q(**{f"{field}__in": units for field in fields})


def active_grants(
    user: User | AnonymousUser, *, programme: Programme | None = None
) -> list[RoleGrant]:
    """Return the user's grants in force today, with their programme and unit."""
    if not user.is_authenticated or not user.is_active:
        return []
    grants = RoleGrant.objects.filter(
        user_id=user.pk, revoked_at__isnull=True, expires_on__gte=dt.date.today()
    ).select_related("programme", "unit")
    if programme is not None:
        grants = grants.filter(programme=programme)
    return list(grants)


def grants_allowing(user: User | AnonymousUser, action: Action) -> QuerySet[RoleGrant]:
    """Return the user's grants in force today that allow ``action``, as a query for the
    caller to narrow to a programme and a place (nothing is read until it is asked)."""
    if not user.is_authenticated or not user.is_active:
        return RoleGrant.objects.none()
    return RoleGrant.objects.filter(
        user_id=user.pk,
        role__in=RULES[action],
        revoked_at__isnull=True,
        expires_on__gte=dt.date.today(),
    )


def _ancestor_paths(unit: TerritorialUnit) -> list[str]:
    """The paths of ``unit`` and of every unit it lies in (``"09/"``, ``"09/015/"``, …)."""
    return list(accumulate(f"{part}/" for part in unit.path.split("/")[:-1]))


def scope(user: User | AnonymousUser, action: Action, programme: Programme) -> Scope:
    """Return where ``user`` may take ``action`` in ``programme``.

    Administrators may act everywhere; other users where a grant of a role allowed to take
    the action reaches.
    """
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Scope(programme, True, ())
    allowed = RULES[action]
    grants = [g for g in active_grants(user, programme=programme) if g.role in allowed]
    everywhere = any(g.unit_id is None for g in grants)
    units = tuple(g.unit for g in grants if g.unit is not None)
    return Scope(programme, everywhere, () if everywhere else units)


def may(
    user: User | AnonymousUser,
    action: Action,
    *,
    programme: Programme,
    unit: TerritorialUnit | None = None,
) -> bool:
    """Tell whether ``user`` may take ``action`` on an object of ``programme`` in ``unit``.

    ``unit`` empty means an object of the programme as a whole (its settings, its roles):
    only a grant over the whole programme reaches it. The answer is :meth:`Scope.covers` of
    :func:`scope`, asked of the database in one query.
    """
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    reach = Q(unit__isnull=True)
    if unit is not None:
        reach |= Q(unit__country=unit.country, unit__path__in=_ancestor_paths(unit))
    return grants_allowing(user, action).filter(reach, programme=programme).exists()


def needs_second_factor(user: User | AnonymousUser) -> bool:
    """Tell whether ``user`` must sign in with a second factor (roles reading personal data)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(g.role in SECOND_FACTOR_ROLES for g in active_grants(user))
