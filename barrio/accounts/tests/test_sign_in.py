"""Sign-in: a second factor for roles that read personal data, lock-out, expired sessions."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from barrio.accounts.models import Role
from barrio.accounts.services import api_token_create
from barrio.accounts.tests.factories import PASSWORD, build_world, grant, make_user
from barrio.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/sign-in/", {"username": email, "password": password})


@pytest.fixture
def caseworker():
    world = build_world()
    user = make_user("caso@lima.pe")
    grant(user, Role.CASEWORKER, world.lima, world.lima_province)
    return user


def test_caseworker_sets_up_totp_then_reaches_pages(caseworker):
    client = Client()
    assert sign_in(client, "caso@lima.pe").status_code == 302
    response = client.get("/accounts/profile/")
    assert response["Location"].startswith("/accounts/two-factor/")
    setup = client.get(response["Location"])
    assert setup.status_code == 200
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=caseworker)
    assert not device.confirmed
    wrong = client.post("/accounts/two-factor/", {"code": "000000"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a little
    done = client.post(
        "/accounts/two-factor/", {"code": current_code(device), "next": "/accounts/profile/"}
    )
    assert done.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_next_sign_in_asks_for_the_code(caseworker):
    device = TOTPDevice.objects.create(user=caseworker, name="default", confirmed=True)
    client = Client()
    sign_in(client, "caso@lima.pe")
    response = client.get("/accounts/profile/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    client.post("/accounts/two-factor/verify/", {"code": current_code(device)})
    assert client.get("/accounts/profile/").status_code == 200


def test_api_refuses_a_session_without_the_second_factor(caseworker):
    client = Client()
    sign_in(client, "caso@lima.pe")
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_no_token_without_the_second_factor(caseworker):
    with pytest.raises(PermissionDenied) as error:
        api_token_create(actor=caseworker, name="t", days=1, second_factor=False)
    assert error.value.code == "second_factor_required"


def test_old_token_stops_when_a_personal_data_role_is_granted():
    world = build_world()
    user = make_user("vecina@lima.pe")
    plain = api_token_create(actor=user, name="t", days=5)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert Client().get("/api/v1/me", **auth).status_code == 200
    grant(user, Role.CASEWORKER, world.lima)
    assert Client().get("/api/v1/me", **auth).status_code == 401


def test_resident_needs_no_second_factor():
    world = build_world()
    make_user("vecina@lima.pe")
    from django.contrib.auth import get_user_model

    grant(get_user_model().objects.get(username="vecina@lima.pe"), Role.RESIDENT, world.lima)
    client = Client()
    sign_in(client, "vecina@lima.pe")
    assert client.get("/accounts/profile/").status_code == 200


def test_repeated_failures_lock_the_account_out(settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("ana@example.org")
    client = Client()
    for _ in range(3):
        sign_in(client, "ana@example.org", "wrong-password")
    locked = sign_in(client, "ana@example.org", PASSWORD)
    assert locked.status_code == 429
    assert b"Sign-in locked" in locked.content or b"bloque" in locked.content
    assert AccessAttempt.objects.filter(username="ana@example.org").exists()
    assert client.get("/accounts/profile/")["Location"].startswith("/accounts/sign-in/")


def test_session_expires(settings):
    from barrio import settings as barrio_settings

    assert barrio_settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert barrio_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
