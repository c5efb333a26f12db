"""Read queries of proposals: the public part, the group's drafts, the staff's lists."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.permissions import Action, may, scope
from barrio.accounts.selectors import programme_list_for_user
from barrio.errors import NotFound
from barrio.participation.lifecycle import EDITABLE, ProposalStatus
from barrio.participation.models import Attachment, Call, Proposal, ReviewAssignment
from barrio.participation.permissions import may_speak_for_group

__all__ = [
    "ProposalFilters",
    "attachment_get_for_user",
    "attachment_list_for_user",
    "may_export_personal",
    "may_see_staff_list",
    "proposal_export_rows",
    "proposal_get_for_user",
    "proposal_is_public",
    "proposal_list_for_group",
    "proposal_list_for_staff",
    "proposal_list_public",
    "proposal_may_edit",
    "proposal_status_counts",
]

S = ProposalStatus
#: A draft and a withdrawn draft are the group's own work; everything else is public.
PRIVATE = frozenset({S.DRAFT})


def proposal_is_public(proposal: Proposal) -> bool:
    """Tell whether the public part of ``proposal`` is shown to everybody (once submitted)."""
    return proposal.status not in PRIVATE and bool(proposal.reference)


def _sees_private(user: User | AnonymousUser, proposal: Proposal) -> bool:
    return may_speak_for_group(user, proposal.group) or may(
        user, Action.PROPOSAL_STAFF_VIEW, programme=proposal.call.programme, unit=proposal.unit
    )


def _sees_documents(user: User | AnonymousUser, proposal: Proposal) -> bool:
    """The group, the staff in scope and a committee member given the proposal to score
    (not one who declared a conflict of interest: they are off the proposal)."""
    if _sees_private(user, proposal):
        return True
    return (
        user.is_authenticated
        and may(user, Action.PROPOSAL_REVIEW, programme=proposal.call.programme, unit=proposal.unit)
        and ReviewAssignment.objects.filter(proposal=proposal, member__user_id=user.pk)
        .exclude(declaration=ReviewAssignment.Declaration.CONFLICT)
        .exists()
    )


def attachment_list_for_user(*, user: User | AnonymousUser, proposal: Proposal) -> list[Attachment]:
    """The files of ``proposal`` that ``user`` may open: the photos of a submitted proposal
    for everybody who sees it; documents (they may name people) only for those who work on it."""
    attachments = list(proposal.attachments.all())
    if _sees_documents(user, proposal):
        return attachments
    if not proposal_is_public(proposal):
        return []
    return [a for a in attachments if a.kind == Attachment.Kind.PHOTO]


def attachment_get_for_user(*, user: User | AnonymousUser, attachment_id: int) -> Attachment:
    """Return attachment ``attachment_id`` if ``user`` may open it (as
    :func:`attachment_list_for_user`); :class:`NotFound` else. A document opened by staff is
    recorded in the audit log, as any read that may carry personal data."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id, proposal__call__programme__in=programme_list_for_user(user)
        )
        .select_related("proposal__call__programme", "proposal__group", "proposal__unit")
        .first()
    )
    if attachment is None:
        raise NotFound()
    proposal = attachment.proposal
    if attachment.kind == Attachment.Kind.PHOTO and proposal_is_public(proposal):
        return attachment
    if not _sees_documents(user, proposal):
        raise NotFound()
    if attachment.kind != Attachment.Kind.PHOTO:
        audit_personal_data_read(
            actor=user,
            objects=[attachment],
            channel=Channel.PAGE,
            programme=proposal.call.programme,
            reason="proposal document",
        )
    return attachment


def proposal_get_for_user(*, user: User | AnonymousUser, proposal_id: int) -> Proposal:
    """Return proposal ``proposal_id``: submitted ones to everybody who sees the programme,
    drafts to the group's representative and the staff in scope; :class:`NotFound` else."""
    proposal = (
        Proposal.objects.filter(pk=proposal_id, call__programme__in=programme_list_for_user(user))
        .select_related("call__programme", "group__programme", "group__unit", "unit")
        .prefetch_related("budget_lines", "transitions", "attachments")
        .first()
    )
    if proposal is None or not (proposal_is_public(proposal) or _sees_private(user, proposal)):
        raise NotFound()
    return proposal


def proposal_may_edit(user: User | AnonymousUser, proposal: Proposal) -> bool:
    """Tell whether ``user`` may change ``proposal`` now (its group, while draft or returned)."""
    return proposal.status in EDITABLE and may_speak_for_group(user, proposal.group)


def proposal_list_for_group(*, user: User | AnonymousUser, group_id: int) -> QuerySet[Proposal]:
    """Return a group's proposals: all for its representative, the submitted ones else."""
    proposals = Proposal.objects.filter(group_id=group_id).select_related("call", "unit")
    mine = Q(group__representative_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    return proposals.filter(mine | (~Q(status__in=PRIVATE) & ~Q(reference="")))


def proposal_list_public(*, call: Call) -> QuerySet[Proposal]:
    """Return the submitted proposals of ``call`` (the call itself is already visible), by folio."""
    return (
        Proposal.objects.filter(call=call)
        .exclude(status__in=PRIVATE)
        .exclude(reference="")
        .select_related("unit", "group")
        .order_by("reference")
    )


def may_see_staff_list(user: User | AnonymousUser, call: Call) -> bool:
    """Tell whether ``user`` sees the staff list of ``call`` (in some part of the programme)."""
    return not scope(user, Action.PROPOSAL_STAFF_VIEW, call.programme).is_empty


@dataclass(frozen=True)
class ProposalFilters:
    """What the staff list is narrowed to; empty values leave it wide."""

    unit_id: int | None = None
    kind: str = ""
    status: str = ""


def _in_scope(user: User | AnonymousUser, call: Call) -> QuerySet[Proposal]:
    where = scope(user, Action.PROPOSAL_STAFF_VIEW, call.programme)
    if where.is_empty:
        raise NotFound()
    return Proposal.objects.filter(call=call).filter(where.unit_q("unit"))


def proposal_list_for_staff(
    *, user: User | AnonymousUser, call: Call, filters: ProposalFilters = ProposalFilters()
) -> QuerySet[Proposal]:
    """Return the proposals of ``call`` in the user's scope, filtered, newest first, with
    their unit and group read in the same query. :class:`NotFound` for users without it."""
    proposals = _in_scope(user, call).select_related("unit", "group", "call__programme")
    if filters.unit_id:
        proposals = proposals.filter(unit_id=filters.unit_id)
    if filters.kind:
        proposals = proposals.filter(kind=filters.kind)
    if filters.status:
        proposals = proposals.filter(status=filters.status)
    return proposals.order_by("reference", "pk")


def proposal_status_counts(*, user: User | AnonymousUser, call: Call) -> dict[str, int]:
    """Return how many proposals of ``call`` in the user's scope are in each status (every
    status listed, zeros included)."""
    counted = Counter(_in_scope(user, call).values_list("status", flat=True))
    return {status: counted.get(status, 0) for status in S.values}


def may_export_personal(user: User | AnonymousUser, call: Call) -> bool:
    """Tell whether ``user`` may export personal data of the call's groups (their contacts)."""
    return may(user, Action.PERSONAL_DATA_EXPORT, programme=call.programme)


def proposal_export_rows(
    *, user: User | AnonymousUser, call: Call, filters: ProposalFilters = ProposalFilters()
) -> list[list[object]]:
    """Return the staff list as rows for a spreadsheet, a header first.

    No personal data unless the role allows its export: then the contacts of each group
    (its e-mail and its representative's), and the read is recorded per group.
    """
    personal = may_export_personal(user, call)
    proposals = list(
        proposal_list_for_staff(user=user, call=call, filters=filters).select_related(
            "group__representative"
        )
    )
    header: list[object] = [
        "reference",
        "title",
        "unit_code",
        "unit_name",
        "kind",
        "status",
        "total_cents",
        "currency",
        "version",
        "submitted_at",
        "group",
    ]
    if personal:
        header += ["group_email", "representative_email"]
    rows: list[list[object]] = [header]
    currency = call.programme.currency
    for p in proposals:
        row: list[object] = [
            p.reference,
            p.title,
            p.unit.code,
            p.unit.name,
            p.kind,
            p.status,
            p.total_cents,
            currency,
            p.version,
            p.submitted_at.isoformat() if p.submitted_at else "",
            p.group.name,
        ]
        if personal:
            row += [p.group.email, p.group.representative.email]
        rows.append(row)
    if personal:
        groups = {p.group_id: p.group for p in proposals}
        audit_personal_data_read(
            actor=user,
            objects=groups.values(),
            channel=Channel.EXPORT,
            programme=call.programme,
            reason="proposal list export",
        )
    return rows
