"""The es, en and pt catalogues ship complete: every string of the code, none left empty."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "barrio" / "locale"
LANGUAGES = ("es", "en", "pt")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    po = catalogue(language)
    assert len(po) > 50
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    """A translation keeps every ``%(name)s`` placeholder of its source."""
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    for entry in catalogue(language).translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert sorted(placeholder.findall(translation)) == sorted(
                placeholder.findall(entry.msgid)
            ), entry.msgid


def test_every_string_of_the_code_is_in_the_catalogues(tmp_path):
    """Extract the strings afresh (GNU gettext's xgettext) and find each in the catalogue."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext's xgettext is not installed (apt-get install gettext).")
    copy = tmp_path / "barrio"
    shutil.copytree(
        ROOT / "barrio",
        copy,
        ignore=shutil.ignore_patterns("static", "__pycache__", "tests", "core", "*.mo"),
    )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, str(tmp_path / "manage.py"), "makemessages", "-l", "es", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "PYTHONPATH": str(tmp_path)},
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/es/LC_MESSAGES/django.po"))}
    for language in LANGUAGES:
        shipped = {e.msgid for e in catalogue(language)}
        assert sorted(fresh - shipped) == [], f"missing in {language}"
