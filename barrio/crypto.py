"""Personal fields encrypted at rest, and keyed hashes (blind indexes) to look them up.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under the
keys of ``settings.FIELD_ENCRYPTION_KEYS``: the first encrypts, all decrypt (MultiFernet), so
a new key can be put first and ``manage.py rotate_keys`` re-encrypts everything with it.

An encrypted column cannot be searched; for exact look-ups (a document number) a model keeps
a blind index next to it: an HMAC of the normalised value under ``BLIND_INDEX_KEY``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import unicodedata
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _


@functools.cache
def keyring() -> MultiFernet:
    """Return the MultiFernet of the configured keys, newest first."""
    keys = [Fernet(key.encode("ascii")) for key in settings.FIELD_ENCRYPTION_KEYS if key]
    if not keys:
        raise ValueError("No field-encryption key is configured (BARRIO_FIELD_KEYS).")
    return MultiFernet(keys)


@functools.cache
def primary_key() -> Fernet:
    """Return the newest key alone (what ``rotate_keys`` re-encrypts to)."""
    return Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode("ascii"))


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in {"FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"}:
        keyring.cache_clear()
        primary_key.cache_clear()


def encrypt(value: str) -> str:
    """Encrypt ``value`` with the newest key; return the token as text."""
    return keyring().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made with any configured key.

    Raises ``ValueError`` (never showing the token) when no key opens it.
    """
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as error:
        raise ValueError(
            "An encrypted value could not be decrypted with any configured key."
        ) from error


def is_encrypted_with_newest_key(token: str) -> bool:
    """Tell whether the newest key alone opens ``token`` (so rotation can skip it)."""
    try:
        primary_key().decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """Re-encrypt a token with the newest key."""
    return keyring().rotate(token.encode("ascii")).decode("ascii")


def normalise(value: str) -> str:
    """Fold case, accents, spaces and punctuation for exact look-ups (``"Ñ-12 34"``: ``n1234``)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def blind_index(value: str, *, purpose: str) -> str:
    """Return the keyed hash of the normalised ``value`` for one ``purpose`` (e.g. a field).

    The purpose keeps equal values of different fields from sharing a hash.
    """
    message = f"{purpose}\x00{normalise(value)}".encode()
    return hmac.new(settings.BLIND_INDEX_KEY.encode("utf-8"), message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; it can be read and written, never filtered on."""

    description = _("Encrypted text")

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self.to_python(decrypt(value))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(self.value_to_string_plain(value))

    def value_to_string_plain(self, value: Any) -> str:
        return str(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(
                f"Encrypted field '{self.name}' cannot be filtered with '{lookup_name}'."
            )
        return super().get_lookup(lookup_name)


class EncryptedDateField(EncryptedTextField):
    """A date stored encrypted (as an ISO date inside the token)."""

    description = _("Encrypted date")

    def to_python(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, dt.date):
            return value or None
        return dt.date.fromisoformat(str(value))

    def value_to_string_plain(self, value: Any) -> str:
        date = self.to_python(value)
        return date.isoformat()
