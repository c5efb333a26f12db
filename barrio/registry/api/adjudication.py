"""API of probable duplicates: the caseworker's queue, one pair side by side, the decision.

The same rules as the pages: a caseworker sees the pairs whose two records lie in their
units; the records are masked unless asked (``?unmask=true``), and showing them is an
audited read.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import PermissionDenied
from barrio.registry import selectors, services
from barrio.registry.api.households import MemberOut, member_out
from barrio.registry.models import AdjudicationTask

router = Router()


class TaskSummaryOut(Schema):
    id: int
    probability: float
    rule: str
    status: str
    decision: str
    household_ids: list[int] = Field(..., description="The two records' households.")
    created_at: dt.datetime


class TaskOut(TaskSummaryOut):
    reason: str
    decided_at: dt.datetime | None
    unmasked: bool
    records: list[MemberOut]


class TaskListQuery(Schema):
    status: str = Field("open", pattern="^(open|decided)$")


class TaskDetailQuery(Schema):
    unmask: bool = False


class DecisionIn(Schema):
    decision: str = Field(..., max_length=20, description="`same` or `different`.")
    reason: str = Field(..., max_length=2000)


def task_summary_out(task: AdjudicationTask) -> TaskSummaryOut:
    return TaskSummaryOut(
        id=task.pk,
        probability=task.probability,
        rule=task.rule,
        status=task.status,
        decision=task.decision,
        household_ids=[task.member_low.household_id, task.member_high.household_id],
        created_at=task.created_at,
    )


def task_out(task: AdjudicationTask, *, unmasked: bool) -> TaskOut:
    return TaskOut(
        **task_summary_out(task).dict(),
        reason=task.reason,
        decided_at=task.decided_at,
        unmasked=unmasked,
        records=[member_out(m, unmasked=unmasked) for m in (task.member_low, task.member_high)],
    )


@router.get(
    "/programmes/{slug}/duplicates",
    response=list[TaskSummaryOut],
    summary="List probable duplicates",
)
def adjudication_list(
    request: HttpRequest, slug: str, query: Query[TaskListQuery]
) -> list[TaskSummaryOut]:
    """The probable duplicates of the caseworker's units (``?status=open`` by default, or
    ``decided``), most probable first, without personal values."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    tasks = selectors.adjudication_queue_for_user(
        user=request.user, programme=programme, status=query.status
    )
    return [task_summary_out(task) for task in tasks]


@router.get("/duplicates/{task_id}", response=TaskOut, summary="Get a probable duplicate")
def adjudication_detail(
    request: HttpRequest, task_id: int, query: Query[TaskDetailQuery]
) -> TaskOut:
    """The two records side by side; ``?unmask=true`` shows their personal values to a
    caseworker who may read both, and records the read."""
    task = selectors.adjudication_task_get_for_user(user=request.user, task_id=task_id)
    members = [task.member_low, task.member_high]
    if query.unmask:
        if not all(selectors.may_unmask(request.user, m.household) for m in members):
            raise PermissionDenied()
        audit_personal_data_read(
            actor=request.user,
            objects=[*members, *(d for m in members for d in m.documents.all())],
            channel=Channel.API,
            programme=task.programme,
            reason="adjudication",
        )
    return task_out(task, unmasked=query.unmask)


@router.post(
    "/duplicates/{task_id}/decision", response=TaskOut, summary="Decide a probable duplicate"
)
def adjudication_decide(request: HttpRequest, task_id: int, body: DecisionIn) -> TaskOut:
    """Record whether the two records are the same person, with a reason. A decided pair
    answers 409: decisions stand and are never asked again."""
    task = selectors.adjudication_task_get_for_user(user=request.user, task_id=task_id)
    decided = services.adjudication_decide(
        actor=request.user, task=task, decision=body.decision, reason=body.reason
    )
    return task_out(
        selectors.adjudication_task_get_for_user(user=request.user, task_id=decided.pk),
        unmasked=False,
    )
