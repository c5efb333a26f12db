"""The committee review and one assembly of the Mexico City demo call: synthetic people only.

Runs after the demo call and its proposals exist, through the same services as the pages:
the demo committee member sits on the call's committee, scores the proposals under review
(the same scores on every run), the manager admits the best one, and the municipal team
records the assembly of its colonia, which approves it and elects its committees. A second
run changes nothing (the committee is already there).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone
from faker import Faker

from barrio.accounts.permissions import Action, may
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import Call, CommitteeMember, Proposal
from barrio.participation.services import (
    ScoreEntry,
    assembly_close,
    assembly_create,
    attendance_record,
    committee_elect,
    committee_member_add,
    review_assign,
    review_decide,
    review_declare,
    review_score,
    tally_record,
)

S = ProposalStatus
MANAGER = "gestora.cdmx@barrio.demo"
TEAM = "equipo.iztapalapa@barrio.demo"
MEMBER = "comite@barrio.demo"
REASONS = {
    0: "No se sostiene con la información entregada.",
    1: "Muy débil: faltan datos básicos.",
    2: "Insuficiente para lo que se propone.",
    3: "Aceptable, con aspectos por mejorar.",
    4: "Sólido y bien justificado.",
    5: "Excelente: claro, viable y necesario.",
}


def _names(count: int, seed: int) -> list[str]:
    fake = Faker("es_MX")
    fake.seed_instance(seed)
    names: list[str] = []
    while len(names) < count:
        name = f"{fake.first_name()} {fake.last_name()} {fake.last_name()}"
        if name not in names:
            names.append(name)
    return names


def load_review_demo(programme: Any, users: dict[str, Any]) -> None:
    """Review the programme's demo call and record one assembly; nothing when there is no
    call with proposals, or its committee already exists (a second run)."""
    call = Call.objects.filter(programme=programme).order_by("pk").first()
    if call is None or CommitteeMember.objects.filter(call=call).exists():
        return
    if MEMBER not in users or MANAGER not in users:
        return
    manager, reviewer = users[MANAGER], users[MEMBER]
    member = committee_member_add(
        actor=manager,
        call=call,
        user=reviewer,
        affiliation=CommitteeMember.Affiliation.ACADEMIC,
        organisation="Universidad Autónoma Metropolitana",
    )
    criteria = list(call.criteria.all())
    rng = random.Random(2026)
    proposals = list(
        Proposal.objects.filter(call=call, status__in=[S.SUBMITTED, S.UNDER_REVIEW]).order_by("pk")
    )
    scored: list[tuple[int, Proposal]] = []
    for proposal in proposals[:4]:
        assignment = review_assign(actor=manager, proposal=proposal, member=member)
        review_declare(actor=reviewer, assignment=assignment, conflict=False)
        values = {c.code: rng.randint(c.scale_max // 2, c.scale_max) for c in criteria}
        review_score(
            actor=reviewer,
            assignment=assignment,
            scores={
                c.code: ScoreEntry(values[c.code], REASONS[round(5 * values[c.code] / c.scale_max)])
                for c in criteria
            },
        )
        scored.append((sum(values.values()), proposal))
    if not scored:
        return
    # The best scored is admitted; the others stay under review for the demo's visitors.
    _total, best = max(scored, key=lambda pair: (pair[0], -pair[1].pk))
    review_decide(actor=manager, proposal=best, outcome=S.ADMITTED)
    recorder = users.get(TEAM)
    team_unit = best.unit
    if recorder is None or not _may_record(recorder, best):
        recorder = manager
    assembly = assembly_create(
        actor=recorder,
        call=call,
        unit=team_unit,
        held_at=timezone.now() - dt.timedelta(days=1),
        place="Explanada de la unidad territorial",
        proposals=[best],
        quorum_min_attendees=15,
        notes="Asamblea de demostración: personas sintéticas.",
    )
    names = _names(24, seed=best.pk)
    attendance_record(actor=recorder, assembly=assembly, names=names[:20])
    tally_record(
        actor=recorder,
        assembly=assembly,
        proposal=best,
        votes_for=16,
        votes_against=2,
        abstentions=2,
    )
    offices = [("president", 0), ("secretary", 1), ("treasurer", 2), ("member", 3)]
    for kind, start in [("administration", 0), ("supervision", 4), ("community_development", 8)]:
        committee_elect(
            actor=recorder,
            assembly=assembly,
            proposal=best,
            kind=kind,
            members=[(names[start + offset], role) for role, offset in offices],
        )
    assembly_close(actor=recorder, assembly=assembly)


def _may_record(user: Any, proposal: Proposal) -> bool:
    return may(user, Action.ASSEMBLY_RECORD, programme=proposal.call.programme, unit=proposal.unit)
