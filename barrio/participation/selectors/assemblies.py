"""Read queries of assemblies and the residents' committees they elect.

The record of an assembly (attendance, names) is the programme's staff's, in their scope.
The public learns that a proposal was approved and which committees run it, never who sits
on them: names are personal data, read by staff only, and every such read is audited by the
caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from barrio.accounts.permissions import Action, may, scope
from barrio.core.assembly import QuorumRule, quorum_required
from barrio.errors import NotFound
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    AgendaItem,
    Assembly,
    Call,
    Proposal,
    ResidentCommittee,
    ResidentCommitteeMember,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.accounts.models import Programme

__all__ = [
    "AssemblyMinutes",
    "admitted_proposals",
    "approved_proposals_with_committees",
    "assembly_get_for_user",
    "assembly_list_for_user",
    "assembly_minutes_rows",
    "may_read_committee_names",
    "may_record_assembly",
    "proposal_committees",
    "quorum_rule",
]

S = ProposalStatus

#: The committees a proposal needs before works start (Mexico City's PCMB: the residents
#: administer the money and supervise the works).
REQUIRED_COMMITTEES = (ResidentCommittee.Kind.ADMINISTRATION, ResidentCommittee.Kind.SUPERVISION)


def quorum_rule(assembly: Assembly) -> QuorumRule:
    """The assembly's quorum rule as the core computes it."""
    return QuorumRule(
        min_attendees=assembly.quorum_min_attendees,
        share=Fraction(assembly.quorum_share_percent, 100),
        base=assembly.quorum_base,
    )


def may_record_assembly(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may record assemblies somewhere in ``programme``."""
    return not scope(user, Action.ASSEMBLY_RECORD, programme).is_empty


def may_read_committee_names(user: User | AnonymousUser, proposal: Proposal) -> bool:
    """Tell whether ``user`` may read the names of the residents elected for ``proposal``."""
    return may(
        user, Action.PROPOSAL_STAFF_VIEW, programme=proposal.call.programme, unit=proposal.unit
    )


def _staff_assemblies(user: User | AnonymousUser, programme: Programme) -> QuerySet[Assembly]:
    staff = scope(user, Action.PROPOSAL_STAFF_VIEW, programme)
    recorders = scope(user, Action.ASSEMBLY_RECORD, programme)
    if staff.is_empty and recorders.is_empty:
        return Assembly.objects.none()
    return Assembly.objects.filter(call__programme=programme).filter(
        staff.unit_q("unit") | recorders.unit_q("unit")
        if not (staff.everywhere or recorders.everywhere)
        else Q()
    )


def assembly_list_for_user(*, user: User | AnonymousUser, call: Call) -> QuerySet[Assembly]:
    """Return the call's assemblies whose record ``user`` may read, newest first."""
    return (
        _staff_assemblies(user, call.programme)
        .filter(call=call)
        .select_related("unit")
        .annotate(attendance=Count("attendees", distinct=True))
        .prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("proposal"))
        )
    )


def assembly_get_for_user(*, user: User | AnonymousUser, assembly_id: int) -> Assembly:
    """Return assembly ``assembly_id`` if ``user`` may read its record; :class:`NotFound` else."""
    assembly = (
        Assembly.objects.filter(pk=assembly_id).select_related("call__programme", "unit").first()
    )
    if assembly is None:
        raise NotFound()
    found = (
        _staff_assemblies(user, assembly.call.programme)
        .filter(pk=assembly_id)
        .select_related("call__programme", "unit")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def admitted_proposals(*, call: Call, unit_ids: list[int] | None = None) -> QuerySet[Proposal]:
    """Return the call's admitted proposals (those an assembly may approve)."""
    proposals = Proposal.objects.filter(call=call, status=S.ADMITTED).select_related("unit")
    if unit_ids is not None:
        proposals = proposals.filter(unit_id__in=unit_ids)
    return proposals.order_by("unit__name", "title")


@dataclass
class AssemblyMinutes:
    """What an assembly's minutes say."""

    assembly: Assembly
    attendance: int
    required: int
    items: list[AgendaItem]
    committees: list[ResidentCommittee]
    elected: list[ResidentCommitteeMember] = field(default_factory=list)

    @property
    def quorum_met(self) -> bool:
        """Whether enough people attended for the votes to count."""
        return self.attendance >= self.required


def assembly_minutes_rows(*, user: User | AnonymousUser, assembly: Assembly) -> AssemblyMinutes:
    """Return the minutes of ``assembly`` for a staff member (names of the elected included;
    the caller audits the read).

    Raises
    ------
    NotFound
        When ``user`` may not read the assembly's record.
    """
    found = assembly_get_for_user(user=user, assembly_id=assembly.pk)
    committees = list(
        ResidentCommittee.objects.filter(assembly=found)
        .select_related("proposal")
        .prefetch_related("members")
    )
    return AssemblyMinutes(
        assembly=found,
        attendance=found.attendees.count(),
        required=quorum_required(quorum_rule(found)),
        items=list(found.agenda.select_related("proposal__unit", "proposal__group")),
        committees=committees,
        elected=[member for committee in committees for member in committee.members.all()],
    )


def proposal_committees(proposal: Proposal) -> list[ResidentCommittee]:
    """Return the residents' committees elected for ``proposal``, with their members
    prefetched (read the names only after :func:`may_read_committee_names`)."""
    return list(
        ResidentCommittee.objects.filter(proposal=proposal)
        .select_related("assembly")
        .prefetch_related("members")
        .order_by("kind")
    )


def approved_proposals_with_committees(programme: Programme) -> QuerySet[Proposal]:
    """Return the proposals an assembly approved (or selected later) whose administration and
    supervision committees are elected: where the works of the programme start from.

    Public facts (title, unit, amount, committees' kinds); members' names stay behind
    :func:`may_read_committee_names`.
    """
    has_all = Q()
    proposals = Proposal.objects.filter(
        call__programme=programme, status__in=[S.APPROVED, S.SELECTED]
    )
    for kind in REQUIRED_COMMITTEES:
        has_all &= Q(pk__in=ResidentCommittee.objects.filter(kind=kind).values("proposal_id"))
    return (
        proposals.filter(has_all)
        .select_related("call", "unit", "group")
        .prefetch_related(
            Prefetch(
                "resident_committees",
                queryset=ResidentCommittee.objects.prefetch_related("members").order_by("kind"),
            )
        )
        .order_by("unit__name", "title")
    )
