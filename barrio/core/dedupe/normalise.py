"""Normalise the fields of people records before they are compared.

Each function here is pure and works on one value; :func:`prepare_records` applies the
same rules to whole columns at once (pandas string methods, no Python loop over rows), so
a registry of a million people is prepared in seconds. A test checks that both give the
same result.

Names are folded to lower-case ASCII (accents and the tilde dropped, so "Muñoz" and
"MUNOZ" are equal), punctuation becomes a space, spaces are collapsed, and the Spanish
particles of compound surnames ("de", "del", "la", …) are dropped when other words remain
("De la Cruz" and "Cruz" are equal). :func:`phonetic_key` then writes a name as it sounds
in Spanish, so that transliterations of the same name ("Yusmary"/"Yusmari",
"Jhonny"/"Johnny", "Velásquez"/"Belásquez"/"Velazquez") share a key.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Final

__all__ = [
    "DOCUMENT_TYPE_ALIASES",
    "PARTICLES",
    "fold_text",
    "normalise_birth_date",
    "normalise_document_number",
    "normalise_document_type",
    "normalise_name",
    "normalise_phone",
    "normalise_sex",
    "phonetic_key",
]

#: Words dropped from names when other words remain ("María de los Ángeles" → "maria angeles").
PARTICLES: Final = frozenset({"de", "del", "la", "las", "los", "y", "da", "do", "dos", "van"})

#: Spellings of the same document type, folded (see :func:`normalise_document_type`).
DOCUMENT_TYPE_ALIASES: Final[dict[str, str]] = {
    "PASAPORTE": "PASSPORT",
    "PAS": "PASSPORT",
    "PASS": "PASSPORT",
    "CARNET DE EXTRANJERIA": "CE",
    "CARNE DE EXTRANJERIA": "CE",
    "PERMISO TEMPORAL DE PERMANENCIA": "PTP",
    "CARNET DE PERMISO TEMPORAL DE PERMANENCIA": "CPP",
    "PERMISO ESPECIAL DE PERMANENCIA": "PEP",
    "PERMISO POR PROTECCION TEMPORAL": "PPT",
    "CEDULA": "CEDULA",
    "CEDULA DE IDENTIDAD": "CEDULA",
    "CEDULA DE CIUDADANIA": "CC",
    "DOCUMENTO NACIONAL DE IDENTIDAD": "DNI",
}

# How a folded Spanish name sounds, as ordered (pattern, replacement) rules. Order
# matters: soft "g" (ge, gi) becomes "j" before "gue"/"gui" lose their silent "u".
PHONETIC_RULES: Final[tuple[tuple[str, str], ...]] = (
    (r"[^a-z]", ""),
    (r"ph", "f"),
    (r"ch", "0"),  # a placeholder: "ch" is one sound, kept apart from "c" and "h"
    (r"sh", "0"),
    (r"h", ""),
    (r"g(?=[ei])", "j"),
    (r"gu(?=[ei])", "g"),
    (r"qu(?=[ei])", "k"),
    (r"c(?=[ei])", "s"),
    (r"[cq]", "k"),
    (r"z", "s"),
    (r"x", "ks"),
    (r"v", "b"),
    (r"w", "u"),
    (r"ll", "y"),
    (r"y(?![aeiou])", "i"),
    (r"(.)\1+", r"\1"),
)
_PHONETIC: Final = tuple((re.compile(p), r) for p, r in PHONETIC_RULES)
_NOT_WORD: Final = re.compile(r"[^a-z0-9 ]+")
_SPACES: Final = re.compile(r"\s+")
# ASCII classes on purpose: the column-wise versions in schema.py use Arrow's RE2, whose
# \d is ASCII only, and both must agree.
_NOT_DIGIT: Final = re.compile(r"[^0-9]+")
_NOT_ALNUM: Final = re.compile(r"[^A-Za-z0-9]+")
_SEXES: Final[dict[str, str]] = {
    "f": "F",
    "female": "F",
    "femenino": "F",
    "mujer": "F",
    "feminino": "F",
    "m": "M",
    "male": "M",
    "masculino": "M",
    "hombre": "M",
    "h": "M",
    "x": "X",
    "other": "X",
    "otro": "X",
}

#: Shortest and longest phone numbers kept; digits beyond the last ``PHONE_DIGITS`` are a
#: country or trunk prefix that people write or omit at will.
PHONE_DIGITS: Final = 9
MIN_PHONE_DIGITS: Final = 6


def fold_text(value: str | None) -> str | None:
    """Fold a text to lower-case ASCII words separated by single spaces.

    Accents and the tilde are dropped, every other character that is not a letter or a
    digit becomes a space.

    Parameters
    ----------
    value : str or None
        Any text.

    Returns
    -------
    str or None
        The folded text, or None when nothing is left.

    Examples
    --------
    >>> fold_text("  MUÑOZ-Peña ")
    'munoz pena'
    >>> fold_text("D'Ángelo") is None, fold_text(" - ") is None
    (False, True)
    >>> fold_text("D'Ángelo")
    'd angelo'
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    text = _SPACES.sub(" ", _NOT_WORD.sub(" ", text.lower())).strip()
    return text or None


def normalise_name(value: str | None) -> str | None:
    """Normalise a name: folded (see :func:`fold_text`), digits and particles dropped.

    Particles ("de", "del", "la", …, see :data:`PARTICLES`) are dropped unless nothing
    else is left.

    Parameters
    ----------
    value : str or None
        Given names or one family name, as written.

    Returns
    -------
    str or None
        The normalised name, or None when it is empty.

    Examples
    --------
    >>> normalise_name("  De la CRUZ ")
    'cruz'
    >>> normalise_name("María de los Ángeles")
    'maria angeles'
    >>> normalise_name("De"), normalise_name("O'Higgins"), normalise_name("123")
    ('de', 'o higgins', None)
    """
    folded = fold_text(value)
    if folded is None:
        return None
    words = [w for w in folded.split() if not w.isdigit()]
    kept = [w for w in words if w not in PARTICLES]
    return " ".join(kept or words) or None


def phonetic_key(value: str | None) -> str | None:
    """Write a normalised name as it sounds in Spanish.

    "h" is silent, "b"/"v", "s"/"z"/soft "c", "ll"/"y", a final "y"/"i", "k"/"qu"/hard
    "c", "j"/soft "g" sound alike, and doubled letters count once (see
    :data:`PHONETIC_RULES`). Spaces are dropped, so pass one word for a word's key.

    Parameters
    ----------
    value : str or None
        A name normalised by :func:`normalise_name`.

    Returns
    -------
    str or None
        The key, or None when it is empty.

    Examples
    --------
    >>> [phonetic_key(n) for n in ("yusmary", "yusmari", "jhonny", "johnny")]
    ['yusmari', 'yusmari', 'joni', 'joni']
    >>> [phonetic_key(n) for n in ("velasquez", "belazquez", "guillermo", "gerardo")]
    ['belaskes', 'belaskes', 'giyermo', 'jerardo']
    >>> phonetic_key("chavez"), phonetic_key(None)
    ('0abes', None)
    """
    if value is None:
        return None
    key = value
    for pattern, replacement in _PHONETIC:
        key = pattern.sub(replacement, key)
    return key or None


def normalise_phone(value: str | None) -> str | None:
    """Keep the last digits of a phone number (see :data:`PHONE_DIGITS`).

    A number with fewer than :data:`MIN_PHONE_DIGITS` digits, or all of one digit
    ("000000000", a placeholder), is treated as missing.

    Parameters
    ----------
    value : str or None
        A phone number as written, with or without country code.

    Returns
    -------
    str or None
        Up to nine digits, or None.

    Examples
    --------
    >>> normalise_phone("+51 987-654-321"), normalise_phone("0051 (987) 654 321")
    ('987654321', '987654321')
    >>> normalise_phone("12-34"), normalise_phone("999 999 999"), normalise_phone(None)
    (None, None, None)
    """
    if value is None:
        return None
    digits = _NOT_DIGIT.sub("", str(value))[-PHONE_DIGITS:]
    if len(digits) < MIN_PHONE_DIGITS or len(set(digits)) == 1:
        return None
    return digits


def normalise_document_number(value: str | None) -> str | None:
    """Upper-case letters and digits of a document number, without leading zeros.

    Parameters
    ----------
    value : str or None
        A document number as written ("V-12.345.678", "0045 123 456").

    Returns
    -------
    str or None
        The number, or None when nothing is left.

    Examples
    --------
    >>> normalise_document_number("v-12.345.678"), normalise_document_number("0045 123 456")
    ('V12345678', '45123456')
    >>> normalise_document_number(" - "), normalise_document_number("000")
    (None, None)
    """
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", str(value))
    number = _NOT_ALNUM.sub("", folded).upper().lstrip("0")
    return number or None


def normalise_document_type(value: str | None) -> str | None:
    """Upper-case, folded document type, with known spellings unified.

    Parameters
    ----------
    value : str or None
        A document type as written ("Pasaporte", "PASSPORT", "Carnet de extranjería").

    Returns
    -------
    str or None
        The type (see :data:`DOCUMENT_TYPE_ALIASES`), or None.

    Examples
    --------
    >>> normalise_document_type("Pasaporte"), normalise_document_type("carné de extranjería")
    ('PASSPORT', 'CE')
    >>> normalise_document_type("cpp"), normalise_document_type("")
    ('CPP', None)
    """
    folded = fold_text(value)
    if folded is None:
        return None
    upper = folded.upper()
    return DOCUMENT_TYPE_ALIASES.get(upper, upper)


def normalise_sex(value: str | None) -> str | None:
    """``F``, ``M`` or ``X`` from the usual Spanish, Portuguese and English words.

    Parameters
    ----------
    value : str or None
        "F", "mujer", "Masculino", …

    Returns
    -------
    str or None
        The code, or None when empty.

    Raises
    ------
    ValueError
        If the value is not a known word for a sex (the message does not quote it: a
        caller may log it).

    Examples
    --------
    >>> normalise_sex("Mujer"), normalise_sex(" m "), normalise_sex("")
    ('F', 'M', None)
    >>> normalise_sex("maybe")
    Traceback (most recent call last):
    ValueError: unknown sex: use F, M or X
    """
    folded = fold_text(value)
    if folded is None:
        return None
    try:
        return _SEXES[folded]
    except KeyError:
        raise ValueError("unknown sex: use F, M or X") from None


def normalise_birth_date(value: str | date | None) -> str | None:
    """A birth date as an ISO string ``YYYY-MM-DD``.

    Parameters
    ----------
    value : str, date, datetime or None
        A date, or a string in ISO form (``1990-03-21``, a time part is ignored).

    Returns
    -------
    str or None
        The ISO date, or None when empty.

    Raises
    ------
    ValueError
        If the string is not a valid ISO date (the message does not quote it).

    Examples
    --------
    >>> normalise_birth_date("1990-03-21"), normalise_birth_date(date(2001, 1, 2))
    ('1990-03-21', '2001-01-02')
    >>> normalise_birth_date(" "), normalise_birth_date(None)
    (None, None)
    >>> normalise_birth_date("1990-02-30")
    Traceback (most recent call last):
    ValueError: invalid birth date: use YYYY-MM-DD
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ValueError("invalid birth date: use YYYY-MM-DD") from None
