"""Compile the translation catalogues (``.po`` → ``.mo``) without GNU gettext.

``python -m barrio.i18n`` compiles every catalogue under ``barrio/locale``; ``make run`` and
``make test`` call it, so a fresh machine needs no ``msgfmt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile each ``.po`` file under ``locale_dir`` next to itself; return the ``.mo`` paths.

    Fuzzy entries are left out, as ``msgfmt`` does.
    """
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
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
