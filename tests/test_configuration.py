"""Configuration from the environment: embedded secrets once, production strict."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    dropped = {"SECRET_KEY", "BARRIO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_embedded_default_generates_secrets_once_with_mode_0600(tmp_path):
    env = {"BARRIO_VAR_DIR": str(tmp_path)}
    assert run(env, "check").returncode == 0
    path = tmp_path / "secrets.json"
    first = json.loads(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert run(env, "check").returncode == 0
    assert json.loads(path.read_text()) == first


def test_production_refuses_to_start_without_secrets(tmp_path):
    result = run({"BARRIO_ENV": "production", "BARRIO_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "secrets.json").exists()


def test_production_passes_check_deploy(tmp_path):
    env = {
        "BARRIO_ENV": "production",
        "BARRIO_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
        "BARRIO_FIELD_KEYS": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=",
        "BARRIO_BLIND_INDEX_KEY": "blind-index-key-for-tests",
        "ALLOWED_HOSTS": "barrio.example.org",
    }
    result = run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_argon2_is_the_hasher():
    """Passwords are hashed with Argon2 (the tests use a fast hasher instead)."""
    from barrio import settings as barrio_settings

    assert barrio_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
