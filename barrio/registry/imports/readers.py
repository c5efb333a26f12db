"""Read import files into rows of text, each with where it came from.

A spreadsheet row is located as ``("row", n)`` (the header is row 1, as the spreadsheet shows
it); a KoboToolbox submission's member as ``("submission", i, "member", j)``. Files are read
from bytes in memory: nothing of them is written to disk. Problems raise
:class:`~barrio.errors.ValidationFailed` with the place and the reason, never a value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from barrio.errors import FieldError, ValidationFailed

Locator = tuple[str | int, ...]
MERGE_CELL = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


@dataclass(frozen=True)
class Rows:
    """The columns found and the rows read, each row with its locator."""

    header: list[str]
    rows: list[tuple[Locator, dict[str, str]]]
    sheet: str = ""


def rejected(message: str, errors: Sequence[FieldError] = ()) -> ValidationFailed:
    """The error of a file that cannot be imported at all."""
    return ValidationFailed(
        message, errors=errors or [FieldError(("file",), message)], code="rejected_file"
    )


def cell_text(value: object) -> str:
    """A cell as trimmed text; whole floats without ``.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(
    raw: list[list[str]], first_row: int = 1
) -> tuple[list[str], list[tuple[Locator, dict[str, str]]]]:
    numbered = [(n, row) for n, row in enumerate(raw, start=first_row) if any(row)]
    if not numbered:
        raise rejected(_("The file has no rows."))
    header_number, header = numbered[0]
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    problems = []
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(
                FieldError(
                    ("row", header_number, f"column {position}"), _("This column has no name.")
                )
            )
        elif header.index(name) != position - 1:
            problems.append(
                FieldError(("row", header_number, name), _("This column name appears twice."))
            )
    if problems:
        raise rejected(_("The header row is not valid."), problems)
    width = len(header)
    rows: list[tuple[Locator, dict[str, str]]] = [
        (("row", n), {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)})
        for n, cells in numbered[1:]
        if any(cells[:width])
    ]
    return header, rows


def read_csv(content: bytes) -> Rows:
    """Read CSV text (UTF-8, with or without BOM; comma or semicolon separated)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise rejected(_("The file is not UTF-8 text; save it as CSV UTF-8.")) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    raw = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    header, rows = _table(raw)
    return Rows(header, rows)


def _merged_ranges(content: bytes, worksheet: Any) -> list[str]:
    """The merged ranges of a sheet, read from its XML (read-only sheets do not list them)."""
    path = getattr(worksheet, "_worksheet_path", "")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read(path.lstrip("/"))
    except (KeyError, zipfile.BadZipFile):
        return []
    return [match.decode("ascii") for match in MERGE_CELL.findall(xml)]


def read_xlsx(
    content: bytes, *, sheet: str = "", wanted: Sequence[str] = (), default_sheet: str = ""
) -> Rows:
    """Read one sheet of a workbook: ``sheet`` if given, else ``default_sheet`` if the
    workbook has it, else the first sheet whose header has the ``wanted`` columns.

    Merged cells are refused: in a merged range only the first cell holds the value, so the
    other rows would silently lose it.
    """
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise rejected(_("The file is not a readable XLSX workbook.")) from error
    try:
        names = workbook.sheetnames
        if sheet and sheet not in names:
            raise rejected(
                _("The workbook has no sheet %(sheet)s; its sheets are %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(names)}
            )
        candidates = [sheet] if sheet else ([default_sheet] if default_sheet in names else names)
        for name in candidates:
            worksheet = workbook[name]
            first = next(worksheet.iter_rows(max_row=1, values_only=True), ())
            found = {cell_text(c) for c in first}
            if not wanted or set(wanted) <= found or sheet or name == default_sheet:
                break
        else:
            raise rejected(
                _(
                    "No sheet of the workbook has the template's columns; its sheets are "
                    "%(sheets)s. Choose the sheet, or a column mapping."
                )
                % {"sheets": ", ".join(names)}
            )
        merged = _merged_ranges(content, worksheet)
        if merged:
            raise rejected(
                _("The sheet has merged cells; unmerge them and repeat the value in each row."),
                [
                    FieldError(("sheet", name, "cells", ref), _("These cells are merged."))
                    for ref in merged[:50]
                ],
            )
        raw = [[cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    header, rows = _table(raw)
    return Rows(header, rows, sheet=name)


def _flat(submission: dict[str, Any]) -> dict[str, Any]:
    """A submission's fields by their last name (``grupo/nombres`` → ``nombres``)."""
    return {str(key).rsplit("/", 1)[-1]: value for key, value in submission.items()}


def read_kobo(content: bytes, *, repeat_group: str = "") -> Rows:
    """Read a KoboToolbox JSON export: one household per submission, its members in a repeat
    group (``repeat_group``, or the first field holding a list of objects).

    Accepts a list of submissions or the API's ``{"results": [...]}``. Each member becomes
    a row with the household's fields and its own; ``household_id`` falls back to the
    submission's ``_uuid`` or ``_id``.
    """
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise rejected(_("The file is not valid JSON.")) from error
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if not isinstance(data, list) or not data:
        raise rejected(_("A KoboToolbox export is a list of submissions; this file has none."))
    rows: list[tuple[Locator, dict[str, str]]] = []
    errors: list[FieldError] = []
    header: dict[str, None] = {}
    for number, submission in enumerate(data, start=1):
        where: Locator = ("submission", number)
        if not isinstance(submission, dict):
            errors.append(FieldError(where, _("A submission is an object of fields.")))
            continue
        fields = _flat(submission)
        group_key = (
            repeat_group.rsplit("/", 1)[-1]
            if repeat_group
            else next(
                (
                    k
                    for k, v in fields.items()
                    if isinstance(v, list) and v and isinstance(v[0], dict)
                ),
                "",
            )
        )
        members = fields.pop(group_key, None) if group_key else None
        if not isinstance(members, list) or not members:
            errors.append(FieldError(where, _("This submission has no members in a repeat group.")))
            continue
        household = {k: _kobo_text(v) for k, v in fields.items() if not isinstance(v, (list, dict))}
        household.setdefault("household_id", household.get("_uuid") or household.get("_id", ""))
        for position, member in enumerate(members, start=1):
            if not isinstance(member, dict):
                errors.append(
                    FieldError((*where, "member", position), _("A member is an object of fields."))
                )
                continue
            row = {**household, **{k: _kobo_text(v) for k, v in _flat(member).items()}}
            header.update(dict.fromkeys(row))
            rows.append(((*where, "member", position), row))
    if errors:
        raise rejected(_("The KoboToolbox export is malformed."), errors)
    return Rows(list(header), rows)


def _kobo_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def file_format(name: str) -> str:
    """The format of a file by its name: ``xlsx``, ``csv`` or ``kobo`` (``.json``)."""
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if lower.endswith(".json"):
        return "kobo"
    if lower.endswith((".csv", ".txt")):
        return "csv"
    raise rejected(_("Send an .xlsx, .csv or KoboToolbox .json file."))
