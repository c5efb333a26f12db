"""Read queries of the registry, each filtered to what the acting user may see.

Lists and pages of households need ``household.view`` in the household's unit; searching
by a document number or a name tells whether a person is registered, so it needs
``personal_data.view``. The dashboard's aggregates suppress counts under five.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch, Q, QuerySet

from barrio.accounts.permissions import Action, may, scope
from barrio.errors import NotFound, PermissionDenied
from barrio.registry.choices import ResidenceStatus, country_name
from barrio.registry.models import (
    AdjudicationTask,
    ColumnMapping,
    Document,
    Household,
    ImportBatch,
    Member,
    RegistrationDraft,
)
from barrio.registry.records import document_index, name_token_index, name_tokens

if TYPE_CHECKING:
    from barrio.accounts.models import Programme

#: Counts below this are shown as "< 5" on the dashboard and in its API.
SMALL_COUNT = 5
SEARCH_LIMIT = 50


def _households(user: User | AnonymousUser, programme: Programme, action: Action) -> Any:
    own = scope(user, action, programme)
    if own.is_empty:
        raise PermissionDenied()
    return Household.objects.filter(programme=programme).filter(own.unit_q("unit"))


def household_list_for_user(
    *,
    user: User | AnonymousUser,
    programme: Programme,
    residence_status: str = "",
    unit_id: int | None = None,
) -> QuerySet[Household]:
    """Return the households of ``programme`` in the user's units, newest first.

    Raises :class:`PermissionDenied` for a user who may see households nowhere in it.
    """
    households = _households(user, programme, Action.HOUSEHOLD_VIEW)
    if residence_status:
        households = households.filter(residence_status=residence_status)
    if unit_id is not None:
        households = households.filter(unit_id=unit_id)
    return households.select_related("unit").annotate(size=Count("members"))


def household_get_for_user(*, user: User | AnonymousUser, household_id: int) -> Household:
    """Return one household with its members, documents and consents, if the user may see it.

    Raises :class:`NotFound` both for a household that does not exist and for one outside
    the user's scope, so that ids cannot be probed.
    """
    household = (
        Household.objects.select_related("programme", "unit", "created_by")
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.prefetch_related("documents")),
            "consents__recorded_by",
        )
        .filter(pk=household_id)
        .first()
    )
    if household is None or not may(
        user, Action.HOUSEHOLD_VIEW, programme=household.programme, unit=household.unit
    ):
        raise NotFound()
    return household


def may_unmask(user: User | AnonymousUser, household: Household) -> bool:
    """Tell whether ``user`` may show the personal values of ``household`` (audited)."""
    return may(user, Action.PERSONAL_DATA_VIEW, programme=household.programme, unit=household.unit)


def may_register(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may register households somewhere in ``programme``."""
    return not scope(user, Action.PERSONAL_DATA_CHANGE, programme).is_empty


def household_search(
    *,
    user: User | AnonymousUser,
    programme: Programme,
    document_number: str = "",
    name: str = "",
) -> list[Household]:
    """Find households by a member's document number (any type) or by words of a name.

    Both look-ups are exact on folded text (accents, case, spaces and dashes ignored) and go
    through blind indexes; every word given of a name must be one of the person's words.
    Raises :class:`PermissionDenied` unless the user reads personal data in the programme.
    """
    households = _households(user, programme, Action.PERSONAL_DATA_VIEW)
    members = Member.objects.filter(household__in=households)
    if document_number.strip():
        matching = Document.objects.filter(
            number_index=document_index(document_number), member__in=members
        ).values("member__household_id")
        households = households.filter(pk__in=matching)
    elif name.strip():
        words = name_tokens(name)[:6]
        condition = Q()
        for word in words:
            condition &= Q(name_index__contains=name_token_index(word))
        households = households.filter(pk__in=members.filter(condition).values("household_id"))
    else:
        return []
    return list(
        households.select_related("unit")
        .annotate(size=Count("members"))
        .order_by("-created_at")[:SEARCH_LIMIT]
    )


def draft_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[RegistrationDraft]:
    """Return the user's own drafts in ``programme``, last saved first."""
    if not user.is_authenticated:
        return RegistrationDraft.objects.none()
    return RegistrationDraft.objects.filter(created_by_id=user.pk, programme=programme)


def draft_get_for_user(*, user: User | AnonymousUser, draft_id: int) -> RegistrationDraft:
    """Return one of the user's drafts; anybody else's is :class:`NotFound`."""
    draft = RegistrationDraft.objects.filter(pk=draft_id, created_by_id=user.pk).first()
    if draft is None:
        raise NotFound()
    return draft


@dataclass(frozen=True)
class CountRow:
    """One line of an aggregate: its key, its label and the count (``None``: under 5)."""

    key: str
    label: str
    count: int | None

    @property
    def shown(self) -> str:
        """The count as shown: the number, or "< 5" when it is small."""
        return f"< {SMALL_COUNT}" if self.count is None else str(self.count)


def suppress(count: int) -> int | None:
    """Return ``count``, or ``None`` when it is positive and under :data:`SMALL_COUNT`."""
    return None if 0 < count < SMALL_COUNT else count


def _rows(pairs: Iterable[tuple[Any, Any, int]]) -> list[CountRow]:
    rows = [CountRow(str(key), str(label), suppress(count)) for key, label, count in pairs]
    return sorted(rows, key=lambda r: (-(r.count or 0), r.label))


@dataclass(frozen=True)
class Dashboard:
    """The registry's aggregates over the user's units; small counts suppressed."""

    households: int | None
    people: int | None
    by_status: list[CountRow]
    by_nationality: list[CountRow]
    by_unit: list[CountRow]


def registry_dashboard(*, user: User | AnonymousUser, programme: Programme) -> Dashboard:
    """Count active households by residence status and unit, and people by nationality.

    Raises :class:`PermissionDenied` for a user without ``registry.dashboard`` anywhere in
    the programme.
    """
    households = _households(user, programme, Action.REGISTRY_DASHBOARD).filter(
        status=Household.Status.ACTIVE
    )
    statuses = dict(ResidenceStatus.choices)
    by_status = households.values_list("residence_status").annotate(n=Count("pk"))
    by_unit = households.values_list("unit_id", "unit__name").annotate(n=Count("pk"))
    people = Member.objects.filter(household__in=households)
    by_nationality = people.values_list("nationality").annotate(n=Count("pk"))
    return Dashboard(
        households=suppress(households.count()),
        people=suppress(people.count()),
        by_status=_rows((code, statuses.get(code, code), n) for code, n in by_status),
        by_nationality=_rows((code, country_name(code), n) for code, n in by_nationality),
        by_unit=_rows((unit_id, name, n) for unit_id, name, n in by_unit),
    )


def column_mapping_get(*, programme: Programme, name: str) -> ColumnMapping | None:
    """Return the column mapping ``name`` of ``programme``, or ``None``."""
    return ColumnMapping.objects.filter(programme=programme, name=name).first()


def column_mapping_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[ColumnMapping]:
    """Return the programme's column mappings, for those who may import into it."""
    if scope(user, Action.PERSONAL_DATA_CHANGE, programme).is_empty:
        raise PermissionDenied()
    return ColumnMapping.objects.filter(programme=programme).order_by("name")


def import_batch_list_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[ImportBatch]:
    """Return the programme's imports, newest first, for those who may import into it."""
    if scope(user, Action.PERSONAL_DATA_CHANGE, programme).is_empty:
        raise PermissionDenied()
    return ImportBatch.objects.filter(programme=programme).select_related("created_by", "mapping")


def import_batch_get_for_user(*, user: User | AnonymousUser, batch_id: int) -> ImportBatch:
    """Return one import if the user may import into its programme; NotFound otherwise."""
    batch = ImportBatch.objects.select_related("programme", "mapping").filter(pk=batch_id).first()
    if batch is None or scope(user, Action.PERSONAL_DATA_CHANGE, batch.programme).is_empty:
        raise NotFound()
    return batch


def household_payable(household: Household) -> bool:
    """Tell whether ``household`` may be put on a payment list: it is active and none of its
    members is in an open probable-duplicate task (the payments work relies on this)."""
    if household.status != Household.Status.ACTIVE:
        return False
    members = Member.objects.filter(household=household).values("pk")
    return not AdjudicationTask.objects.filter(
        Q(member_low__in=members) | Q(member_high__in=members),
        status=AdjudicationTask.Status.OPEN,
    ).exists()


def adjudication_queue_for_user(
    *, user: User | AnonymousUser, programme: Programme, status: str = AdjudicationTask.Status.OPEN
) -> QuerySet[AdjudicationTask]:
    """Return the probable duplicates of ``programme`` whose two records lie in the user's
    units, most probable first. Raises :class:`PermissionDenied` for anyone who may not
    adjudicate there."""
    own = scope(user, Action.DUPLICATE_ADJUDICATE, programme)
    if own.is_empty:
        raise PermissionDenied()
    tasks = AdjudicationTask.objects.filter(programme=programme, status=status).filter(
        own.unit_q("member_low__household__unit", "member_high__household__unit")
    )
    return tasks.select_related(
        "member_low__household__unit", "member_high__household__unit"
    ).order_by("-probability", "pk")


def adjudication_task_get_for_user(*, user: User | AnonymousUser, task_id: int) -> AdjudicationTask:
    """Return one task with its two records (documents prefetched), if the user may decide
    it; NotFound otherwise."""
    task = (
        AdjudicationTask.objects.select_related(
            "programme",
            "member_low__household__unit",
            "member_high__household__unit",
            "decided_by",
        )
        .prefetch_related("member_low__documents", "member_high__documents")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound()
    for member in (task.member_low, task.member_high):
        if not may(
            user, Action.DUPLICATE_ADJUDICATE, programme=task.programme, unit=member.household.unit
        ):
            raise NotFound()
    return task
