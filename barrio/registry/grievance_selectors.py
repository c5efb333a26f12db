"""Read queries of grievances, data-change requests and referrals, each filtered to what the
acting user may see.

A case is visible to ``grievance.view`` in its unit; a sensitive case (protection, fraud,
personal data) also needs ``grievance.sensitive`` there. Whoever may not see a case gets
:class:`NotFound`, so that ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from barrio.accounts.permissions import RULES, Action, may, scope
from barrio.core.grievances import OPEN_STATUSES
from barrio.errors import NotFound, PermissionDenied
from barrio.registry.models import (
    DataChangeRequest,
    Grievance,
    Household,
    MessageCampaign,
    MessageTemplate,
    Referral,
)
from barrio.registry.services.grievances import may_handle

if TYPE_CHECKING:
    from barrio.accounts.models import Programme
    from barrio.territories.models import TerritorialUnit


def _visible_q(user: User | AnonymousUser, programme: Programme) -> Q:
    own = scope(user, Action.GRIEVANCE_VIEW, programme)
    if own.is_empty:
        raise PermissionDenied()
    sensitive = scope(user, Action.GRIEVANCE_SENSITIVE, programme)
    seen = Q(sensitive=False)
    if not sensitive.is_empty:
        seen |= Q(sensitive=True) & sensitive.unit_q("unit")
    return own.unit_q("unit") & seen


def may_see(user: User | AnonymousUser, grievance: Grievance) -> bool:
    """Tell whether ``user`` may see ``grievance`` at all (its category decides how many may)."""
    programme, unit = grievance.programme, grievance.unit
    if not may(user, Action.GRIEVANCE_VIEW, programme=programme, unit=unit):
        return False
    return not grievance.sensitive or may(
        user, Action.GRIEVANCE_SENSITIVE, programme=programme, unit=unit
    )


def may_see_contact(user: User | AnonymousUser, grievance: Grievance) -> bool:
    """Tell whether ``user`` may show the case's personal values (contact, description)."""
    return may_see(user, grievance) and may(
        user, Action.GRIEVANCE_CONTACT_VIEW, programme=grievance.programme, unit=grievance.unit
    )


def may_record(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may record cases somewhere in ``programme``."""
    return not scope(user, Action.GRIEVANCE_RECORD, programme).is_empty


@dataclass(frozen=True)
class GrievanceFilters:
    """What the queue is narrowed to; empty values filter nothing."""

    status: str = ""
    category: str = ""
    overdue: bool = False
    mine: bool = False
    household_id: int | None = None


@dataclass(frozen=True)
class GrievanceCounts:
    """Counts over every case the user sees (not only the filtered ones)."""

    by_status: dict[str, int]
    open: int
    overdue: int
    mine: int


def grievance_list_for_user(
    *,
    user: User | AnonymousUser,
    programme: Programme,
    filters: GrievanceFilters | None = None,
) -> QuerySet[Grievance]:
    """Return the cases of ``programme`` the user may see, the most urgent first.

    Raises :class:`PermissionDenied` for a user who may see cases nowhere in it.
    """
    filters = filters or GrievanceFilters()
    cases = Grievance.objects.filter(programme=programme).filter(_visible_q(user, programme))
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.category:
        cases = cases.filter(category=filters.category)
    if filters.overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    if filters.mine:
        cases = cases.filter(assigned_to_id=user.pk)
    if filters.household_id is not None:
        cases = cases.filter(household_id=filters.household_id)
    return cases.select_related("unit", "assigned_to").order_by("due_at", "pk")


def grievance_counts_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> GrievanceCounts:
    """Count the cases the user sees by status, and those open, overdue and assigned to them."""
    cases = Grievance.objects.filter(programme=programme).filter(_visible_q(user, programme))
    by_status = dict(cases.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    open_cases = cases.filter(status__in=OPEN_STATUSES)
    return GrievanceCounts(
        by_status={code: by_status.get(code, 0) for code in Grievance.Status.values},
        open=open_cases.count(),
        overdue=open_cases.filter(due_at__lt=timezone.now()).count(),
        mine=open_cases.filter(assigned_to_id=user.pk).count(),
    )


def grievance_get_for_user(*, user: User | AnonymousUser, grievance_id: int) -> Grievance:
    """Return one case with its history, if the user may see it; NotFound otherwise."""
    grievance = (
        Grievance.objects.select_related(
            "programme", "unit", "household", "assigned_to", "created_by"
        )
        .prefetch_related("events__actor", "events__assigned_to")
        .filter(pk=grievance_id)
        .first()
    )
    if grievance is None or not may_see(user, grievance):
        raise NotFound()
    return grievance


def grievance_assignees(grievance: Grievance) -> list[User]:
    """The people who may be assigned ``grievance``: who may handle it in its unit."""
    roles = RULES[Action.GRIEVANCE_HANDLE]
    candidates = (
        User.objects.filter(
            is_active=True,
            role_grants__programme=grievance.programme,
            role_grants__role__in=roles,
            role_grants__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("email")
    )
    return [user for user in candidates if may_handle(user, grievance)]


def household_grievances_for_user(
    *, user: User | AnonymousUser, household: Household
) -> QuerySet[Grievance]:
    """The cases of one household that the user may see (none when they may see no case)."""
    try:
        return grievance_list_for_user(
            user=user,
            programme=household.programme,
            filters=GrievanceFilters(household_id=household.pk),
        )
    except PermissionDenied:
        return Grievance.objects.none()


def data_change_list_for_user(
    *, user: User | AnonymousUser, programme: Programme, status: str = ""
) -> QuerySet[DataChangeRequest]:
    """Return the data-change requests of the user's units (to ask or to decide), newest
    first. Raises :class:`PermissionDenied` for anyone who may neither ask nor decide."""
    asks = scope(user, Action.DATA_CHANGE_REQUEST, programme)
    decides = scope(user, Action.DATA_CHANGE_DECIDE, programme)
    if asks.is_empty and decides.is_empty:
        raise PermissionDenied()
    condition = Q(pk__in=[])
    for own in (asks, decides):
        if not own.is_empty:
            condition |= own.unit_q("household__unit")
    requests = DataChangeRequest.objects.filter(programme=programme).filter(condition)
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("household__unit", "requested_by", "decided_by")


def data_change_get_for_user(*, user: User | AnonymousUser, request_id: int) -> DataChangeRequest:
    """Return one data-change request if the user may ask or decide in its household's
    unit; NotFound otherwise."""
    request = (
        DataChangeRequest.objects.select_related(
            "programme", "household__unit", "member", "document", "requested_by", "decided_by"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    unit, programme = request.household.unit, request.programme
    if not (
        may(user, Action.DATA_CHANGE_REQUEST, programme=programme, unit=unit)
        or may(user, Action.DATA_CHANGE_DECIDE, programme=programme, unit=unit)
    ):
        raise NotFound()
    return request


def referral_list_for_user(
    *,
    user: User | AnonymousUser,
    programme: Programme,
    household: Household | None = None,
    grievance: Grievance | None = None,
    strict: bool = False,
) -> QuerySet[Referral]:
    """Return the referrals the user may see: those in the units where they see households
    or cases; a referral of a sensitive case only with the right to see it. With
    ``strict``, a user who may see neither raises :class:`PermissionDenied` (else: none)."""
    households = scope(user, Action.HOUSEHOLD_VIEW, programme)
    cases = scope(user, Action.GRIEVANCE_VIEW, programme)
    if households.is_empty and cases.is_empty:
        if strict:
            raise PermissionDenied()
        return Referral.objects.none()
    condition = Q(pk__in=[])
    if not households.is_empty:
        condition |= Q(grievance__isnull=True) & households.unit_q("unit")
    if not cases.is_empty:
        condition |= Q(grievance__isnull=False) & Q(
            grievance__in=Grievance.objects.filter(programme=programme).filter(
                _visible_q(user, programme)
            )
        )
    referrals = Referral.objects.filter(programme=programme).filter(condition)
    if household is not None:
        referrals = referrals.filter(household=household)
    if grievance is not None:
        referrals = referrals.filter(grievance=grievance)
    return referrals.select_related("organisation", "created_by")


def referral_get_for_user(*, user: User | AnonymousUser, referral_id: int) -> Referral:
    """Return one referral the user may see; NotFound otherwise."""
    referral = Referral.objects.select_related("programme").filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    found = (
        referral_list_for_user(user=user, programme=referral.programme)
        .select_related("household", "grievance", "unit")
        .filter(pk=referral.pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def may_manage_referral(user: User | AnonymousUser, referral: Referral) -> bool:
    """Tell whether ``user`` may record what came of ``referral``."""
    if not may(user, Action.REFERRAL_MANAGE, programme=referral.programme, unit=referral.unit):
        return False
    return referral.grievance is None or may_see(user, referral.grievance)


def may_refer(user: User | AnonymousUser, programme: Programme, unit: TerritorialUnit) -> bool:
    """Tell whether ``user`` may refer households or cases of ``unit`` to a service."""
    return may(user, Action.REFERRAL_MANAGE, programme=programme, unit=unit)


# Messages to beneficiaries.


def message_templates_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[MessageTemplate]:
    """The programme's message templates, for those who may send messages in it."""
    if scope(user, Action.MESSAGE_MANAGE, programme).is_empty:
        raise PermissionDenied()
    return MessageTemplate.objects.filter(programme=programme).order_by("name")


def message_template_get_for_user(
    *, user: User | AnonymousUser, template_id: int
) -> MessageTemplate:
    """One template, if the user may send messages in its programme; NotFound otherwise."""
    template = MessageTemplate.objects.select_related("programme").filter(pk=template_id).first()
    if template is None or scope(user, Action.MESSAGE_MANAGE, template.programme).is_empty:
        raise NotFound()
    return template


def message_campaigns_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[MessageCampaign]:
    """The programme's campaigns, newest first, with their counts per status."""
    if scope(user, Action.MESSAGE_MANAGE, programme).is_empty:
        raise PermissionDenied()
    return (
        MessageCampaign.objects.filter(programme=programme)
        .select_related("template", "created_by")
        .annotate(
            total=Count("recipients"),
            sent=Count("recipients", filter=Q(recipients__status="sent")),
            failed=Count("recipients", filter=Q(recipients__status="failed")),
        )
    )


def message_campaign_get_for_user(
    *, user: User | AnonymousUser, campaign_id: int
) -> MessageCampaign:
    """One campaign with its counts, if the user may send messages in its programme."""
    campaign = MessageCampaign.objects.select_related("programme").filter(pk=campaign_id).first()
    if campaign is None or scope(user, Action.MESSAGE_MANAGE, campaign.programme).is_empty:
        raise NotFound()
    found = message_campaigns_for_user(user=user, programme=campaign.programme).filter(
        pk=campaign_id
    )
    if not found:
        raise NotFound()
    return found.get()
