"""Every API failure has the one shape {code, message, errors[{loc, msg}]}, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from barrio.accounts.services import api_token_create, programme_create

pytestmark = pytest.mark.django_db


def assert_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    for error in body["errors"]:
        assert set(error) == {"loc", "msg"}
    return body


@pytest.fixture
def token():
    user = get_user_model().objects.create_user(username="ana@example.org", password="x-pass-1")
    return api_token_create(actor=user, name="t", days=5, scope="write")[1]


def test_not_found_programme():
    assert_shape(Client().get("/api/v1/programmes/no-such"), 404, "not_found")


def test_private_programme_is_not_found_for_the_public():
    programme_create(
        slug="hidden",
        name="Hidden",
        country="MX",
        currency="MXN",
        time_zone="America/Mexico_City",
        is_public=False,
    )
    assert_shape(Client().get("/api/v1/programmes/hidden"), 404, "not_found")
    assert Client().get("/api/v1/programmes").json() == []


def test_validation_errors_name_each_field(token):
    """Missing and out-of-range fields are 422 with the field path in ``loc``."""
    response = Client().post(
        "/api/v1/me/tokens", {"days": 0}, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    body = assert_shape(response, 422, "invalid")
    locs = {tuple(error["loc"]) for error in body["errors"]}
    assert ("body", "payload", "name") in locs
    assert ("body", "payload", "days") in locs


@pytest.mark.parametrize("payload", ["{not json", "[]", '"text"', "null"])
def test_malformed_json_is_a_4xx(token, payload):
    response = Client().post(
        "/api/v1/me/tokens", payload, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "errors"}


def test_bad_path_parameter_is_422():
    assert_shape(Client().get("/api/v1/jobs/not-a-uuid"), 401, "not_authenticated")


def test_bad_path_parameter_is_422_when_signed_in(token):
    response = Client().get("/api/v1/jobs/not-a-uuid", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_shape(response, 422, "invalid")


def test_session_write_without_csrf_is_refused():
    """Pages' session cookie alone cannot write through the API: CSRF is checked."""
    user = get_user_model().objects.create_user(username="ana@example.org", password="x-pass-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/me/tokens", {"name": "x"}, "application/json")
    assert response.status_code in {401, 403}
    assert set(response.json()) == {"code", "message", "errors"}


def test_messages_follow_the_language():
    """Codes stay; messages are translated by Accept-Language."""
    english = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()
    spanish = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="es").json()
    assert english["code"] == spanish["code"] == "not_authenticated"
    assert english["message"] != spanish["message"]


def test_unknown_route_is_404():
    response = Client().get("/api/v1/nothing-here")
    assert response.status_code == 404


def test_unknown_address_and_wrong_method_have_the_error_shape():
    assert_shape(Client().get("/api/v1/nothing-here"), 404, "not_found")
    assert_shape(Client().put("/api/v1/programmes"), 405, "method_not_allowed")
