"""Configuration read from the environment, with embedded defaults for one machine.

The embedded default (``BARRIO_ENV`` unset or ``development``) keeps everything under
``var/``: the SQLite database, uploaded files and the secrets, which are generated once into
``var/secrets.json`` (mode 0600). Production (``BARRIO_ENV=production``) generates nothing and
refuses to start without its secrets.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

#: Secrets read from the environment, and generated into ``var/secrets.json`` when embedded.
SECRET_NAMES = ("SECRET_KEY", "BARRIO_FIELD_KEYS", "BARRIO_BLIND_INDEX_KEY")


def env(name: str, default: str = "") -> str:
    """Return the environment variable ``name``, or ``default`` when it is unset or empty."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool = False) -> bool:
    """Return a yes/no environment variable (``1``, ``true``, ``yes`` and ``on`` are yes)."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated environment variable as a list of non-empty items."""
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def is_production() -> bool:
    """Tell whether Barrio runs in production mode (``BARRIO_ENV=production``)."""
    return env("BARRIO_ENV", "development") == "production"


def var_dir() -> Path:
    """Return the folder of local state (database, media, secrets), ``var/`` by default."""
    return Path(env("BARRIO_VAR_DIR", str(BASE_DIR / "var")))


def _generate_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BARRIO_FIELD_KEYS": Fernet.generate_key().decode(),
        "BARRIO_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
    }


def load_secrets() -> dict[str, str]:
    """Return the secrets, from the environment first and else from ``var/secrets.json``.

    In the embedded default, missing secrets are generated once and written to
    ``var/secrets.json`` with mode 0600, so that a restart keeps sessions and can still
    decrypt personal fields. In production a missing secret raises ``ImproperlyConfigured``.
    """
    values = {name: env(name) for name in SECRET_NAMES}
    missing = [name for name, value in values.items() if not value]
    if not missing:
        return values
    if is_production():
        raise ImproperlyConfigured(
            "Production mode needs these environment variables: " + ", ".join(missing) + "."
        )
    path = var_dir() / "secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    generated = _generate_secrets()
    changed = False
    for name in SECRET_NAMES:
        if not stored.get(name):
            stored[name] = generated[name]
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(stored, handle, indent=2)
        path.chmod(0o600)
    return {name: values[name] or stored[name] for name in SECRET_NAMES}
