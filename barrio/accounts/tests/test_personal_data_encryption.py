"""Personal fields are encrypted at rest, looked up by blind index, and re-keyed by rotate_keys."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from barrio.accounts.models import Profile
from barrio.accounts.tests.factories import make_user
from barrio.crypto import blind_index, decrypt, encrypt, normalise

pytestmark = pytest.mark.django_db

PHONE = "+51 987 654 321"
NOTE = "Yusmary Pérez Gómez, pasaporte venezolano 123456789"


def raw_row(profile: Profile) -> tuple[str, ...]:
    """The row as stored, read with SQL (no decryption)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, notes FROM accounts_profile WHERE id = %s", [profile.pk])
        return cursor.fetchone()


def test_raw_database_holds_no_plaintext():
    """On SQLite and on PostgreSQL alike, the stored row has none of the values."""
    profile = Profile.objects.create(user=make_user("ana@example.org"), phone=PHONE, notes=NOTE)
    stored = " ".join(raw_row(profile))
    for secret in (PHONE, "987", "Yusmary", "123456789", "Pérez"):
        assert secret not in stored
    profile.refresh_from_db()
    assert (profile.phone, profile.notes) == (PHONE, NOTE)


@pytest.mark.django_db(transaction=True)
def test_stored_bytes_hold_no_plaintext():
    """What the database keeps has no trace of the values: on SQLite the database file
    itself, on PostgreSQL every column of the stored rows as text."""
    Profile.objects.create(user=make_user("ana@example.org"), phone=PHONE, notes=NOTE)
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA wal_checkpoint(FULL)")
        with open(connection.settings_dict["NAME"], "rb") as handle:
            stored = handle.read()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT accounts_profile::text FROM accounts_profile")
            stored = " ".join(row[0] for row in cursor.fetchall()).encode()
    assert stored  # the check looked at something
    assert b"Yusmary" not in stored
    assert PHONE.encode() not in stored
    assert "Pérez".encode() not in stored


def test_same_value_encrypts_differently_each_time():
    assert encrypt(PHONE) != encrypt(PHONE)
    assert decrypt(encrypt(PHONE)) == PHONE


def test_encrypted_fields_refuse_lookups():
    with pytest.raises(TypeError):
        list(Profile.objects.filter(phone=PHONE))


def test_blind_index_finds_equal_values_only():
    assert normalise(" AB-12.345 ") == "ab12345"
    assert blind_index("AB-12.345", purpose="document") == blind_index(
        "ab 12345", purpose="document"
    )
    assert blind_index("AB-12.345", purpose="document") != blind_index(
        "AB-12.346", purpose="document"
    )
    assert blind_index("AB-12.345", purpose="document") != blind_index("AB-12.345", purpose="phone")


def test_wrong_key_is_a_clear_error_without_the_value(settings):
    token = encrypt(NOTE)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="could not be decrypted") as error:
        decrypt(token)
    assert "Yusmary" not in str(error.value)


def test_rotate_keys_re_encrypts_with_the_new_key_and_resumes(settings):
    """After rotation the new key alone opens every value; a second run changes nothing."""
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    profiles = [
        Profile.objects.create(user=make_user(f"p{i}@example.org"), phone=f"{PHONE}{i}", notes=NOTE)
        for i in range(5)
    ]
    before = [raw_row(p) for p in profiles]
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_keys", "--batch", "2", stdout=out)
    assert "accounts.Profile: 5 of 5 rows re-encrypted" in out.getvalue()
    after = [raw_row(p) for p in profiles]
    assert all(a != b for a, b in zip(after, before, strict=True))

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone
    for i, profile in enumerate(profiles):
        profile.refresh_from_db()
        assert profile.phone == f"{PHONE}{i}"
        assert profile.notes == NOTE

    again = io.StringIO()
    call_command("rotate_keys", stdout=again)
    assert "accounts.Profile: 0 of 5 rows re-encrypted" in again.getvalue()
