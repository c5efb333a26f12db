"""Services of probable duplicates: open tasks for pairs, decide them, find exact matches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action, may
from barrio.errors import (
    Conflict,
    FieldError,
    NotAuthenticated,
    PermissionDenied,
    ValidationFailed,
)
from barrio.registry.models import AdjudicationTask, Document, Household, Member

if TYPE_CHECKING:
    from barrio.accounts.models import Programme


@dataclass(frozen=True)
class Pair:
    """Two people's records that may be one person, with how likely and what found them."""

    member_a: int
    member_b: int
    probability: float
    rule: str


def exact_document_pairs(programme: Programme) -> list[Pair]:
    """Pairs of people of ``programme``'s active households who hold the same document (same
    type, number and issuing country), found through the blind index — no decryption."""
    documents = Document.objects.filter(
        member__household__programme=programme,
        member__household__status=Household.Status.ACTIVE,
    )
    shared = (
        documents.values("type", "issuing_country", "number_index")
        .annotate(n=Count("member", distinct=True))
        .filter(n__gt=1)
    )
    groups: dict[tuple[str, str, str], list[int]] = {}
    keys = {(g["type"], g["issuing_country"], g["number_index"]) for g in shared}
    if not keys:
        return []
    rows = documents.filter(number_index__in={k[2] for k in keys}).values_list(
        "type", "issuing_country", "number_index", "member_id"
    )
    for kind, country, index, member_id in rows:
        if (kind, country, index) in keys:
            groups.setdefault((kind, country, index), []).append(member_id)
    pairs = []
    for members in groups.values():
        ordered = sorted(set(members))
        for i, low in enumerate(ordered):
            for high in ordered[i + 1 :]:
                pairs.append(Pair(low, high, 1.0, AdjudicationTask.Rule.EXACT_DOCUMENT))
    return pairs


@transaction.atomic
def adjudication_tasks_open(*, programme: Programme, pairs: Iterable[Pair]) -> int:
    """Open a task for each pair never asked before; return how many were opened.

    A pair already asked — open or decided, either way round — is skipped: a decision is
    remembered and never asked again. Pairs of the same record are ignored.
    """
    wanted = {}
    for pair in pairs:
        low, high = sorted((pair.member_a, pair.member_b))
        if low != high:
            wanted[(low, high)] = pair
    if not wanted:
        return 0
    asked = set(
        AdjudicationTask.objects.filter(
            programme=programme, member_low__in={k[0] for k in wanted}
        ).values_list("member_low_id", "member_high_id")
    )
    tasks = [
        AdjudicationTask(
            programme=programme,
            member_low_id=low,
            member_high_id=high,
            probability=round(float(pair.probability), 6),
            rule=pair.rule,
        )
        for (low, high), pair in wanted.items()
        if (low, high) not in asked
    ]
    AdjudicationTask.objects.bulk_create(tasks, batch_size=2000)
    return len(tasks)


@transaction.atomic
def adjudication_decide(
    *, actor: User | AnonymousUser, task: AdjudicationTask, decision: str, reason: str
) -> AdjudicationTask:
    """Decide whether the two records are the same person, with a reason.

    The caseworker must adjudicate in both households' units. "The same person" marks the
    newer record's household a duplicate (it leaves payment lists); "different people"
    keeps both. Raises :class:`PermissionDenied`, :class:`ValidationFailed` (unknown
    decision, no reason) or :class:`Conflict` (already decided: decisions stand).
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    task = AdjudicationTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
    members = list(
        Member.objects.filter(pk__in=[task.member_low_id, task.member_high_id]).select_related(
            "household__unit", "household__programme"
        )
    )
    for member in members:
        household = member.household
        if not may(
            actor, Action.DUPLICATE_ADJUDICATE, programme=household.programme, unit=household.unit
        ):
            raise PermissionDenied()
    if task.status == AdjudicationTask.Status.DECIDED:
        raise Conflict(_("This pair was decided already; decisions are not asked again."))
    errors = []
    if decision not in AdjudicationTask.Decision.values:
        errors.append(
            FieldError(("body", "decision"), _("Decide: the same person or different people."))
        )
    if not reason.strip():
        errors.append(FieldError(("body", "reason"), _("Give the reason for the decision.")))
    if errors:
        raise ValidationFailed(errors=errors)
    task.status = AdjudicationTask.Status.DECIDED
    task.decision = decision
    task.reason = reason.strip()[:2000]
    task.decided_by = actor if isinstance(actor, User) else None
    task.decided_at = timezone.now()
    task.save()
    if decision == AdjudicationTask.Decision.SAME:
        newer = max(members, key=lambda m: (m.household.created_at, m.household_id))
        older = min(members, key=lambda m: (m.household.created_at, m.household_id))
        if newer.household_id != older.household_id:
            household = newer.household
            household.status = Household.Status.DUPLICATE
            household.save(update_fields=["status", "updated_at"])
    return task
