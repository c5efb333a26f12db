"""Compile the translation catalogues (``.po`` → ``.mo``) without GNU gettext.

``python -m barrio.i18n`` compiles every catalogue of the project: ``barrio/locale`` and the
``locale`` folder an app may keep of its own (``barrio/<app>/locale``, which Django finds for an
installed app and ``makemessages`` fills with that app's strings). ``make run`` and ``make test``
call it, so a fresh machine needs no ``msgfmt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent


def catalogue_paths(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Return every ``.po`` file of the project and of its apps, sorted."""
    found = set(package_dir.glob("locale/*/LC_MESSAGES/*.po"))
    found |= set(package_dir.glob("*/locale/*/LC_MESSAGES/*.po"))
    return sorted(found)


def compile_catalogues(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Compile each catalogue next to itself; return the ``.mo`` paths.

    Fuzzy entries are left out, as ``msgfmt`` does.
    """
    written = []
    for po_path in catalogue_paths(package_dir):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def main() -> None:
    """Compile the catalogues and say how many."""
    written = compile_catalogues()
    sys.stdout.write(f"Compiled {len(written)} translation catalogues.\n")


if __name__ == "__main__":
    main()
