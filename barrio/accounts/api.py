"""API of programmes, of the signed-in user and of their personal API tokens."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from barrio.accounts.selectors import (
    api_token_list_for_user,
    programme_get_for_user,
    programme_list_for_user,
)
from barrio.accounts.services import TOKEN_MAX_DAYS, api_token_create, api_token_revoke

router = Router(tags=["accounts"])


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


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself, shown this once only.")


@router.get("/programmes", response=list[ProgrammeOut], auth=None, summary="List programmes")
def programme_list(request: HttpRequest) -> list[ProgrammeOut]:
    """The programmes the caller may see (the public ones, for anybody)."""
    return [ProgrammeOut.from_orm(p) for p in programme_list_for_user(request.user)]


@router.get("/programmes/{slug}", response=ProgrammeOut, auth=None, summary="Get a programme")
def programme_detail(request: HttpRequest, slug: str) -> ProgrammeOut:
    """One programme by its short name."""
    return ProgrammeOut.from_orm(programme_get_for_user(user=request.user, slug=slug))


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


@router.get("/me/tokens", response=list[TokenOut], summary="List my API tokens")
def token_list(request: HttpRequest) -> list[TokenOut]:
    """The caller's personal API tokens (their secrets are never shown again)."""
    return [TokenOut.from_orm(t) for t in api_token_list_for_user(request.user)]


@router.post("/me/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    """Create a personal API token; the answer holds the token, shown this once only."""
    token, plain = api_token_create(actor=request.user, name=payload.name, days=payload.days)
    out = TokenOut.from_orm(token).model_dump()
    return Status(201, TokenCreatedOut(**out, token=plain))


@router.delete("/me/tokens/{token_id}", response=TokenOut, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> TokenOut:
    """Revoke one of the caller's tokens at once."""
    return TokenOut.from_orm(api_token_revoke(actor=request.user, token_id=token_id))
