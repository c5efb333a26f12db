"""Payment lists as files for providers, encrypted with a password.

XLSX files are encrypted the way Office does it (ECMA-376 agile encryption, AES-256) with
``msoffcrypto-tool``: Excel and LibreOffice open them after asking the password. CSV files
travel inside a ZIP encrypted with AES-256 (WinZip AES, ``pyzipper``), which 7-Zip and most
archive tools open. Nothing unencrypted is written to disk: files are built in memory.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
import pyzipper
from msoffcrypto.format.ooxml import OOXMLFile

#: Alphabet of generated passwords: no look-alikes (0/O, 1/l/I).
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def new_password(length: int = 16) -> str:
    """A random password from an unambiguous alphabet (about 95 bits for 16 characters)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A plain workbook of one sheet (streamed: constant memory per row)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("pagos")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def encrypted_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], password: str) -> bytes:
    """The workbook of ``rows``, encrypted with ``password`` (opens in Excel/LibreOffice)."""
    plain = io.BytesIO(xlsx_bytes(header, rows))
    out = io.BytesIO()
    OOXMLFile(plain).encrypt(password, out)
    return out.getvalue()


def encrypted_csv_zip(
    name: str, header: Sequence[str], rows: Iterable[Sequence[Any]], password: str
) -> bytes:
    """A ZIP (AES-256) holding ``name``: the rows as UTF-8 CSV with a header."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    out = io.BytesIO()
    with pyzipper.AESZipFile(
        out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode("utf-8"))
        archive.writestr(name, text.getvalue().encode("utf-8"))
    return out.getvalue()
