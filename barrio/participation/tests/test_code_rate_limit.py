"""The code endpoints of census votes (ask for a code, vote with it; pages and API) need no
sign-in, so each client address may try only so often: the attempt beyond the limit gets
429, another address does not, and a forged X-Forwarded-For changes nothing unless a trusted
proxy sent it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from barrio.participation.models import CodeAttempt, OneTimeCode
from barrio.participation.services.codes import (
    RATE_WINDOW,
    TooManyRequests,
    code_attempt_record,
)
from barrio.participation.tests.census_factories import census_setup

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("recording_sender", "limit_of_three"),
]
LIMIT = 3
ANA = {"document_number": "ABCD800531HDF", "birth_date": "1980-05-31"}
NOBODY = {"document_number": "NOPE", "birth_date": "1980-05-31"}
ATTACKER, NEIGHBOUR, PROXY = "203.0.113.5", "203.0.113.6", "10.0.0.1"


@pytest.fixture
def limit_of_three():
    with override_settings(BARRIO_CODE_RATE_LIMIT=LIMIT, BARRIO_TRUSTED_PROXIES=[]):
        yield


@pytest.fixture
def vote(tmp_path):
    _world, election, pot, ids = census_setup(tmp_path)
    return election, pot, ids


def api_codes(election, address, forwarded=None, body=NOBODY):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client(REMOTE_ADDR=address).post(
        f"/api/v1/votes/{election.pk}/census/codes",
        body,
        content_type="application/json",
        **extra,
    )


def api_ballot(election, pot, ids, address, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client(REMOTE_ADDR=address).post(
        f"/api/v1/votes/{election.pk}/pots/{pot.pk}/census-ballots",
        {**ANA, "code": "000000", "choices": [{"proposal": ids[0]}]},
        content_type="application/json",
        **extra,
    )


def page_identify(election, address, forwarded=None, client=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return (client or Client(REMOTE_ADDR=address)).post(
        f"/participation/votes/{election.pk}/identify/",
        {**NOBODY, "channel": "sms"},
        HTTP_ACCEPT_LANGUAGE="es",
        **extra,
    )


def assert_refused_by_api(response):
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "too_many_requests"
    assert body["message"]
    assert body["errors"] == []


def test_the_api_refuses_the_code_request_beyond_the_limit(vote):
    election, _pot, _ids = vote
    for _ in range(LIMIT):
        assert api_codes(election, ATTACKER).status_code == 422  # not on the census
    assert_refused_by_api(api_codes(election, ATTACKER))
    # Even a right document is refused now: nothing is sent.
    assert_refused_by_api(api_codes(election, ATTACKER, body={**ANA, "channel": "sms"}))
    assert not OneTimeCode.objects.exists()
    assert api_codes(election, NEIGHBOUR).status_code == 422
    assert_refused_by_api(api_codes(election, ATTACKER, forwarded=NEIGHBOUR))


def test_the_api_refuses_the_ballot_with_a_code_beyond_the_limit(vote):
    election, pot, ids = vote
    for _ in range(LIMIT):
        assert api_ballot(election, pot, ids, ATTACKER).status_code == 409  # no code yet
    assert_refused_by_api(api_ballot(election, pot, ids, ATTACKER))
    assert api_ballot(election, pot, ids, NEIGHBOUR).status_code == 409
    assert_refused_by_api(api_ballot(election, pot, ids, ATTACKER, forwarded="198.51.100.9"))
    # Asking for a code is counted apart from voting with one.
    assert api_codes(election, ATTACKER).status_code == 422


def test_the_identify_page_refuses_beyond_the_limit_with_a_translated_message(vote):
    election, _pot, _ids = vote
    for _ in range(LIMIT):
        assert page_identify(election, ATTACKER).status_code == 200  # the form says why
    refused = page_identify(election, ATTACKER)
    assert refused.status_code == 429
    assert "Demasiados intentos desde tu conexión" in refused.content.decode()
    assert page_identify(election, NEIGHBOUR).status_code == 200
    assert page_identify(election, ATTACKER, forwarded=NEIGHBOUR).status_code == 429
    # Reading the form is no attempt.
    assert (
        Client(REMOTE_ADDR=ATTACKER)
        .get(f"/participation/votes/{election.pk}/identify/")
        .status_code
        == 200
    )


def test_the_ballot_page_refuses_codes_beyond_the_limit(vote):
    election, pot, ids = vote
    client = Client(REMOTE_ADDR=ATTACKER)
    sent = client.post(f"/participation/votes/{election.pk}/identify/", {**ANA, "channel": "sms"})
    assert sent.status_code == 302  # one pot: straight to the ballot
    url = f"/participation/votes/{election.pk}/pots/{pot.pk}/census-ballot/"
    for _ in range(LIMIT):
        wrong = client.post(url, {"choice": [ids[0]], "code": "000000"})
        assert wrong.status_code == 200
    assert OneTimeCode.objects.get().attempts == LIMIT
    refused = client.post(url, {"choice": [ids[0]], "code": "000000"})
    assert refused.status_code == 429
    assert OneTimeCode.objects.get().attempts == LIMIT  # the code was not even tried
    other = Client(REMOTE_ADDR=NEIGHBOUR)
    assert other.post(url, {"choice": [ids[0]], "code": "000000"}).status_code == 302


def test_a_trusted_proxy_names_the_client_in_x_forwarded_for(vote):
    election, _pot, _ids = vote
    with override_settings(BARRIO_TRUSTED_PROXIES=[PROXY]):
        for _ in range(LIMIT):
            assert api_codes(election, PROXY, forwarded=f"{ATTACKER}, {PROXY}").status_code == 422
        assert_refused_by_api(api_codes(election, PROXY, forwarded=ATTACKER))
        # Behind the same proxy, another client is counted apart.
        assert api_codes(election, PROXY, forwarded=NEIGHBOUR).status_code == 422
        # A client that writes the header itself, straight to us, is counted as itself.
        assert_refused_by_api(api_codes(election, ATTACKER, forwarded=NEIGHBOUR))


def test_the_window_slides_and_refused_attempts_do_not_count():
    now = timezone.now()
    for minute in range(LIMIT):
        code_attempt_record(address=ATTACKER, step="send", now=now + dt.timedelta(minutes=minute))
    for _ in range(5):
        with pytest.raises(TooManyRequests):
            code_attempt_record(address=ATTACKER, step="send", now=now + dt.timedelta(minutes=3))
    assert CodeAttempt.objects.count() == LIMIT
    # Ten minutes after the first attempt, one place is free again.
    later = now + RATE_WINDOW + dt.timedelta(seconds=1)
    code_attempt_record(address=ATTACKER, step="send", now=later)
    with pytest.raises(TooManyRequests):
        code_attempt_record(address=ATTACKER, step="send", now=later)
    assert ATTACKER not in set(CodeAttempt.objects.values_list("address_hash", flat=True))
