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
from itertools import repeat

import numpy as np

__all__ = ["BLOCK_BYTES", "BLOCK_LINES", "block_columns"]

BLOCK_LINES = 10_000
"""Lines per block: large enough to leave the per-line work to C, small enough to stream."""

SMALL_BLOCK = 400
"""Up to this many lines, a block's separators are counted per line without numpy."""

BLOCK_BYTES = 1 << 20
"""Bytes per block when the lines come from a binary file (read whole, then cut at a line end)."""


def _plain_bytes(raw: bytes, count: int, width: int) -> bool:
    """Whether the ``count`` lines of ``raw`` (UTF-8 bytes, the last line with or without
    its end) hold ``width - 1`` separators each and no carriage return but in a ``\r\n``.
    Counted with numpy: in UTF-8 no other character contains the byte of ``;``, of a
    carriage return or of a line end.
    """
    codes = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(codes == ord("\n"))
    returns = np.flatnonzero(codes == ord("\r"))
    if len(returns) and (returns[-1] + 1 == len(codes) or (codes[returns + 1] != ord("\n")).any()):
        return False
    separators = np.flatnonzero(codes == ord(";"))
    if len(separators) != count * (width - 1):
        return False
    # Separators before each line's end, and so on each line.
    if not raw.endswith(b"\n"):
        ends = np.append(ends, len(codes))
    before = np.searchsorted(separators, ends)
    return bool((np.diff(before, prepend=0) == width - 1).all())


def block_columns(
    chunk: Sequence[bytes | str] | bytes, width: int
) -> tuple[list[list[str]], int] | None:
    """The columns of a block of vote lines and its number of lines, or ``None``.

    ``chunk`` is a list of lines, or whole lines of a binary file read as one ``bytes``
    (without making an object per line). ``None`` if a line is not plain: plain means the
    block decodes as UTF-8, holds no quote character and no carriage return other than in
    a ``\\r\\n`` line end, and every line splits on ``;`` into exactly ``width`` fields. Those
    are the lines ``csv`` reads as a plain split, so the columns are what the line-by-line
    path would have read. Once every line is known to hold ``width - 1`` separators, the
    block is split into fields in one call (line ends read as separators) and column ``k``
    is every ``width``-th field from ``k``: no list per row.

    Examples
    --------
    >>> block_columns([b"1;a,b\\r\\n", b"2;c\\r\\n"], 2)
    ([['1', '2'], ['a,b', 'c']], 2)
    >>> block_columns(b"1;a,b\\n2;c", 2)
    ([['1', '2'], ['a,b', 'c']], 2)
    >>> block_columns([b'1;"a"\\n'], 2) is None, block_columns([b"1;a\\n", b"\\n"], 2) is None
    (True, True)
    >>> block_columns([b"1;a;b\\n", b"2\\n"], 2) is None  # 4 fields, but not 2 per line
    True
    """
    if isinstance(chunk, bytes):
        count = chunk.count(b"\n") + (not chunk.endswith(b"\n"))
        if count > SMALL_BLOCK:
            # Checked in its bytes, decoded once known plain (its carriage returns, all
            # before a line end, dropped first).
            if b'"' in chunk or not _plain_bytes(chunk, count, width):
                return None
            try:
                return _columns(chunk.replace(b"\r", b"").decode("utf-8"), width), count
            except UnicodeDecodeError:
                return None
        chunk = [chunk]
    else:
        count = len(chunk)
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
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if '"' in text or "\r" in text:
        return None
    text = text.removesuffix("\n")
    if count <= SMALL_BLOCK:
        # Counted line by line (in C): cheaper than numpy's calls on a few hundred lines.
        lines = text.split("\n")
        if len(lines) != count or set(map(str.count, lines, repeat(";"))) != {width - 1}:
            return None
    elif not _plain_bytes(text.encode("utf-8"), count, width):
        return None
    return _columns(text, width), count


def _columns(text: str, width: int) -> list[list[str]]:
    """The columns of plain lines of ``width`` fields each: split in one call (line ends
    read as separators), column ``k`` every ``width``-th field from ``k``."""
    fields = text.replace("\n", ";").split(";")
    if text.endswith("\n"):
        fields.pop()  # after the last line's end
    return [fields[k::width] for k in range(width)]
