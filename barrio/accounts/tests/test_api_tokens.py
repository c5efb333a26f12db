"""Personal API tokens: created once, stored hashed, usable until revoked or expired."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from barrio.accounts.models import ApiToken
from barrio.accounts.services import api_token_create, api_token_revoke
from barrio.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return get_user_model().objects.create_user(
        username="ana@example.org", email="ana@example.org", password="x-pass-1"
    )


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_is_stored_hashed_and_authenticates(ana):
    """The plain token is returned once; only its digest is stored; it signs the client in."""
    token, plain = api_token_create(actor=ana, name="Tablero", days=30)
    assert plain.startswith("barrio_")
    assert not ApiToken.objects.filter(digest=plain).exists()
    assert plain not in str(ApiToken.objects.values_list().get(pk=token.pk))
    response = Client().get("/api/v1/me", **bearer(plain))
    assert response.status_code == 200
    assert response.json()["email"] == "ana@example.org"
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer barrio_nothing", "Bearer ", "Token abc", "Bearer " + "x" * 5000, "Basic Zm9vOmJhcg=="],
)
def test_bad_tokens_get_401_in_the_error_shape(header):
    """Unknown or malformed credentials answer 401 with the one error shape, never a 500."""
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": response.json()["message"],
        "errors": [],
    }


def test_revoked_and_expired_tokens_are_refused(ana):
    """A revoked token and an expired token both answer 401."""
    revoked, revoked_plain = api_token_create(actor=ana, name="a", days=30)
    api_token_revoke(actor=ana, token_id=revoked.pk)
    expired, expired_plain = api_token_create(actor=ana, name="b", days=30)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    for plain in (revoked_plain, expired_plain):
        assert Client().get("/api/v1/me", **bearer(plain)).status_code == 401


def test_token_of_inactive_user_is_refused(ana):
    """Deactivating a user stops their tokens at once."""
    _token, plain = api_token_create(actor=ana, name="a", days=30)
    get_user_model().objects.filter(pk=ana.pk).update(is_active=False)
    assert Client().get("/api/v1/me", **bearer(plain)).status_code == 401


def test_create_token_validates_and_changes_nothing_on_failure(ana):
    """An empty name or a life out of range is refused with both problems named."""
    with pytest.raises(ValidationFailed) as failure:
        api_token_create(actor=ana, name="  ", days=0)
    assert [e.loc for e in failure.value.errors] == [("body", "name"), ("body", "days")]
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(ana):
    """Revoking a token of another user is NotFound, and the token stays usable."""
    token, plain = api_token_create(actor=ana, name="a", days=30)
    eve = get_user_model().objects.create_user(username="eve@example.org", password="x-pass-2")
    with pytest.raises(NotFound):
        api_token_revoke(actor=eve, token_id=token.pk)
    assert Client().get("/api/v1/me", **bearer(plain)).status_code == 200


def test_token_endpoints_round_trip(ana):
    """Create through the API with a token, list, revoke; the secret is shown only once."""
    _token, plain = api_token_create(actor=ana, name="bootstrap", days=1, scope="write")
    client = Client()
    created = client.post(
        "/api/v1/me/tokens", {"name": "Script", "days": 10}, "application/json", **bearer(plain)
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("barrio_")
    listed = client.get("/api/v1/me/tokens", **bearer(plain)).json()
    assert {t["name"] for t in listed} == {"bootstrap", "Script"}
    assert all("token" not in t for t in listed)
    revoked = client.delete(f"/api/v1/me/tokens/{body['id']}", **bearer(plain))
    assert revoked.status_code == 200
    assert revoked.json()["is_active"] is False
    assert client.get("/api/v1/me", **bearer(body["token"])).status_code == 401


def test_read_only_token_cannot_write(ana):
    """A token's scope limits it: a read-only token reads, and gets 403 when it writes."""
    _token, plain = api_token_create(actor=ana, name="lector", days=5)
    assert Client().get("/api/v1/me/tokens", **bearer(plain)).status_code == 200
    response = Client().post(
        "/api/v1/me/tokens", {"name": "x"}, "application/json", **bearer(plain)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert ApiToken.objects.count() == 1
