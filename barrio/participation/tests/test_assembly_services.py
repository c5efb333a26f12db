"""Recording an assembly: agenda, attendance, votes, quorum, results and elected committees.

After every refusal, nothing has changed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    AgendaItem,
    Assembly,
    Attendee,
    ProposalTransition,
    ResidentCommittee,
    ResidentCommitteeMember,
    Vote,
)
from barrio.participation.selectors.assemblies import (
    approved_proposals_with_committees,
    assembly_minutes_rows,
)
from barrio.participation.services import (
    assembly_close,
    assembly_create,
    attendance_record,
    committee_elect,
    tally_record,
    vote_cast,
)
from barrio.participation.tests.factories import World, build_world, make_proposal

pytestmark = pytest.mark.django_db
S = ProposalStatus
ADMINISTRATION = [("Rosa Pérez", "president"), ("Juan López", "treasurer"), ("Eva Ruiz", "member")]


def _snapshot():
    return (
        list(Assembly.objects.values_list("pk", "status")),
        list(AgendaItem.objects.values_list("pk", "votes_for", "votes_against", "abstentions")),
        Attendee.objects.count(),
        Vote.objects.count(),
        ResidentCommittee.objects.count(),
        ResidentCommitteeMember.objects.count(),
        ProposalTransition.objects.count(),
    )


def _assembly(world: World, *, voting: str = "tally", minimum: int = 3, **fields) -> Assembly:
    proposal = fields.pop("proposal", None) or make_proposal(world, status=S.ADMITTED)
    return assembly_create(
        actor=world.team,
        call=world.call,
        unit=world.group.unit,
        held_at=timezone.now() - dt.timedelta(hours=2),
        place="Salón de usos múltiples",
        proposals=[proposal],
        quorum_min_attendees=minimum,
        voting=voting,
        **fields,
    )


def test_team_records_an_assembly_that_approves_with_committees() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED)
    assembly = _assembly(world, proposal=proposal, quorum_share_percent=50, quorum_base=8)
    attendance_record(
        actor=world.team, assembly=assembly, names=["Rosa Pérez", "Juan López", "Eva Ruiz", "Ana"]
    )
    tally_record(
        actor=world.team,
        assembly=assembly,
        proposal=proposal,
        votes_for=3,
        votes_against=0,
        abstentions=1,
    )
    committee_elect(
        actor=world.team,
        assembly=assembly,
        proposal=proposal,
        kind="administration",
        members=ADMINISTRATION,
    )
    assert list(approved_proposals_with_committees(world.programme)) == []
    committee_elect(
        actor=world.team,
        assembly=assembly,
        proposal=proposal,
        kind="supervision",
        members=[("Ana", "president")],
    )
    assembly_close(actor=world.team, assembly=assembly)
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED
    step = proposal.transitions.get(to_status=S.APPROVED)
    assert "3" in step.reason
    assert step.actor == world.team
    approved = list(approved_proposals_with_committees(world.programme))
    assert approved == [proposal]
    kinds = [c.kind for c in approved[0].resident_committees.all()]
    assert kinds == ["administration", "supervision"]
    minutes = assembly_minutes_rows(user=world.manager, assembly=assembly)
    assert (minutes.attendance, minutes.required, minutes.quorum_met) == (4, 4, True)
    assert [m.full_name for m in minutes.elected][:2] == ["Rosa Pérez", "Juan López"]


def test_names_are_stored_encrypted() -> None:
    from django.db import connection

    world = build_world()
    assembly = _assembly(world)
    attendance_record(actor=world.team, assembly=assembly, names=["Rosa Pérez"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM participation_attendee")
        (stored,) = cursor.fetchone()
    assert "Rosa" not in stored


def test_one_person_is_listed_once_and_a_bad_list_adds_nobody() -> None:
    world = build_world()
    assembly = _assembly(world)
    attendance_record(actor=world.team, assembly=assembly, names=["Rosa Pérez"])
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        attendance_record(
            actor=world.team, assembly=assembly, names=["Eva", "ROSA  perez", " ", "eva"]
        )
    assert [e.loc for e in caught.value.errors] == [("names", 2), ("names", 3), ("names", 4)]
    assert _snapshot() == before


def test_a_second_vote_of_one_person_is_refused() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED)
    assembly = _assembly(world, proposal=proposal, voting="individual", minimum=1)
    (rosa,) = attendance_record(actor=world.team, assembly=assembly, names=["Rosa Pérez"])
    vote_cast(actor=world.team, assembly=assembly, proposal=proposal, attendee=rosa, choice="for")
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        vote_cast(
            actor=world.team, assembly=assembly, proposal=proposal, attendee=rosa, choice="against"
        )
    assert caught.value.code == "already_voted"
    assert _snapshot() == before
    item = AgendaItem.objects.get(assembly=assembly)
    assert (item.votes_for, item.votes_against) == (1, 0)
    with pytest.raises(Conflict):
        tally_record(
            actor=world.team,
            assembly=assembly,
            proposal=proposal,
            votes_for=1,
            votes_against=0,
            abstentions=0,
        )
    assembly_close(actor=world.team, assembly=assembly)
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED


@pytest.mark.parametrize(
    ("votes", "field"),
    [((3, 1, 1), "votes_for"), ((-1, 0, 0), "votes_for"), ((0, 0, -2), "abstentions")],
)
def test_tallies_never_exceed_attendance_nor_go_negative(votes, field) -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED)
    assembly = _assembly(world, proposal=proposal)
    attendance_record(actor=world.team, assembly=assembly, names=["A", "B", "C", "D"])
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        tally_record(
            actor=world.team,
            assembly=assembly,
            proposal=proposal,
            votes_for=votes[0],
            votes_against=votes[1],
            abstentions=votes[2],
        )
    assert caught.value.errors[0].loc == (field,)
    assert _snapshot() == before


def test_an_assembly_without_quorum_approves_nothing() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED)
    assembly = _assembly(world, proposal=proposal, minimum=5)
    attendance_record(actor=world.team, assembly=assembly, names=["A", "B", "C"])
    tally_record(
        actor=world.team,
        assembly=assembly,
        proposal=proposal,
        votes_for=3,
        votes_against=0,
        abstentions=0,
    )
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        assembly_close(actor=world.team, assembly=assembly)
    assert caught.value.code == "no_quorum"
    assert _snapshot() == before
    proposal.refresh_from_db()
    assert proposal.status == S.ADMITTED


def test_more_against_than_for_is_not_approved_with_the_count_as_reason() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED)
    assembly = _assembly(world, proposal=proposal, minimum=2)
    attendance_record(actor=world.team, assembly=assembly, names=["A", "B", "C"])
    with pytest.raises(ValidationFailed):  # no votes recorded yet
        assembly_close(actor=world.team, assembly=assembly)
    tally_record(
        actor=world.team,
        assembly=assembly,
        proposal=proposal,
        votes_for=1,
        votes_against=2,
        abstentions=0,
    )
    assembly_close(actor=world.team, assembly=assembly)
    proposal.refresh_from_db()
    assert proposal.status == S.NOT_APPROVED
    assert AgendaItem.objects.get().result == AgendaItem.Result.NOT_APPROVED
    with pytest.raises(Conflict):
        attendance_record(actor=world.team, assembly=assembly, names=["Tarde"])


def test_agenda_needs_admitted_proposals_of_the_unit_and_a_sane_quorum() -> None:
    world = build_world()
    draft = make_proposal(world, status=S.UNDER_REVIEW, title="En revisión")
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        assembly_create(
            actor=world.team,
            call=world.call,
            unit=world.colonias["015-002"],
            held_at=timezone.now(),
            place=" ",
            proposals=[draft],
            quorum_share_percent=120,
            voting="shouting",
        )
    assert {e.loc for e in caught.value.errors} == {
        ("place",),
        ("proposals", 0),
        ("quorum_share_percent",),
        ("voting",),
    }
    with pytest.raises(ValidationFailed) as caught:
        _assembly(world, proposal=draft)
    assert caught.value.errors[0].loc == ("proposals", 0)
    assert _snapshot() == before


@pytest.mark.parametrize("actor", ["reviewer", "representative", "auditor"])
def test_only_staff_in_scope_record_assemblies(actor) -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED)
    with pytest.raises(PermissionDenied):
        assembly_create(
            actor=getattr(world, actor),
            call=world.call,
            unit=world.group.unit,
            held_at=timezone.now(),
            place="Salón",
            proposals=[proposal],
        )
    assembly = _assembly(world, proposal=proposal)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        attendance_record(actor=getattr(world, actor), assembly=assembly, names=["Rosa"])
    assert _snapshot() == before


def test_committee_lists_each_person_once_and_one_person_per_office() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED)
    assembly = _assembly(world, proposal=proposal)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        committee_elect(
            actor=world.team,
            assembly=assembly,
            proposal=proposal,
            kind="administration",
            members=[
                ("Rosa", "president"),
                ("rosa", "member"),
                ("Eva", "president"),
                ("", "chief"),
            ],
        )
    assert [e.loc for e in caught.value.errors] == [
        ("members", 2, "name"),
        ("members", 3, "role"),
        ("members", 4, "name"),
        ("members", 4, "role"),
    ]
    with pytest.raises(ValidationFailed):
        committee_elect(
            actor=world.team, assembly=assembly, proposal=proposal, kind="council", members=[]
        )
    assert _snapshot() == before
    committee_elect(
        actor=world.team,
        assembly=assembly,
        proposal=proposal,
        kind="administration",
        members=ADMINISTRATION,
    )
    with pytest.raises(Conflict):
        committee_elect(
            actor=world.team,
            assembly=assembly,
            proposal=proposal,
            kind="administration",
            members=ADMINISTRATION,
        )
