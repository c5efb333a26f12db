"""Recording a neighbourhood assembly: agenda, attendance, votes, results, elected committees.

The programme's staff (manager or municipal team, in the assembly's unit) record what the
assembly did. Each service validates before it writes, in one transaction: after a refusal
nothing has changed. The result of a vote moves the proposal through
:func:`record_transition` once the quorum is checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, may
from barrio.core.assembly import QuorumRule, Tally, approves, quorum_required
from barrio.crypto import blind_index
from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    AgendaItem,
    Assembly,
    Attendee,
    Call,
    Proposal,
    ResidentCommittee,
    ResidentCommitteeMember,
    Vote,
)
from barrio.participation.selectors.assemblies import quorum_rule
from barrio.participation.services.lifecycle import record_transition

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.territories.models import TerritorialUnit

S = ProposalStatus
ATTENDEE = "assembly-attendee"
ELECTED = "committee-member"


def _recorder(actor: User | AnonymousUser, call: Call, unit: TerritorialUnit) -> User:
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(actor, Action.ASSEMBLY_RECORD, programme=call.programme, unit=unit):
        raise PermissionDenied()
    return actor


def _open(actor: User | AnonymousUser, assembly_id: int) -> tuple[Assembly, User]:
    """Lock an assembly that ``actor`` may record and that is still open."""
    assembly = (
        Assembly.objects.select_for_update(of=("self",))
        .select_related("call__programme", "unit")
        .get(pk=assembly_id)
    )
    user = _recorder(actor, assembly.call, assembly.unit)
    if assembly.status != Assembly.Status.OPEN:
        raise Conflict(_("The assembly's record is closed."), code="assembly_closed")
    return assembly, user


@transaction.atomic
def assembly_create(
    *,
    actor: User | AnonymousUser,
    call: Call,
    unit: TerritorialUnit,
    held_at: dt.datetime,
    place: str,
    proposals: Sequence[Proposal],
    quorum_min_attendees: int = 0,
    quorum_share_percent: int = 0,
    quorum_base: int = 0,
    voting: str = Assembly.Voting.TALLY,
    notes: str = "",
) -> Assembly:
    """Open the record of an assembly of ``unit`` with the admitted proposals on its agenda.

    Parameters
    ----------
    quorum_min_attendees, quorum_share_percent, quorum_base
        The quorum: at least this many attendees and at least this percentage of the base
        (the group's members or the unit's registered residents); the stricter applies.
    voting
        ``"tally"`` (counts entered per proposal) or ``"individual"`` (each attendee's vote).

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` may not record assemblies in ``unit``.
    ValidationFailed
        Naming each bad field: no place, no proposal, a proposal of another call or unit or
        not admitted, an impossible quorum rule, an unknown way of voting.
    """
    user = _recorder(actor, call, unit)
    # Read the proposals afresh: their status may have moved since the caller loaded them.
    current = Proposal.objects.select_related("unit").in_bulk([p.pk for p in proposals])
    proposals = [current.get(p.pk, p) for p in proposals]
    errors = []
    if not place.strip():
        errors.append(FieldError(("place",), _("Say where the assembly is held.")))
    if not proposals:
        errors.append(FieldError(("proposals",), _("Put at least one proposal on the agenda.")))
    for index, proposal in enumerate(proposals):
        if proposal.call_id != call.pk or not unit.contains(proposal.unit):
            errors.append(
                FieldError(
                    ("proposals", index),
                    _("“%(title)s” is not a proposal of this call in this unit.")
                    % {"title": proposal.title},
                )
            )
        elif proposal.status != S.ADMITTED:
            errors.append(
                FieldError(
                    ("proposals", index),
                    _("“%(title)s” has not been admitted by the committee.")
                    % {"title": proposal.title},
                )
            )
    if len({p.pk for p in proposals}) != len(proposals):
        errors.append(FieldError(("proposals",), _("A proposal is listed twice.")))
    if quorum_share_percent > 100:
        errors.append(
            FieldError(("quorum_share_percent",), _("A share goes from 0 to 100 per cent."))
        )
    else:
        try:
            quorum_required(
                QuorumRule(quorum_min_attendees, Fraction(quorum_share_percent, 100), quorum_base)
            )
        except ValueError:
            errors.append(FieldError(("quorum_min_attendees",), _("Numbers cannot be negative.")))
    if voting not in Assembly.Voting.values:
        errors.append(FieldError(("voting",), _("Choose one of the ways of voting offered.")))
    if errors:
        raise ValidationFailed(errors=errors)
    assembly = Assembly.objects.create(
        call=call,
        unit=unit,
        held_at=held_at,
        place=place.strip(),
        quorum_min_attendees=quorum_min_attendees,
        quorum_share_percent=quorum_share_percent,
        quorum_base=quorum_base,
        voting=voting,
        notes=notes.strip(),
        recorded_by=user,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(assembly=assembly, proposal=proposal, position=position)
        for position, proposal in enumerate(proposals)
    )
    return assembly


@transaction.atomic
def attendance_record(
    *, actor: User | AnonymousUser, assembly: Assembly, names: Sequence[str]
) -> list[Attendee]:
    """Add people to the attendance list; one person is listed once.

    All or nothing: a blank name, a name given twice or a person already listed refuses the
    whole list, naming each line.

    Raises
    ------
    NotAuthenticated, PermissionDenied, Conflict (record closed), ValidationFailed
    """
    assembly, _user = _open(actor, assembly.pk)
    existing = set(
        Attendee.objects.filter(assembly=assembly).values_list("person_index", flat=True)
    )
    errors, seen, rows = [], set(), []
    if not names:
        errors.append(FieldError(("names",), _("Write at least one name.")))
    for line, name in enumerate(names, start=1):
        name = " ".join(name.split())
        index = blind_index(name, purpose=ATTENDEE) if name else ""
        if not name:
            errors.append(FieldError(("names", line), _("The name is empty.")))
        elif index in seen or index in existing:
            errors.append(
                FieldError(("names", line), _("This person is already on the attendance list."))
            )
        seen.add(index)
        rows.append(Attendee(assembly=assembly, full_name=name, person_index=index))
    if errors:
        raise ValidationFailed(errors=errors)
    for row in rows:
        row.save()
    return rows


def _attendance(assembly: Assembly) -> int:
    return Attendee.objects.filter(assembly=assembly).count()


def _item(assembly: Assembly, proposal: Proposal) -> AgendaItem:
    item = AgendaItem.objects.select_for_update(of=("self",)).filter(
        assembly=assembly, proposal=proposal
    )
    found = item.first()
    if found is None:
        raise ValidationFailed(
            errors=[FieldError(("proposal",), _("This proposal is not on the agenda."))]
        )
    return found


@transaction.atomic
def vote_cast(
    *,
    actor: User | AnonymousUser,
    assembly: Assembly,
    proposal: Proposal,
    attendee: Attendee,
    choice: str,
) -> Vote:
    """Record one attendee's vote on one proposal (assemblies that record each vote).

    Raises
    ------
    NotAuthenticated, PermissionDenied
    Conflict
        When the record is closed, the assembly records tallies, or the person already voted
        on this proposal (``code="already_voted"``).
    ValidationFailed
        When the attendee is not of this assembly, the proposal is not on the agenda or the
        choice is unknown.
    """
    assembly, _user = _open(actor, assembly.pk)
    if assembly.voting != Assembly.Voting.INDIVIDUAL:
        raise Conflict(_("This assembly records counted tallies."), code="tally_assembly")
    errors = []
    if attendee.assembly_id != assembly.pk:
        errors.append(FieldError(("attendee",), _("This person is not on the attendance list.")))
    if choice not in Vote.Choice.values:
        errors.append(FieldError(("choice",), _("Choose for, against or abstention.")))
    if errors:
        raise ValidationFailed(errors=errors)
    item = _item(assembly, proposal)
    if Vote.objects.filter(item=item, attendee=attendee).exists():
        raise Conflict(_("This person has already voted on this proposal."), code="already_voted")
    try:
        with transaction.atomic():
            vote = Vote.objects.create(item=item, attendee=attendee, choice=choice)
    except IntegrityError as error:  # the same vote recorded at the same instant elsewhere
        raise Conflict(
            _("This person has already voted on this proposal."), code="already_voted"
        ) from error
    counts = Vote.objects.filter(item=item).aggregate(
        votes_for=Count("pk", filter=Q(choice=Vote.Choice.FOR)),
        votes_against=Count("pk", filter=Q(choice=Vote.Choice.AGAINST)),
        abstentions=Count("pk", filter=Q(choice=Vote.Choice.ABSTAIN)),
    )
    AgendaItem.objects.filter(pk=item.pk).update(**counts)
    return vote


@transaction.atomic
def tally_record(
    *,
    actor: User | AnonymousUser,
    assembly: Assembly,
    proposal: Proposal,
    votes_for: int,
    votes_against: int,
    abstentions: int,
) -> AgendaItem:
    """Record the counted votes on one proposal; together they never exceed attendance.

    Raises
    ------
    NotAuthenticated, PermissionDenied
    Conflict
        When the record is closed or the assembly records each attendee's vote.
    ValidationFailed
        When a count is negative, the counts add up to more than the attendees, or the
        proposal is not on the agenda.
    """
    assembly, _user = _open(actor, assembly.pk)
    if assembly.voting != Assembly.Voting.TALLY:
        raise Conflict(_("This assembly records each attendee's vote."), code="vote_assembly")
    counts = {"votes_for": votes_for, "votes_against": votes_against, "abstentions": abstentions}
    errors = [
        FieldError((name,), _("A count cannot be negative."))
        for name, value in counts.items()
        if value < 0
    ]
    attendance = _attendance(assembly)
    if not errors and sum(counts.values()) > attendance:
        errors.append(
            FieldError(
                ("votes_for",),
                _("%(votes)s votes are more than the %(attendance)s attendees.")
                % {"votes": sum(counts.values()), "attendance": attendance},
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    item = _item(assembly, proposal)
    for name, value in counts.items():
        setattr(item, name, value)
    item.save(update_fields=list(counts))
    return item


@transaction.atomic
def committee_elect(
    *,
    actor: User | AnonymousUser,
    assembly: Assembly,
    proposal: Proposal,
    kind: str,
    members: Sequence[tuple[str, str]],
) -> ResidentCommittee:
    """Record a residents' committee the assembly elected for one proposal on its agenda.

    Parameters
    ----------
    kind
        Administration, supervision or community development.
    members
        ``(full name, role)`` pairs; roles president, secretary, treasurer (one each at most)
        or member. One person is listed once.

    Raises
    ------
    NotAuthenticated, PermissionDenied
    Conflict
        When the record is closed, or this committee is already elected for the proposal.
    ValidationFailed
        Naming each bad line: an unknown kind or role, a blank name, a person listed twice,
        a role of president, secretary or treasurer given twice; or no member at all.
    """
    assembly, _user = _open(actor, assembly.pk)
    item = _item(assembly, proposal)
    errors = []
    if kind not in ResidentCommittee.Kind.values:
        errors.append(FieldError(("kind",), _("Choose one of the committees offered.")))
    if not members:
        errors.append(FieldError(("members",), _("Name at least one member.")))
    seen_people: set[str] = set()
    seen_roles: set[str] = set()
    rows = []
    for line, (raw_name, role) in enumerate(members, start=1):
        name = " ".join(raw_name.split())
        index = blind_index(name, purpose=ELECTED) if name else ""
        if not name:
            errors.append(FieldError(("members", line, "name"), _("The name is empty.")))
        elif index in seen_people:
            errors.append(FieldError(("members", line, "name"), _("This person is listed twice.")))
        if role not in ResidentCommitteeMember.Role.values:
            errors.append(FieldError(("members", line, "role"), _("Choose one of the roles.")))
        elif role != ResidentCommitteeMember.Role.MEMBER and role in seen_roles:
            errors.append(
                FieldError(("members", line, "role"), _("A committee has one person per office."))
            )
        seen_people.add(index)
        seen_roles.add(role)
        rows.append((name, index, role))
    if errors:
        raise ValidationFailed(errors=errors)
    if ResidentCommittee.objects.filter(proposal=item.proposal, kind=kind).exists():
        raise Conflict(
            _("This committee is already elected for this proposal."), code="already_elected"
        )
    committee = ResidentCommittee.objects.create(
        assembly=assembly, proposal=item.proposal, kind=kind
    )
    for position, (name, index, role) in enumerate(rows):
        ResidentCommitteeMember.objects.create(
            committee=committee, full_name=name, person_index=index, role=role, position=position
        )
    return committee


@transaction.atomic
def assembly_close(*, actor: User | AnonymousUser, assembly: Assembly) -> Assembly:
    """Check the quorum, count each proposal's result and move it: approved or not approved.

    Without quorum the assembly approves nothing and its record stays open (its attendance
    may be incomplete); every proposal on the agenda needs its votes first.

    Raises
    ------
    NotAuthenticated, PermissionDenied
    Conflict
        When the record is already closed, the quorum is not met (``code="no_quorum"``), or
        a proposal is no longer admitted.
    ValidationFailed
        When a proposal on the agenda has no votes recorded.
    """
    assembly, user = _open(actor, assembly.pk)
    attendance = _attendance(assembly)
    required = quorum_required(quorum_rule(assembly))
    if attendance < required:
        raise Conflict(
            _(
                "Without quorum the assembly approves nothing: %(attendance)s attended, "
                "%(required)s were needed."
            )
            % {"attendance": attendance, "required": required},
            code="no_quorum",
        )
    items = list(
        AgendaItem.objects.select_for_update(of=("self",))
        .filter(assembly=assembly)
        .select_related("proposal")
    )
    missing = [
        FieldError(
            ("agenda", item.position),
            _("Record the votes on “%(title)s” first.") % {"title": item.proposal.title},
        )
        for item in items
        if item.votes_for + item.votes_against + item.abstentions == 0
    ]
    if missing:
        raise ValidationFailed(errors=missing)
    for item in items:
        tally = Tally(item.votes_for, item.votes_against, item.abstentions)
        approved = approves(tally, attendance=attendance, required=required)
        reason = _(
            "Assembly of %(date)s: %(for)s for, %(against)s against, %(abstentions)s "
            "abstentions, %(attendance)s attendees."
        ) % {
            "date": timezone.localdate(assembly.held_at).isoformat(),
            "for": tally.votes_for,
            "against": tally.against,
            "abstentions": tally.abstentions,
            "attendance": attendance,
        }
        record_transition(
            actor=user,
            proposal=item.proposal,
            to_status=S.APPROVED if approved else S.NOT_APPROVED,
            reason=reason,
        )
        item.result = AgendaItem.Result.APPROVED if approved else AgendaItem.Result.NOT_APPROVED
        item.save(update_fields=["result"])
    assembly.status = Assembly.Status.CLOSED
    assembly.closed_at = timezone.now()
    assembly.save(update_fields=["status", "closed_at"])
    return assembly
