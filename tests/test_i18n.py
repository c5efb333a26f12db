"""The es, en and pt catalogues ship complete: every string of the code, none left empty."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from barrio.i18n import catalogue_paths

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("es", "en", "pt")


def catalogues(language: str, package_dir: Path = ROOT / "barrio") -> list[polib.POFile]:
    """The project's catalogue of ``language`` and those of the apps that keep their own."""
    return [
        polib.pofile(str(path))
        for path in catalogue_paths(package_dir)
        if path.parent.parent.name == language
    ]


def entries(language: str) -> list[polib.POEntry]:
    return [entry for po in catalogues(language) for entry in po]


def test_each_app_catalogue_exists_in_every_language():
    """An app that keeps its own catalogue keeps it for es, en and pt alike."""
    folders = {path.parents[2] for path in catalogue_paths(ROOT / "barrio")}
    for folder in folders:
        for language in LANGUAGES:
            assert (folder / language / "LC_MESSAGES" / "django.po").exists(), (folder, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    assert len(entries(language)) > 50
    for po in catalogues(language):
        assert [e.msgid for e in po.untranslated_entries()] == [], po.fpath
        assert [e.msgid for e in po.fuzzy_entries()] == [], po.fpath


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    """A translation keeps every ``%(name)s`` placeholder of its source."""
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    for entry in (e for e in entries(language) if e.translated()):
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
    fresh = {e.msgid for po in catalogues("es", copy) for e in po}
    for language in LANGUAGES:
        shipped = {e.msgid for e in entries(language)}
        assert sorted(fresh - shipped) == [], f"missing in {language}"
