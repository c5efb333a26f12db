"""API of programmes, roles, the audit log, the signed-in user and their API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from barrio.accounts import selectors, services
from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.models import ApiToken, Role
from barrio.accounts.services import TOKEN_MAX_DAYS, UNIT_OUTSIDE_PROGRAMME
from barrio.errors import FieldError, NotFound, ValidationFailed

router = Router(tags=["accounts"])


def second_factor_given(request: HttpRequest) -> bool:
    """Tell whether this request carries a second factor: a verified session or a token
    (tokens of users who need one are only made, and only work, after one)."""
    if getattr(request, "barrio_token_auth", False):
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class ProgrammeOut(Schema):
    slug: str
    name: str
    summary: str
    country: str
    currency: str
    time_zone: str
    languages: list[str]
    territorial_levels: list[str]
    starts_on: dt.date | None
    ends_on: dt.date | None


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    days: int = Field(90, ge=1, le=TOKEN_MAX_DAYS)
    scope: ApiToken.Scope = ApiToken.Scope.READ


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself, shown this once only.")


class UnitOut(Schema):
    id: int
    country: str
    level: str
    code: str
    name: str
    parent_id: int | None


class GrantOut(Schema):
    id: int
    email: str
    role: str
    unit_id: int | None
    expires_on: dt.date
    is_active: bool
    revoked_at: dt.datetime | None


class GrantIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    role: Role
    unit_id: int | None = None
    expires_on: dt.date


class ExpiryIn(Schema):
    expires_on: dt.date


class AuditEntryOut(Schema):
    id: int
    timestamp: dt.datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str
    channel: str | None
    reason: str | None


class ProfileIn(Schema):
    phone: str = Field("", max_length=40)
    notes: str = Field("", max_length=2000)


class ProfileOut(Schema):
    phone: str
    notes: str


def _grant_out(grant: Any) -> GrantOut:
    return GrantOut(
        id=grant.pk,
        email=grant.user.email,
        role=grant.role,
        unit_id=grant.unit_id,
        expires_on=grant.expires_on,
        is_active=grant.is_active,
        revoked_at=grant.revoked_at,
    )


@router.get("/programmes", response=list[ProgrammeOut], auth=None, summary="List programmes")
def programme_list(request: HttpRequest) -> list[ProgrammeOut]:
    """The programmes the caller may see (the public ones, for anybody)."""
    return [ProgrammeOut.from_orm(p) for p in selectors.programme_list_for_user(request.user)]


@router.get("/programmes/{slug}", response=ProgrammeOut, auth=None, summary="Get a programme")
def programme_detail(request: HttpRequest, slug: str) -> ProgrammeOut:
    """One programme by its short name."""
    return ProgrammeOut.from_orm(selectors.programme_get_for_user(user=request.user, slug=slug))


@router.get(
    "/programmes/{slug}/units",
    response=list[UnitOut],
    auth=None,
    summary="List a programme's units",
)
def unit_list(request: HttpRequest, slug: str, q: str = Query("", max_length=100)) -> list[UnitOut]:
    """The territorial units of the programme the caller works on (all, for the public)."""
    programme = selectors.programme_get_for_user(user=request.user, slug=slug)
    units = selectors.unit_list_for_user(user=request.user, programme=programme, search=q)
    return [UnitOut.from_orm(unit) for unit in units[:5000]]


@router.get("/programmes/{slug}/roles", response=list[GrantOut], summary="List roles")
def grant_list(
    request: HttpRequest, slug: str, q: str = Query("", max_length=100)
) -> list[GrantOut]:
    """The roles in force in the programme (programme managers and auditors)."""
    programme = selectors.programme_get_for_user(user=request.user, slug=slug)
    grants = selectors.grant_list_for_user(user=request.user, programme=programme, search=q)
    return [_grant_out(g) for g in grants[:5000]]


@router.post(
    "/programmes/{slug}/roles", response={201: GrantOut}, summary="Invite and grant a role"
)
def grant_create(request: HttpRequest, slug: str, payload: GrantIn) -> Status[GrantOut]:
    """Give a role to a person (invited by e-mail if new), within a unit or everywhere."""
    programme = selectors.programme_get_for_user(user=request.user, slug=slug)
    try:
        unit = selectors.unit_in_programme(programme=programme, unit_id=payload.unit_id)
    except NotFound as error:
        raise ValidationFailed(
            errors=[FieldError(("body", "payload", "unit_id"), UNIT_OUTSIDE_PROGRAMME)]
        ) from error
    grant = services.user_invite(
        actor=request.user,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        role=payload.role,
        programme=programme,
        unit=unit,
        expires_on=payload.expires_on,
        set_password_url=lambda user: request.build_absolute_uri("/accounts/password/reset/"),
    )
    return Status(201, _grant_out(grant))


@router.patch("/roles/{grant_id}", response=GrantOut, summary="Change a role's end date")
def grant_update(request: HttpRequest, grant_id: int, payload: ExpiryIn) -> GrantOut:
    """Move the end date of a role in force."""
    grant = selectors.grant_get_for_user(user=request.user, grant_id=grant_id)
    return _grant_out(
        services.role_change_expiry(actor=request.user, grant=grant, expires_on=payload.expires_on)
    )


@router.delete("/roles/{grant_id}", response=GrantOut, summary="Revoke a role")
def grant_revoke(request: HttpRequest, grant_id: int) -> GrantOut:
    """Revoke a role at once."""
    grant = selectors.grant_get_for_user(user=request.user, grant_id=grant_id)
    return _grant_out(services.role_revoke(actor=request.user, grant=grant))


@router.get("/programmes/{slug}/audit", response=list[AuditEntryOut], summary="Read the audit log")
def audit_list(
    request: HttpRequest,
    slug: str,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[AuditEntryOut]:
    """The programme's audit entries, newest first (auditors of the whole programme)."""
    programme = selectors.programme_get_for_user(user=request.user, slug=slug)
    entries = selectors.audit_log_for_user(user=request.user, programme=programme)
    return [
        AuditEntryOut(
            id=e.pk,
            timestamp=e.timestamp,
            actor=e.actor.email if e.actor else None,
            action=e.get_action_display(),
            object_type=e.content_type.model,
            object_id=e.object_pk,
            channel=(e.additional_data or {}).get("channel"),
            reason=(e.additional_data or {}).get("reason"),
        )
        for e in entries[offset : offset + limit]
    ]


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> MeOut:
    """The signed-in user, or the owner of the API token sent."""
    user = request.user
    assert user.pk is not None  # authentication succeeded, so this is a stored user
    return MeOut(
        id=user.pk,
        email=getattr(user, "email", ""),
        first_name=getattr(user, "first_name", ""),
        last_name=getattr(user, "last_name", ""),
    )


@router.get("/me/profile", response=ProfileOut, summary="Read my contact details")
def profile_read(request: HttpRequest) -> ProfileOut:
    """The caller's own contact details (personal data: the read is audited)."""
    profile = selectors.profile_get(user=request.user)
    if profile is None:
        return ProfileOut(phone="", notes="")
    audit_personal_data_read(actor=request.user, objects=[profile], channel=Channel.API)
    return ProfileOut(phone=profile.phone, notes=profile.notes)


@router.put("/me/profile", response=ProfileOut, summary="Change my contact details")
def profile_write(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    """Replace the caller's own contact details (stored encrypted)."""
    current = selectors.profile_get(user=request.user)
    profile = services.profile_update(
        actor=request.user,
        phone=payload.phone,
        notes=payload.notes,
        organisation=current.organisation if current else None,
    )
    return ProfileOut(phone=profile.phone, notes=profile.notes)


@router.get("/me/tokens", response=list[TokenOut], summary="List my API tokens")
def token_list(request: HttpRequest) -> list[TokenOut]:
    """The caller's personal API tokens (their secrets are never shown again)."""
    return [TokenOut.from_orm(t) for t in selectors.api_token_list_for_user(request.user)]


@router.post("/me/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    """Create a personal API token; the answer holds the token, shown this once only."""
    token, plain = services.api_token_create(
        actor=request.user,
        name=payload.name,
        days=payload.days,
        scope=payload.scope,
        second_factor=second_factor_given(request),
    )
    out = TokenOut.from_orm(token).model_dump()
    return Status(201, TokenCreatedOut(**out, token=plain))


@router.delete("/me/tokens/{token_id}", response=TokenOut, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> TokenOut:
    """Revoke one of the caller's tokens at once."""
    return TokenOut.from_orm(services.api_token_revoke(actor=request.user, token_id=token_id))
