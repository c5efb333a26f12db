"""consent_record, consent_withdraw, draft_save and draft_delete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from barrio.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from barrio.registry.models import Consent, RegistrationDraft
from barrio.registry.selectors import draft_get_for_user, draft_list_for_user
from barrio.registry.services import consent_record, consent_withdraw, draft_delete, draft_save
from barrio.registry.tests.factories import build_desk, register

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_consent_is_recorded_and_withdrawn_once():
    desk = build_desk()
    saved = register(desk)
    consent = consent_record(
        actor=desk.caseworker, household=saved, purpose="cash_assistance", given_on=TODAY
    )
    assert consent.recorded_by == desk.caseworker
    consent_withdraw(actor=desk.caseworker, consent=consent, withdrawn_on=TODAY)
    with pytest.raises(Conflict):
        consent_withdraw(actor=desk.caseworker, consent=consent, withdrawn_on=TODAY)


def test_bad_consent_is_refused():
    desk = build_desk()
    saved = register(desk)
    with pytest.raises(ValidationFailed):
        consent_record(
            actor=desk.caseworker,
            household=saved,
            purpose="marketing",
            given_on=TODAY + dt.timedelta(days=3),
        )
    with pytest.raises(PermissionDenied):
        consent_record(actor=desk.manager, household=saved, purpose="messages", given_on=TODAY)
    assert Consent.objects.count() == 1


def test_drafts_are_encrypted_and_private():
    desk = build_desk()
    draft = draft_save(
        actor=desk.caseworker, programme=desk.world.lima, data={"given_names": ["Yusmary"]}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM registry_registrationdraft")
        assert "Yusmary" not in repr(cursor.fetchall())
    draft_save(
        actor=desk.caseworker,
        programme=desk.world.lima,
        data={"given_names": ["Yusmari"]},
        draft_id=draft.pk,
    )
    assert "Yusmari" in draft_get_for_user(user=desk.caseworker, draft_id=draft.pk).data
    assert list(draft_list_for_user(user=desk.province_caseworker, programme=desk.world.lima)) == []
    with pytest.raises(NotFound):
        draft_get_for_user(user=desk.province_caseworker, draft_id=draft.pk)
    with pytest.raises(NotFound):
        draft_save(
            actor=desk.province_caseworker,
            programme=desk.world.lima,
            data={},
            draft_id=draft.pk,
        )
    with pytest.raises(PermissionDenied):
        draft_save(actor=desk.manager, programme=desk.world.lima, data={})
    with pytest.raises(ValidationFailed):
        draft_save(actor=desk.caseworker, programme=desk.world.lima, data={"x": "y" * 300_000})
    draft_delete(actor=desk.province_caseworker, draft_id=draft.pk)
    assert RegistrationDraft.objects.count() == 1
    draft_delete(actor=desk.caseworker, draft_id=draft.pk)
    assert RegistrationDraft.objects.count() == 0
