"""Checks of a proposal's content that need no database: money, places and files.

Budget amounts are integer cents: a line's total is its quantity (up to three decimals) times
its unit cost, rounded half up to the cent, and a proposal's total is the sum of its lines.
A location is GeoJSON checked with shapely to lie inside the unit's boundary. A file's type
is read from its content (its first and last bytes), never from its name.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

from PIL import Image, UnidentifiedImageError
from shapely.errors import GEOSException, ShapelyError
from shapely.geometry import shape

#: Largest file accepted per kind, in bytes.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 10 * 1024 * 1024
#: Largest photo accepted, in pixels (a small file may unpack into a huge image).
MAX_PHOTO_PIXELS = 40_000_000

PHOTO = "photo"
PDF = "pdf"


def line_total_cents(quantity: Decimal, unit_cost_cents: int) -> int:
    """Return quantity × unit cost in whole cents, rounded half up.

    >>> line_total_cents(Decimal("2.5"), 1999)
    4998
    >>> line_total_cents(Decimal("0.333"), 100)
    33
    """
    exact = Decimal(quantity) * Decimal(unit_cost_cents)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_quantity(text: str) -> Decimal | None:
    """Return ``text`` as a quantity (a comma may be the decimal mark), or ``None``.

    >>> parse_quantity("1,5")
    Decimal('1.5')
    >>> parse_quantity("x") is None
    True
    """
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def location_problem(location: dict[str, Any], boundary: str) -> str | None:
    """Return what is wrong with ``location`` inside ``boundary`` (GeoJSON text), or ``None``.

    The codes: ``"shape"`` (not a valid point or polygon), ``"no_boundary"`` (the unit has
    none on file), ``"outside"`` (not inside the unit).

    >>> square = '{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'
    >>> location_problem({"type": "Point", "coordinates": [0.5, 0.5]}, square) is None
    True
    >>> location_problem({"type": "Point", "coordinates": [2, 2]}, square)
    'outside'
    >>> location_problem({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, square)
    'shape'
    """
    if not isinstance(location, dict) or location.get("type") not in {"Point", "Polygon"}:
        return "shape"
    try:
        place = shape(location)
    except (ShapelyError, GEOSException, TypeError, ValueError, KeyError, IndexError):
        return "shape"
    if place.is_empty or not place.is_valid:
        return "shape"
    if not boundary:
        return "no_boundary"
    try:
        area = shape(json.loads(boundary))
    except (ShapelyError, GEOSException, TypeError, ValueError, KeyError):
        return "no_boundary"
    if not area.is_valid:
        area = area.buffer(0)
    return None if area.covers(place) else "outside"


def sniff_file(head: bytes, tail: bytes) -> str | None:
    """Return ``"photo"`` or ``"pdf"`` from a file's first and last bytes, or ``None``.

    A PDF starts with ``%PDF-`` and ends with ``%%EOF``; a JPEG starts with its SOI marker
    and ends with EOI; a PNG starts with its signature and IHDR and ends with IEND; a WebP
    is a RIFF container of kind WEBP.

    >>> sniff_file(b"%PDF-1.7\\n...", b"...\\n%%EOF\\n")
    'pdf'
    >>> sniff_file(b"MZ\\x90\\x00", b"")  # a program renamed photo.jpg
    """
    if head.startswith(b"%PDF-") and b"%%EOF" in tail[-1024:]:
        return PDF
    if head.startswith(b"\xff\xd8\xff") and b"\xff\xd9" in tail[-64:]:
        return PHOTO
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and b"IEND" in tail[-12:]:
        return PHOTO
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return PHOTO
    return None


def content_type(head: bytes, kind: str) -> str:
    """Return the media type of a file whose kind ``sniff_file`` found."""
    if kind == PDF:
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head[:4] == b"RIFF":
        return "image/webp"
    return "image/jpeg"


def photo_readable(file: IO[bytes]) -> bool:
    """Tell whether Pillow reads ``file`` as a whole image of at most 40 megapixels.

    A file may begin and end like a JPEG and hold anything in between: this opens and
    verifies it. The file is rewound afterwards.
    """
    try:
        file.seek(0)
        with Image.open(file) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                return False
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return False
    finally:
        file.seek(0)
    return True
