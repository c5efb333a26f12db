"""Vote rows read a block at a time: the reader's fast path for large files.

Most ``VOTES`` sections are thousands of plain lines of one width (no quote, no stray
carriage return, no blank or malformed line). A block of such lines is decoded in one call,
split into rows, and turned into columns with ``zip``; the reader then works on whole
columns (voter ids, ballot texts, the other columns) instead of one row at a time. A block
that is not plain is left to the reader's line-by-line path, which reads it exactly as
before; both give the same votes and problems (a test reads every shared file both ways).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["BLOCK_LINES", "block_columns"]

BLOCK_LINES = 10_000
"""Lines per block: large enough to leave the per-line work to C, small enough to stream."""


def block_columns(chunk: Sequence[bytes | str], width: int) -> list[tuple[str, ...]] | None:
    """The columns of a block of vote lines, or ``None`` if a line is not plain.

    Plain means: the block decodes as UTF-8, holds no quote character and no carriage
    return other than in a ``\\r\\n`` line end, and every line splits on ``;`` into exactly
    ``width`` fields. Those are the lines ``csv`` reads as a plain split, so the columns are
    what the line-by-line path would have read.

    Examples
    --------
    >>> block_columns([b"1;a,b\\r\\n", b"2;c\\r\\n"], 2)
    [('1', '2'), ('a,b', 'c')]
    >>> block_columns([b'1;"a"\\n'], 2) is None, block_columns([b"1;a\\n", b"\\n"], 2) is None
    (True, True)
    """
    try:
        text = b"".join(chunk).decode("utf-8")  # type: ignore[arg-type]
    except UnicodeDecodeError:
        return None
    except TypeError:  # text lines (or a mixture, refused below)
        try:
            text = "".join(
                line if line.endswith("\n") else line + "\n"  # type: ignore[operator,arg-type,misc]
                for line in chunk
            )
        except TypeError:
            return None
    text = text.replace("\r\n", "\n")
    if '"' in text or "\r" in text:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) != len(chunk):
        return None
    rows = [line.split(";") for line in lines]
    if set(map(len, rows)) != {width}:
        return None
    return list(zip(*rows, strict=True))
