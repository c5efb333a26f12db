"""API of neighbourhood assemblies: open a record, add attendance, votes or tallies, elect
committees, close; and the public list of approved proposals with their committees.

Names of attendees and elected residents are personal: the record shows them to staff only
when asked (``unmask=true``), and each showing is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import FieldError, ValidationFailed
from barrio.participation import services
from barrio.participation.api.reviews import in_body
from barrio.participation.models import Assembly
from barrio.participation.selectors import assemblies as selectors
from barrio.participation.selectors.calls import call_get_for_user

router = Router()


class AssemblyIn(Schema):
    unit_id: int
    held_at: dt.datetime
    place: str = Field(..., max_length=200)
    proposal_ids: list[int] = Field(..., max_length=100)
    quorum_min_attendees: int = Field(0, ge=0, le=1_000_000)
    quorum_share_percent: int = Field(0, ge=0, le=100)
    quorum_base: int = Field(0, ge=0, le=100_000_000)
    voting: str = Field("tally", max_length=20, description="tally or individual")
    notes: str = Field("", max_length=10_000)


class AgendaItemOut(Schema):
    proposal_id: int
    title: str
    votes_for: int
    votes_against: int
    abstentions: int
    result: str


class ElectedOut(Schema):
    role: str
    name: str | None = Field(..., description="Empty unless unmasked by staff.")


class CommitteeOut(Schema):
    id: int
    proposal_id: int
    kind: str
    members: list[ElectedOut]


class AttendeeOut(Schema):
    id: int
    name: str | None


class AssemblyOut(Schema):
    id: int
    call_id: int
    unit_id: int
    held_at: dt.datetime
    place: str
    voting: str
    status: str
    quorum_required: int
    attendance: int
    quorum_met: bool
    agenda: list[AgendaItemOut]
    committees: list[CommitteeOut]
    attendees: list[AttendeeOut]
    unmasked: bool


class AttendanceIn(Schema):
    names: list[str] = Field(..., max_length=5000)


class VoteIn(Schema):
    proposal_id: int
    attendee_id: int
    choice: str = Field(..., max_length=10, description="for, against or abstain")


class TallyIn(Schema):
    votes_for: int
    votes_against: int
    abstentions: int


class ElectedIn(Schema):
    name: str = Field(..., max_length=200)
    role: str = Field(..., max_length=20)


class CommitteeIn(Schema):
    proposal_id: int
    kind: str = Field(..., max_length=30)
    members: list[ElectedIn] = Field(..., max_length=50)


class DetailQuery(Schema):
    unmask: bool = False


class ApprovedOut(Schema):
    id: int
    title: str
    unit_id: int
    unit: str
    group: str
    status: str
    total_cents: int
    committees: list[CommitteeOut]


def assembly_out(request: HttpRequest, assembly: Assembly, *, unmask: bool) -> AssemblyOut:
    """The record; names only when ``unmask`` (the caller is staff: an audited read)."""
    minutes = selectors.assembly_minutes_rows(user=request.user, assembly=assembly)
    attendees = list(assembly.attendees.all())
    if unmask:
        audit_personal_data_read(
            actor=request.user,
            objects=[*attendees, *minutes.elected],
            channel=Channel.API,
            programme=assembly.call.programme,
        )
    return AssemblyOut(
        id=assembly.pk,
        call_id=assembly.call_id,
        unit_id=assembly.unit_id,
        held_at=assembly.held_at,
        place=assembly.place,
        voting=assembly.voting,
        status=assembly.status,
        quorum_required=minutes.required,
        attendance=minutes.attendance,
        quorum_met=minutes.quorum_met,
        agenda=[
            AgendaItemOut(
                proposal_id=item.proposal_id,
                title=item.proposal.title,
                votes_for=item.votes_for,
                votes_against=item.votes_against,
                abstentions=item.abstentions,
                result=item.result,
            )
            for item in minutes.items
        ],
        committees=[committee_out(c, unmask=unmask) for c in minutes.committees],
        attendees=[AttendeeOut(id=a.pk, name=a.full_name if unmask else None) for a in attendees],
        unmasked=unmask,
    )


def committee_out(committee: Any, *, unmask: bool) -> CommitteeOut:
    return CommitteeOut(
        id=committee.pk,
        proposal_id=committee.proposal_id,
        kind=committee.kind,
        members=[
            ElectedOut(role=m.role, name=m.full_name if unmask else None)
            for m in committee.members.all()
        ],
    )


def _assembly(request: HttpRequest, assembly_id: int) -> Assembly:
    return selectors.assembly_get_for_user(user=request.user, assembly_id=assembly_id)


def _on_agenda(assembly: Assembly, proposal_id: int, field: str) -> Any:
    item = assembly.agenda.filter(proposal_id=proposal_id).select_related("proposal").first()
    if item is None:
        raise ValidationFailed(
            errors=[FieldError(("body", field), _("This proposal is not on the agenda."))]
        )
    return item.proposal


@router.post(
    "/calls/{call_id}/assemblies", response={201: AssemblyOut}, summary="Open an assembly record"
)
def assembly_create_api(request: HttpRequest, call_id: int, body: AssemblyIn) -> Any:
    """Open the record of an assembly of a unit with admitted proposals on its agenda."""
    call = call_get_for_user(user=request.user, call_id=call_id)
    unit = next((u for u in call.units.all() if u.pk == body.unit_id), None)
    if unit is None:
        raise ValidationFailed(
            errors=[FieldError(("body", "unit_id"), _("No unit of this call has this id."))]
        )
    proposals = list(call.proposals.filter(pk__in=body.proposal_ids))
    if len(proposals) != len(set(body.proposal_ids)):
        raise ValidationFailed(
            errors=[FieldError(("body", "proposal_ids"), _("A proposal is not of this call."))]
        )
    with in_body():
        assembly = services.assembly_create(
            actor=request.user,
            call=call,
            unit=unit,
            held_at=body.held_at,
            place=body.place,
            proposals=proposals,
            quorum_min_attendees=body.quorum_min_attendees,
            quorum_share_percent=body.quorum_share_percent,
            quorum_base=body.quorum_base,
            voting=body.voting,
            notes=body.notes,
        )
    return Status(201, assembly_out(request, assembly, unmask=False))


@router.get("/assemblies/{assembly_id}", response=AssemblyOut, summary="An assembly's record")
def assembly_detail_api(
    request: HttpRequest, assembly_id: int, query: Query[DetailQuery]
) -> AssemblyOut:
    """The record: agenda, votes, quorum, committees; names with ``unmask=true`` (audited)."""
    assembly = _assembly(request, assembly_id)
    return assembly_out(request, assembly, unmask=query.unmask)


@router.post("/assemblies/{assembly_id}/attendance", response=AssemblyOut, summary="Add attendees")
def assembly_attendance_api(request: HttpRequest, assembly_id: int, body: AttendanceIn) -> Any:
    """Add people to the attendance list; one person once (the whole list or nobody)."""
    assembly = _assembly(request, assembly_id)
    with in_body():
        services.attendance_record(actor=request.user, assembly=assembly, names=body.names)
    return assembly_out(request, _assembly(request, assembly_id), unmask=False)


@router.post("/assemblies/{assembly_id}/votes", response=AssemblyOut, summary="Record a vote")
def assembly_vote_api(request: HttpRequest, assembly_id: int, body: VoteIn) -> Any:
    """Record one attendee's vote on one proposal; a second vote of one person is refused."""
    assembly = _assembly(request, assembly_id)
    proposal = _on_agenda(assembly, body.proposal_id, "proposal_id")
    attendee = assembly.attendees.filter(pk=body.attendee_id).first()
    if attendee is None:
        raise ValidationFailed(
            errors=[
                FieldError(("body", "attendee_id"), _("This person is not on the attendance list."))
            ]
        )
    with in_body():
        services.vote_cast(
            actor=request.user,
            assembly=assembly,
            proposal=proposal,
            attendee=attendee,
            choice=body.choice,
        )
    return assembly_out(request, _assembly(request, assembly_id), unmask=False)


@router.put(
    "/assemblies/{assembly_id}/tallies/{proposal_id}",
    response=AssemblyOut,
    summary="Record the counted votes on a proposal",
)
def assembly_tally_api(
    request: HttpRequest, assembly_id: int, proposal_id: int, body: TallyIn
) -> Any:
    """Record the counts of for, against and abstentions; never more than the attendees."""
    assembly = _assembly(request, assembly_id)
    proposal = _on_agenda(assembly, proposal_id, "proposal_id")
    with in_body():
        services.tally_record(
            actor=request.user,
            assembly=assembly,
            proposal=proposal,
            votes_for=body.votes_for,
            votes_against=body.votes_against,
            abstentions=body.abstentions,
        )
    return assembly_out(request, _assembly(request, assembly_id), unmask=False)


@router.post(
    "/assemblies/{assembly_id}/committees",
    response={201: AssemblyOut},
    summary="Record an elected committee",
)
def assembly_committee_api(request: HttpRequest, assembly_id: int, body: CommitteeIn) -> Any:
    """Record a residents' committee (administration, supervision, community development)
    elected for a proposal on the agenda, with its members and their offices."""
    assembly = _assembly(request, assembly_id)
    proposal = _on_agenda(assembly, body.proposal_id, "proposal_id")
    with in_body():
        services.committee_elect(
            actor=request.user,
            assembly=assembly,
            proposal=proposal,
            kind=body.kind,
            members=[(m.name, m.role) for m in body.members],
        )
    return Status(201, assembly_out(request, _assembly(request, assembly_id), unmask=False))


@router.post(
    "/assemblies/{assembly_id}/close", response=AssemblyOut, summary="Close and count results"
)
def assembly_close_api(request: HttpRequest, assembly_id: int) -> Any:
    """Check the quorum and apply each proposal's result (approved or not approved)."""
    assembly = _assembly(request, assembly_id)
    with in_body():
        services.assembly_close(actor=request.user, assembly=assembly)
    return assembly_out(request, _assembly(request, assembly_id), unmask=False)


@router.get(
    "/programmes/{slug}/approved-proposals",
    response=list[ApprovedOut],
    auth=None,
    summary="Approved proposals with their committees",
)
def approved_proposals_api(request: HttpRequest, slug: str) -> list[ApprovedOut]:
    """Proposals an assembly approved with their administration and supervision committees
    elected (where the works start); offices only, never names."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    return [
        ApprovedOut(
            id=p.pk,
            title=p.title,
            unit_id=p.unit_id,
            unit=p.unit.name,
            group=p.group.name,
            status=p.status,
            total_cents=p.total_cents,
            committees=[committee_out(c, unmask=False) for c in p.resident_committees.all()],
        )
        for p in selectors.approved_proposals_with_committees(programme)
    ]
