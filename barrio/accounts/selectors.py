"""Read queries of programmes, roles, organisations, tokens and the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from barrio.accounts.models import ApiToken, Organisation, Profile, Programme, RoleGrant
from barrio.accounts.permissions import Action, active_grants, scope
from barrio.errors import NotFound, PermissionDenied
from barrio.territories.selectors import unit_get, unit_list

if TYPE_CHECKING:
    from barrio.territories.models import TerritorialUnit


def programme_list_for_user(user: User | AnonymousUser) -> QuerySet[Programme]:
    """Return the programmes ``user`` may see: the public ones, those where they hold a role,
    and all of them for administrators."""
    programmes = Programme.objects.all()
    if not (user.is_authenticated and user.is_superuser):
        mine = {g.programme_id for g in active_grants(user)}
        programmes = programmes.filter(Q(is_public=True) | Q(pk__in=mine))
    return programmes.order_by("name")


def programme_get_for_user(*, user: User | AnonymousUser, slug: str) -> Programme:
    """Return the programme ``slug`` if ``user`` may see it; raise :class:`NotFound` else."""
    programme = programme_list_for_user(user).filter(slug=slug).first()
    if programme is None:
        raise NotFound()
    return programme


def programme_exists(*, slug: str) -> bool:
    """Tell whether a programme with this short name exists (for set-up commands)."""
    return Programme.objects.filter(slug=slug).exists()


def programme_get(*, slug: str) -> Programme | None:
    """Return the programme ``slug`` whoever asks, or ``None`` (for server-side commands)."""
    return Programme.objects.filter(slug=slug).first()


def organisation_list_for_programme(programme: Programme) -> QuerySet[Organisation]:
    """Return the organisations taking part in ``programme`` (public information)."""
    return programme.organisations.order_by("name")


def api_token_list_for_user(user: User | AnonymousUser) -> QuerySet[ApiToken]:
    """Return ``user``'s own API tokens, newest first (never anybody else's)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at")


def grant_list_for_user(
    *, user: User | AnonymousUser, programme: Programme, search: str = "", active_only: bool = True
) -> QuerySet[RoleGrant]:
    """Return the role grants of ``programme``, optionally searched by e-mail or name.

    Raises :class:`PermissionDenied` for anyone without ``role.view`` over the whole programme.
    """
    if not scope(user, Action.ROLE_VIEW, programme).everywhere:
        raise PermissionDenied()
    grants = RoleGrant.objects.filter(programme=programme).select_related(
        "user", "unit", "granted_by"
    )
    if active_only:
        grants = grants.filter(revoked_at__isnull=True)
    if search:
        grants = grants.filter(
            Q(user__email__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    return grants.order_by("user__email", "role")


def grant_get_for_user(*, user: User | AnonymousUser, grant_id: int) -> RoleGrant:
    """Return one grant the user may see (as :func:`grant_list_for_user`), or NotFound."""
    grant = (
        RoleGrant.objects.select_related("programme", "unit", "user").filter(pk=grant_id).first()
    )
    if grant is None or not scope(user, Action.ROLE_VIEW, grant.programme).everywhere:
        raise NotFound()
    return grant


def unit_list_for_user(
    *, user: User | AnonymousUser, programme: Programme, search: str = ""
) -> QuerySet[Any]:
    """Return the units of ``programme``'s territory that ``user`` works on.

    A role holder limited to some units sees those units and what lies inside them; a role
    holder over the whole programme, and the public for a public programme, see its whole
    territory.
    """
    own = scope(user, Action.UNIT_VIEW, programme)
    if own.everywhere:
        within: list[TerritorialUnit] = list(programme.units.all())
    elif not own.is_empty:
        within = list(own.units)
    elif programme.is_public:
        within = list(programme.units.all())
    else:
        within = []
    return unit_list(within=within, search=search)


def unit_in_programme(*, programme: Programme, unit_id: int | None) -> TerritorialUnit | None:
    """Return unit ``unit_id`` if it lies in ``programme``'s territory; NotFound else."""
    if unit_id is None:
        return None
    unit = unit_get(unit_id=unit_id)
    if unit is None or not any(area.contains(unit) for area in programme.units.all()):
        raise NotFound()
    return unit


def profile_get(*, user: User | AnonymousUser) -> Profile | None:
    """Return the user's own profile, if they have one."""
    if not user.is_authenticated:
        return None
    return Profile.objects.filter(user_id=user.pk).select_related("organisation").first()


def audit_log_for_user(
    *,
    user: User | AnonymousUser,
    programme: Programme,
    action: int | None = None,
    actor_email: str = "",
) -> QuerySet[LogEntry]:
    """Return the audit entries of ``programme`` for an auditor of the whole programme.

    Entries belong to a programme through the ``programme`` of their additional data (set
    for every change of a programme's objects and every read of personal data). Raises
    :class:`PermissionDenied` for anyone else.
    """
    if not scope(user, Action.AUDIT_VIEW, programme).everywhere:
        raise PermissionDenied()
    entries = LogEntry.objects.filter(additional_data__programme=programme.slug).select_related(
        "actor", "content_type"
    )
    if action is not None:
        entries = entries.filter(action=action)
    if actor_email:
        entries = entries.filter(actor__email__iexact=actor_email.strip())
    return entries.order_by("-timestamp")


def grant_list_for_self(*, user: User | AnonymousUser) -> list[RoleGrant]:
    """Return the user's own roles in force, with their programme and unit."""
    return active_grants(user)


def organisation_get_for_user(
    *, user: User | AnonymousUser, organisation_id: int
) -> tuple[Organisation, QuerySet[Programme]]:
    """Return an organisation and the programmes of it that ``user`` may see.

    An organisation that takes part in no programme the user may see is NotFound.
    """
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound()
    programmes = programme_list_for_user(user).filter(organisations=organisation)
    if not programmes.exists() and not (user.is_authenticated and user.is_superuser):
        raise NotFound()
    return organisation, programmes
