"""One-time codes and census ballots: hashed, expiring, limited tries, used once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.messaging import SendFailed
from barrio.participation.models import Ballot, BallotChoice, Election, OneTimeCode, Voter
from barrio.participation.services import Choice, ballot_cast
from barrio.participation.services.codes import (
    CODE_MINUTES,
    MAX_ATTEMPTS,
    MAX_CODES_PER_HOUR,
    census_ballot_cast,
    census_code_send,
    census_identify,
)
from barrio.participation.tests.census_factories import RecordingSender, census_setup, last_code
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import residents

pytestmark = pytest.mark.django_db
ANA = {"document_number": "abcd-800531-hdf", "birth_date": dt.date(1980, 5, 31)}
EVA = {"document_number": "EFGH900101MDF", "birth_date": dt.date(1990, 1, 1)}
LUIS = {"document_number": "G1234567", "birth_date": dt.date(1975, 12, 24)}


@pytest.fixture
def vote(tmp_path):
    return census_setup(tmp_path)


def send(election, person=ANA, channel="sms", **kwargs):
    return census_code_send(
        election=election, channel=channel, sender=RecordingSender(), **person, **kwargs
    )


def cast(*, pot, document_number, birth_date, **kwargs):
    entry = census_identify(
        election=pot.election, document_number=document_number, birth_date=birth_date
    )
    return census_ballot_cast(pot=pot, entry=entry, **kwargs)


def nothing_counted():
    return not (Voter.objects.exists() or Ballot.objects.exists() or BallotChoice.objects.exists())


def test_a_person_on_the_census_votes_with_the_code_sent_to_her(vote):
    _world, election, pot, ids = vote
    sent = send(election)
    assert sent.to == "…78"
    assert sent.channel == "sms"
    code = last_code()
    stored = OneTimeCode.objects.get()
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64
    done = cast(pot=pot, code=code, choices=[Choice(ids[0])], **ANA)
    assert len(done.receipt) == 9
    voter = Voter.objects.get()
    assert voter.user is None
    assert voter.census_entry.birth_date == ANA["birth_date"]
    assert Ballot.objects.get().receipt == done.receipt
    assert OneTimeCode.objects.get().used_at is not None


def test_the_code_can_go_by_e_mail(vote):
    _world, election, pot, ids = vote
    sent = send(election, EVA, channel="email")
    assert sent.to == "…rg"
    (message,) = mail.outbox
    assert message.to == ["eva@example.org"]
    code = next(w for w in message.body.replace(".", " ").split() if len(w) == 6 and w.isdigit())
    cast(pot=pot, code=code, choices=[Choice(ids[1])], **EVA)
    assert Voter.objects.count() == 1


def test_a_forged_code_is_refused_and_counts_a_try(vote):
    _world, election, pot, ids = vote
    send(election)
    forged = "000000" if last_code() != "000000" else "111111"
    with pytest.raises(Conflict) as caught:
        cast(pot=pot, code=forged, choices=[Choice(ids[0])], **ANA)
    assert caught.value.code == "wrong_code"
    assert OneTimeCode.objects.get().attempts == 1
    assert nothing_counted()


def test_a_used_code_cannot_vote_again(vote):
    _world, election, pot, ids = vote
    send(election)
    code = last_code()
    cast(pot=pot, code=code, choices=[Choice(ids[0])], **ANA)
    with pytest.raises(Conflict) as caught:
        cast(pot=pot, code=code, choices=[Choice(ids[1])], **ANA)
    assert caught.value.code == "code_used"
    assert Ballot.objects.count() == 1
    assert Voter.objects.count() == 1


def test_a_second_ballot_with_a_new_code_is_refused(vote):
    _world, election, pot, ids = vote
    send(election)
    cast(pot=pot, code=last_code(), choices=[Choice(ids[0])], **ANA)
    send(election)
    with pytest.raises(Conflict) as caught:
        cast(pot=pot, code=last_code(), choices=[Choice(ids[1])], **ANA)
    assert caught.value.code == "already_voted"
    assert Ballot.objects.count() == 1
    assert OneTimeCode.objects.filter(used_at__isnull=True).count() == 1  # not used up


def test_an_expired_code_is_refused(vote):
    _world, election, pot, ids = vote
    send(election, now=timezone.now() - dt.timedelta(minutes=CODE_MINUTES + 1))
    with pytest.raises(Conflict) as caught:
        cast(pot=pot, code=last_code(), choices=[Choice(ids[0])], **ANA)
    assert caught.value.code == "code_expired"
    assert nothing_counted()


def test_a_new_code_ends_the_earlier_one(vote):
    _world, election, pot, ids = vote
    send(election)
    first = last_code()
    send(election)
    if first != last_code():
        with pytest.raises(Conflict):
            cast(pot=pot, code=first, choices=[Choice(ids[0])], **ANA)
    cast(pot=pot, code=last_code(), choices=[Choice(ids[0])], **ANA)
    assert Voter.objects.count() == 1


def test_too_many_wrong_tries_block_even_the_right_code(vote):
    _world, election, pot, ids = vote
    send(election)
    code = last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(Conflict):
            cast(pot=pot, code=wrong, choices=[Choice(ids[0])], **ANA)
    with pytest.raises(Conflict) as caught:
        cast(pot=pot, code=code, choices=[Choice(ids[0])], **ANA)
    assert caught.value.code == "too_many_attempts"
    assert nothing_counted()


def test_a_wrong_ballot_uses_no_try_of_the_code(vote):
    _world, election, pot, ids = vote
    send(election)
    with pytest.raises(ValidationFailed):
        cast(pot=pot, code=last_code(), choices=[Choice(ids[0]), Choice(ids[0])], **ANA)
    code = OneTimeCode.objects.get()
    assert code.attempts == 0
    assert code.used_at is None
    assert nothing_counted()


@pytest.mark.parametrize(
    "person",
    [
        {"document_number": "NOT-ON-IT", "birth_date": dt.date(1980, 5, 31)},
        {"document_number": "ABCD800531HDF", "birth_date": dt.date(1980, 5, 30)},
    ],
)
def test_an_unknown_document_or_a_wrong_birth_date_gets_no_code(vote, person):
    _world, election, pot, ids = vote
    RecordingSender.sent.clear()
    with pytest.raises(ValidationFailed) as caught:
        send(election, person)
    assert caught.value.code == "not_on_census"
    with pytest.raises(ValidationFailed):
        cast(pot=pot, code="123456", choices=[Choice(ids[0])], **person)
    assert not OneTimeCode.objects.exists()
    assert not RecordingSender.sent
    assert nothing_counted()


def test_a_channel_without_an_address_on_the_census_is_refused(vote):
    _world, election, _pot, _ids = vote
    with pytest.raises(ValidationFailed) as caught:
        send(election, ANA, channel="email")
    assert caught.value.code == "no_contact"
    with pytest.raises(ValidationFailed):
        send(election, ANA, channel="pigeon")
    assert not OneTimeCode.objects.exists()


def test_codes_are_limited_per_hour(vote):
    _world, election, _pot, _ids = vote
    for _ in range(MAX_CODES_PER_HOUR):
        send(election)
    with pytest.raises(Conflict) as caught:
        send(election)
    assert caught.value.code == "too_many_codes"
    assert OneTimeCode.objects.count() == MAX_CODES_PER_HOUR


class FailingSender:
    def send(self, *, to: str, text: str, reference: str) -> None:
        raise SendFailed("rejected_by_operator")


def test_a_code_that_could_not_be_sent_is_not_kept(vote):
    _world, election, _pot, _ids = vote
    with pytest.raises(Conflict) as caught:
        census_code_send(election=election, channel="sms", sender=FailingSender(), **ANA)
    assert caught.value.code == "not_sent"
    assert not OneTimeCode.objects.exists()


@override_settings(
    BARRIO_MESSAGE_SENDER="barrio.participation.tests.census_factories.RecordingSender"
)
def test_the_configured_sender_is_used(vote):
    _world, election, _pot, _ids = vote
    census_code_send(election=election, channel="sms", **ANA)
    assert RecordingSender.sent[-1][0] == "5512345678"


def test_a_person_votes_only_in_the_pot_of_her_unit(vote):
    _world, election, pot, ids = vote
    send(election, LUIS)  # Luis lives in Morelos; the pot is Guerrero's
    with pytest.raises(PermissionDenied):
        cast(pot=pot, code=last_code(), choices=[Choice(ids[0])], **LUIS)
    assert nothing_counted()


def test_outside_the_period_no_code_and_no_ballot(vote):
    _world, election, pot, ids = vote
    later = election.closes_at + dt.timedelta(minutes=1)
    with pytest.raises(Conflict) as caught:
        send(election, now=later)
    assert caught.value.code == "vote_not_open"
    send(election)
    with pytest.raises(Conflict):
        cast(pot=pot, code=last_code(), choices=[Choice(ids[0])], now=later, **ANA)
    assert nothing_counted()


def test_signed_in_residents_do_not_vote_in_a_census_vote(vote):
    world, _election, pot, ids = vote
    (ana,) = residents(world, 1)
    with pytest.raises(Conflict) as caught:
        ballot_cast(actor=ana, pot=pot, choices=[Choice(ids[0])])
    assert caught.value.code == "census_only"
    assert nothing_counted()


def test_a_resident_vote_gives_no_codes(tmp_path):
    world = build_world()
    from barrio.participation.tests.vote_factories import open_vote

    election = open_vote(world)
    assert election.validation == Election.Validation.SIGNED_IN_RESIDENT
    with pytest.raises(Conflict) as caught:
        send(election)
    assert caught.value.code == "not_a_census_vote"
