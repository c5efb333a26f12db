"""Read tables of indicator values from CSV and XLSX files into rows of text.

Each row keeps the number it has in the file (the header is row 1), so that every problem
can be reported where a person will find it. Cells are returned as trimmed text; numbers are
parsed by the import, which knows which columns hold them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from barrio.errors import FieldError, ValidationFailed


@dataclass(frozen=True)
class Table:
    """The header and rows of a table; ``rows`` pairs each file row number with its cells."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _unreadable(reason: str) -> ValidationFailed:
    return ValidationFailed(
        _("The table could not be read: %(reason)s") % {"reason": reason},
        errors=[FieldError(("file",), _("The table could not be read."))],
        code="unreadable_file",
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """Read a ``.csv`` (UTF-8, comma or semicolon separated) or ``.xlsx`` table.

    Raises :class:`ValidationFailed` for an unreadable file, an unknown sheet, an empty
    table, or a header with empty or repeated column names.
    """
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
            raise _unreadable(str(error)[:200]) from error
        if sheet is not None and sheet not in workbook.sheetnames:
            raise _unreadable(
                _("there is no sheet %(sheet)s (it has %(sheets)s)")
                % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        raw = [[_cell(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise _unreadable(_("it is not UTF-8 text")) from error
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        raw = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    numbered = [(number, row) for number, row in enumerate(raw, start=1) if any(row)]
    if not numbered:
        raise _unreadable(_("it is empty"))
    header_number, header = numbered[0]
    while header and not header[-1]:
        header = header[:-1]
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
        raise ValidationFailed(errors=problems, code="bad_header")
    rows = [
        (number, {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)})
        for number, cells in numbered[1:]
    ]
    return Table(header=header, rows=rows)
