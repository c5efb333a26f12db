"""Proposals: write a draft, correct a returned one, and submit it (the group's work)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.errors import Conflict, FieldError, PermissionDenied
from barrio.money import format_cents
from barrio.participation.calendar import CallStep, open_step
from barrio.participation.content import line_total_cents, location_problem
from barrio.participation.lifecycle import EDITABLE, ProposalStatus
from barrio.participation.models import (
    BudgetLine,
    Call,
    CommunityGroup,
    Proposal,
    ProposalVersion,
    WorkKind,
)
from barrio.participation.permissions import may_speak_for_group
from barrio.participation.services.common import loc, raise_if, require_signed_in
from barrio.participation.services.lifecycle import record_transition
from barrio.participation.specs import ProposalSpec
from barrio.territories.selectors import unit_geometry

if TYPE_CHECKING:
    from barrio.territories.models import TerritorialUnit

__all__ = ["proposal_create", "proposal_submit", "proposal_update", "submission_problems"]

S = ProposalStatus
LOCATION_MESSAGES = {
    "shape": gettext_lazy("Mark a point or draw an area (a polygon) on the map."),
    "no_boundary": gettext_lazy(
        "The unit has no boundary on file, so the place cannot be checked."
    ),
    "outside": gettext_lazy("The place marked on the map is outside the unit."),
}


def _eligible_unit(
    call: Call, group: CommunityGroup, unit_id: int
) -> tuple[Any, FieldError | None]:
    unit = call.units.filter(pk=unit_id).first()
    if unit is None:
        return None, FieldError(loc("unit_id"), _("This unit is not eligible in the call."))
    if not group.unit.contains(unit):
        return None, FieldError(
            loc("unit_id"), _("The group may only propose works in its own unit.")
        )
    return unit, None


def _check(
    call: Call, group: CommunityGroup, spec: ProposalSpec
) -> tuple[TerritorialUnit | None, list[tuple[Any, int]], list[FieldError]]:
    """Check a draft's content against the call; return its unit, its lines and the errors."""
    errors: list[FieldError] = []
    title = spec.title.strip()
    if not title or len(title) > 200:
        errors.append(
            FieldError(loc("title"), _("Give the proposal a title of up to 200 characters."))
        )
    if spec.kind not in WorkKind.values or spec.kind not in call.kinds:
        errors.append(FieldError(loc("kind"), _("The call does not fund this kind of work.")))
    unit, problem = _eligible_unit(call, group, spec.unit_id)
    if problem:
        errors.append(problem)
    if spec.location is not None and unit is not None:
        found = location_problem(spec.location, unit_geometry(unit_id=unit.pk))
        if found:
            errors.append(FieldError(loc("location"), LOCATION_MESSAGES[found]))
    if spec.beneficiary_count < 0:
        errors.append(FieldError(loc("beneficiary_count"), _("This number cannot be negative.")))
    lines: list[tuple[Any, int]] = []
    for position, line in enumerate(spec.budget_lines):
        where = ("budget_lines", position)
        if not line.concept.strip():
            errors.append(FieldError(loc(*where, "concept"), _("Say what the line pays for.")))
        if not line.unit.strip():
            errors.append(FieldError(loc(*where, "unit"), _("Give the unit of measure.")))
        if line.quantity <= 0 or line.quantity.as_tuple().exponent < -3:  # type: ignore[operator]
            errors.append(
                FieldError(
                    loc(*where, "quantity"),
                    _("The quantity must be above zero, with up to three decimals."),
                )
            )
            continue
        if line.unit_cost_cents < 0:
            errors.append(
                FieldError(loc(*where, "unit_cost_cents"), _("The cost cannot be negative."))
            )
            continue
        lines.append((line, line_total_cents(line.quantity, line.unit_cost_cents)))
    total = sum(cents for _line, cents in lines)
    if total > call.max_project_cents:
        errors.append(
            FieldError(
                loc("budget_lines"),
                _("The budget adds up to %(total)s, over the call's maximum of %(cap)s.")
                % {
                    "total": format_cents(total, call.programme.currency),
                    "cap": format_cents(call.max_project_cents, call.programme.currency),
                },
            )
        )
    for position, item in enumerate(spec.timeline):
        if not item.activity.strip():
            errors.append(
                FieldError(loc("timeline", position, "activity"), _("Name the activity."))
            )
        if not 1 <= item.first_month <= item.last_month <= 36:
            errors.append(
                FieldError(
                    loc("timeline", position, "last_month"),
                    _("Months go from 1 to 36, the last not before the first."),
                )
            )
    return unit, lines, errors


def _write(proposal: Proposal, spec: ProposalSpec, unit: Any, lines: list[tuple[Any, int]]) -> None:
    proposal.title = spec.title.strip()
    proposal.kind = spec.kind
    proposal.unit = unit
    proposal.location = spec.location
    proposal.diagnosis = spec.diagnosis
    proposal.objectives = spec.objectives
    proposal.beneficiaries = spec.beneficiaries
    proposal.beneficiary_count = spec.beneficiary_count
    proposal.timeline = [
        {"activity": t.activity.strip(), "first_month": t.first_month, "last_month": t.last_month}
        for t in spec.timeline
    ]
    proposal.total_cents = sum(cents for _line, cents in lines)
    proposal.save()
    proposal.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            proposal=proposal,
            position=position,
            concept=line.concept.strip(),
            quantity=line.quantity,
            unit=line.unit.strip(),
            unit_cost_cents=line.unit_cost_cents,
            total_cents=cents,
        )
        for position, (line, cents) in enumerate(lines)
    )


@transaction.atomic
def proposal_create(
    *, actor: User | AnonymousUser, call: Call, group: CommunityGroup, spec: ProposalSpec
) -> Proposal:
    """Save a new draft proposal of ``group`` in ``call``.

    A draft may be incomplete; what it holds must fit the call: an allowed kind, an eligible
    unit of the group, a place inside the unit, a budget (exact cents) within the cap.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` does not speak for the group, or the group is of another programme.
    Conflict
        When the call is not published.
    ValidationFailed
        Naming each field that does not fit.
    """
    user = require_signed_in(actor)
    if group.programme_id != call.programme_id or not may_speak_for_group(user, group):
        raise PermissionDenied()
    if call.status != Call.Status.PUBLISHED:
        raise Conflict(_("The call is not published."), code="call_not_published")
    unit, lines, errors = _check(call, group, spec)
    raise_if(errors)
    proposal = Proposal(call=call, group=group, created_by=user, status=S.DRAFT)
    _write(proposal, spec, unit, lines)
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("call__programme", "group__programme", "group__unit", "unit")
        .get(pk=proposal.pk)
    )


def require_editable(actor: User | AnonymousUser, proposal: Proposal) -> User:
    """Raise unless ``actor`` speaks for the proposal's group and the proposal may change;
    return the acting user."""
    user = require_signed_in(actor)
    if not may_speak_for_group(actor, proposal.group):
        raise PermissionDenied()
    if proposal.status not in EDITABLE:
        raise Conflict(
            _("A proposal that is “%(status)s” cannot be changed.")
            % {"status": ProposalStatus(proposal.status).label},
            code="proposal_frozen",
        )
    return user


@transaction.atomic
def proposal_update(
    *, actor: User | AnonymousUser, proposal: Proposal, spec: ProposalSpec
) -> Proposal:
    """Save the group's changes to a draft, or to a proposal returned for correction.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` does not speak for the group.
    Conflict
        When the proposal is submitted or decided (frozen).
    ValidationFailed
        As :func:`proposal_create`.
    """
    locked = _locked(proposal)
    require_editable(actor, locked)
    unit, lines, errors = _check(locked.call, locked.group, spec)
    raise_if(errors)
    _write(locked, spec, unit, lines)
    return locked


def _submission_window_open(proposal: Proposal, now: dt.datetime) -> bool:
    """A first submission needs the submission step; a returned proposal may come back
    until the committee's review closes."""
    step = open_step(proposal.call, now)
    if proposal.status == S.RETURNED:
        return step in {CallStep.SUBMISSION, CallStep.REVIEW}
    return step == CallStep.SUBMISSION


def submission_problems(proposal: Proposal) -> list[FieldError]:
    """What a submission needs beyond a valid draft."""
    call, group = proposal.call, proposal.group
    errors: list[FieldError] = []
    for name, label in (
        ("diagnosis", _("Describe the problem the works solve.")),
        ("objectives", _("Say what the works achieve.")),
    ):
        if not getattr(proposal, name).strip():
            errors.append(FieldError(loc(name), label))
    if proposal.location is None:
        errors.append(FieldError(loc("location"), _("Mark the place of the works on the map.")))
    if not proposal.budget_lines.exists():
        errors.append(FieldError(loc("budget_lines"), _("Add at least one budget line.")))
    if proposal.kind not in call.kinds:
        errors.append(FieldError(loc("kind"), _("The call does not fund this kind of work.")))
    if not call.units.filter(pk=proposal.unit_id).exists():
        errors.append(FieldError(loc("unit_id"), _("This unit is not eligible in the call.")))
    if proposal.total_cents > call.max_project_cents:
        errors.append(
            FieldError(loc("budget_lines"), _("The budget is over the call's maximum per project."))
        )
    attached = set(proposal.attachments.values_list("document", flat=True))
    for name in call.required_documents:
        if name not in attached:
            errors.append(
                FieldError(
                    loc("attachments"),
                    _("Attach the required document “%(name)s”.") % {"name": name},
                )
            )
    residents = group.members.filter(is_resident=True).count()
    if residents < call.min_group_members:
        errors.append(
            FieldError(
                loc("group"),
                _("The group has %(count)s resident members; the call asks for %(minimum)s.")
                % {"count": residents, "minimum": call.min_group_members},
            )
        )
    signatures = proposal.signatures.count()
    if signatures < call.min_signatures:
        errors.append(
            FieldError(
                loc("signatures"),
                _(
                    "The proposal has %(count)s supporting signatures; "
                    "the call asks for %(minimum)s."
                )
                % {"count": signatures, "minimum": call.min_signatures},
            )
        )
    return errors


def proposal_content(proposal: Proposal) -> dict[str, Any]:
    """The content of ``proposal`` as a submission freezes it (no personal data)."""
    return {
        "title": proposal.title,
        "kind": proposal.kind,
        "unit": {"id": proposal.unit_id, "code": proposal.unit.code, "name": proposal.unit.name},
        "location": proposal.location,
        "diagnosis": proposal.diagnosis,
        "objectives": proposal.objectives,
        "beneficiaries": proposal.beneficiaries,
        "beneficiary_count": proposal.beneficiary_count,
        "timeline": proposal.timeline,
        "budget_lines": [
            {
                "concept": line.concept,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "unit_cost_cents": line.unit_cost_cents,
                "total_cents": line.total_cents,
            }
            for line in proposal.budget_lines.all()
        ],
        "total_cents": proposal.total_cents,
        "currency": proposal.call.programme.currency,
        "attachments": [
            {"title": a.title, "kind": a.kind, "document": a.document, "sha256": a.sha256}
            for a in proposal.attachments.all()
        ],
        "signature_count": proposal.signatures.count(),
    }


def _reference(call: Call) -> str:
    """The next reference of ``call`` (its short name and a number); the call is locked."""
    taken = Proposal.objects.filter(call=call).exclude(reference="").count()
    return f"{call.slug.upper()}-{taken + 1:04d}"


@transaction.atomic
def proposal_submit(
    *, actor: User | AnonymousUser, proposal: Proposal, now: dt.datetime | None = None
) -> Proposal:
    """Submit a draft (or a corrected returned proposal): freeze it as its next version.

    Checks, in the programme's calendar, that the submission step is open (a returned
    proposal may come back until the review closes), that the unit is eligible and the kind
    allowed, that the budget is within the cap, that the required documents are attached,
    that the group has the call's number of resident members and the proposal its
    supporting signatures. Then freezes a :class:`ProposalVersion`, gives the proposal its
    reference on the first submission and records the step.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` does not speak for the group.
    Conflict
        When the proposal is not a draft or returned (``proposal_frozen``), or the step is
        closed (``submission_closed``).
    ValidationFailed
        Naming everything still missing or wrong.
    """
    now = now or timezone.now()
    locked = _locked(proposal)
    user = require_editable(actor, locked)
    Call.objects.select_for_update(of=("self",)).filter(pk=locked.call_id).first()
    if locked.call.status != Call.Status.PUBLISHED or not _submission_window_open(locked, now):
        raise Conflict(_("The call does not take submissions now."), code="submission_closed")
    raise_if(submission_problems(locked))
    number = locked.version + 1
    ProposalVersion.objects.create(
        proposal=locked,
        number=number,
        content=proposal_content(locked),
        submitted_by=user,
        submitted_at=now,
    )
    if not locked.reference:
        locked.reference = _reference(locked.call)
    locked.version = number
    locked.submitted_at = now
    locked.save(update_fields=["reference", "version", "submitted_at", "updated_at"])
    record_transition(actor=user, proposal=locked, to_status=S.SUBMITTED)
    return locked
