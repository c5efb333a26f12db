"""Data of the permission matrix's committee-review and assembly rows, over Lima's world.

A published call of Lima with Miraflores eligible; a committee member assigned one proposal
under review; another proposal under review for decisions; an admitted proposal with a
tally assembly and an individual-vote assembly; fresh assemblies on demand for writes that
succeed only once (electing a committee, closing).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import fresh, grant, make_user
from barrio.crypto import blind_index
from barrio.participation.models import (
    AgendaItem,
    Assembly,
    Attendee,
    Call,
    CommitteeMember,
    CommunityGroup,
    Proposal,
    ReviewAssignment,
    ReviewCriterion,
)

ASSIGNED_LABEL = "assigned committee member"
_names = itertools.count()


def fresh_name() -> str:
    """A name never used before in this run (attendance lists refuse a person twice)."""
    return f"Persona {next(_names)}"


def attendee(*, assembly_id: int) -> Attendee:
    """A new person on an assembly's attendance list."""
    name = fresh_name()
    return Attendee.objects.create(
        assembly_id=assembly_id,
        full_name=name,
        person_index=blind_index(name, purpose="assembly-attendee"),
    )


def build_review_data(world: Any) -> tuple[Any, dict[str, Any]]:
    """Return the assigned member (a user) and the ids and factories the rows need."""
    now = timezone.now()
    manager = make_user("review.manager@lima.pe")
    grant(manager, Role.PROGRAMME_MANAGER, world.lima)
    call = Call.objects.create(
        programme=world.lima,
        slug="barrios-2026",
        title="Barrios 2026",
        status=Call.Status.PUBLISHED,
        submission_opens_at=now - dt.timedelta(days=30),
        submission_closes_at=now - dt.timedelta(days=1),
        review_closes_at=now + dt.timedelta(days=20),
        assemblies_close_at=now + dt.timedelta(days=40),
        results_at=now + dt.timedelta(days=60),
        kinds=["park"],
        max_project_cents=100_000,
        total_cents=1_000_000,
    )
    call.units.set([world.miraflores])
    ReviewCriterion.objects.create(call=call, code="feasibility", name="Factibilidad", weight=1)
    representative = make_user("rep.miraflores@lima.pe")
    group = CommunityGroup.objects.create(
        programme=world.lima, name="Vecinos", unit=world.miraflores, representative=representative
    )

    def proposal(status: str, title: str) -> Proposal:
        return Proposal.objects.create(
            call=call, group=group, unit=world.miraflores, title=title, kind="park", status=status
        )

    assigned = make_user("assigned.member@lima.pe")
    grant(assigned, Role.COMMITTEE_MEMBER, world.lima)
    seat = CommitteeMember.objects.create(call=call, user=assigned, affiliation="academic")
    under_review = proposal("under_review", "Parque asignado")
    assignment = ReviewAssignment.objects.create(proposal=under_review, member=seat)
    candidate = make_user("candidate.member@lima.pe")
    grant(candidate, Role.COMMITTEE_MEMBER, world.lima)
    admitted = proposal("admitted", "Parque admitido")
    official = make_user("official.member@lima.pe")
    grant(official, Role.COMMITTEE_MEMBER, world.lima)

    def assembly(voting: str = "tally", *, ready: bool = False) -> tuple[int, int]:
        """A new open assembly with a fresh admitted proposal; ``ready``: with attendance
        and votes enough to close."""
        on_agenda = proposal("admitted", "Parque en asamblea") if ready else admitted
        record = Assembly.objects.create(
            call=call,
            unit=world.miraflores,
            held_at=now,
            place="Parque central",
            voting=voting,
            quorum_min_attendees=1,
        )
        AgendaItem.objects.create(assembly=record, proposal=on_agenda, votes_for=1 if ready else 0)
        if ready:
            attendee(assembly_id=record.pk)
        return record.pk, on_agenda.pk

    tally_assembly, _ = assembly()
    vote_assembly, _ = assembly("individual")

    return assigned, {
        "review_call_id": call.pk,
        "assignment_id": assignment.pk,
        "decide_proposal_id": proposal("under_review", "Parque por decidir").pk,
        "decide_page_proposal_id": proposal("under_review", "Parque por decidir aquí").pk,
        "assign_proposal_id": proposal("submitted", "Parque enviado").pk,
        "admitted_id": admitted.pk,
        "member_id": CommitteeMember.objects.create(
            call=call, user=official, affiliation="official"
        ).pk,
        "candidate_id": candidate.pk,
        "assembly_id": tally_assembly,
        "vote_assembly_id": vote_assembly,
        "fresh_attendee": fresh(attendee, assembly_id=vote_assembly),
        "fresh_assembly": lambda: assembly(ready=True),
    }
