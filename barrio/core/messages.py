"""Text messages to beneficiaries: named placeholders and the length of an SMS.

A template is plain text with named placeholders in braces (``Hola {given_name}, su pago
de {amount} está disponible desde el {date}.``). Placeholders are found with a regular
expression and replaced from a mapping of strings: no ``str.format``, no ``eval``, so a
template can reach nothing but the values it is given (``{0.__class__}`` or ``{amount!r}``
are not placeholders, they are errors).

An SMS carries 160 characters of the GSM 03.38 7-bit alphabet, or 70 UCS-2 characters as
soon as one character is outside it (``á``, ``í``, ``ó``, ``ú``, ``ã``, ``ç`` and emoji
are). The characters of the alphabet's extension table (``€ [ ] { } \\ ^ ~ |`` and form
feed) take two septets. A longer message is split into segments of 153 septets (GSM-7) or
67 UTF-16 units (UCS-2), the rest of each segment holding the concatenation header; an
escape pair or a surrogate pair is never split between two segments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "SmsLength",
    "is_gsm7",
    "placeholders",
    "render",
    "sms_length",
    "unknown_placeholders",
]

#: The GSM 03.38 default alphabet (one septet each); ESC (0x1B) is left out.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The extension table: each character is sent as ESC + itself, two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_TOKEN = re.compile(r"\{([a-z][a-z0-9_]{0,39})\}")
_BRACE = re.compile(r"[{}]")


@dataclass(frozen=True)
class SmsLength:
    """How long a text is as an SMS.

    Attributes
    ----------
    encoding : {"gsm7", "ucs2"}
        GSM-7 when every character is in the GSM 03.38 alphabet, UCS-2 otherwise.
    units : int
        Septets (GSM-7, extension characters counting two) or UTF-16 code units (UCS-2).
    segments : int
        How many SMS the text takes (0 for an empty text).
    per_segment : int
        The capacity of one segment at this length: 160/70 for one SMS, 153/67 for several.
    """

    encoding: Literal["gsm7", "ucs2"]
    units: int
    segments: int
    per_segment: int

    @property
    def fits_one(self) -> bool:
        """Tell whether the text fits one SMS."""
        return self.segments <= 1


def is_gsm7(text: str) -> bool:
    """Tell whether every character of ``text`` is in the GSM 03.38 alphabet or its extension.

    Examples
    --------
    >>> is_gsm7("Hola María"), is_gsm7("Hola Maria"), is_gsm7("Pago: 10 €")
    (False, True, True)
    """
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _pack(sizes: Iterable[int], single: int, part: int) -> tuple[int, int]:
    """Return (total units, segments) for characters of the given sizes, never splitting one."""
    sizes = list(sizes)
    total = sum(sizes)
    if total == 0:
        return 0, 0
    if total <= single:
        return total, 1
    segments, used = 1, 0
    for size in sizes:
        if used + size > part:
            segments += 1
            used = 0
        used += size
    return total, segments


def sms_length(text: str) -> SmsLength:
    """Count the septets or UTF-16 units of ``text`` and the SMS segments it takes.

    Parameters
    ----------
    text : str
        The message as it will be sent (placeholders already replaced).

    Returns
    -------
    SmsLength
        The encoding, the units, the segments and the capacity per segment.

    Examples
    --------
    >>> sms_length("a" * 160)
    SmsLength(encoding='gsm7', units=160, segments=1, per_segment=160)
    >>> sms_length("a" * 161).segments
    2
    >>> sms_length("€" * 80).units, sms_length("€" * 80).segments
    (160, 1)
    >>> sms_length("Está listo.")
    SmsLength(encoding='ucs2', units=11, segments=1, per_segment=70)
    """
    if is_gsm7(text):
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        units, segments = _pack(sizes, GSM7_SINGLE, GSM7_PART)
        per = GSM7_SINGLE if segments <= 1 else GSM7_PART
        return SmsLength("gsm7", units, segments, per)
    sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    units, segments = _pack(sizes, UCS2_SINGLE, UCS2_PART)
    per = UCS2_SINGLE if segments <= 1 else UCS2_PART
    return SmsLength("ucs2", units, segments, per)


def placeholders(text: str) -> tuple[str, ...]:
    """Return the names of the placeholders of ``text``, in order, each once.

    A placeholder is a lower-case name in braces, ``{given_name}``. Any other brace (a
    lone ``{``, ``{0}``, ``{amount!r}``, ``{a.b}``) is refused.

    Raises
    ------
    ValueError
        When a brace is not part of a placeholder, naming its position.

    Examples
    --------
    >>> placeholders("Hola {given_name}, {amount} el {date}; {given_name}.")
    ('given_name', 'amount', 'date')
    >>> placeholders("{0.__class__}")
    Traceback (most recent call last):
    ...
    ValueError: Brace at position 0 is not part of a placeholder such as {given_name}.
    """
    names: list[str] = []
    covered: set[int] = set()
    for match in _TOKEN.finditer(text):
        covered.update((match.start(), match.end() - 1))
        if match.group(1) not in names:
            names.append(match.group(1))
    for brace in _BRACE.finditer(text):
        if brace.start() not in covered:
            raise ValueError(
                f"Brace at position {brace.start()} is not part of a placeholder such as "
                "{given_name}."
            )
    return tuple(names)


def unknown_placeholders(text: str, allowed: Iterable[str]) -> tuple[str, ...]:
    """Return the placeholders of ``text`` that are not in ``allowed`` (empty when all are).

    Raises
    ------
    ValueError
        When a brace is not part of a placeholder (see :func:`placeholders`).

    Examples
    --------
    >>> unknown_placeholders("Hola {given_name} {password}", {"given_name", "amount"})
    ('password',)
    """
    permitted = set(allowed)
    return tuple(name for name in placeholders(text) if name not in permitted)


def render(text: str, values: Mapping[str, str]) -> str:
    """Replace each placeholder of ``text`` by its value; the values are used as they are.

    A value that itself contains braces is not expanded again.

    Raises
    ------
    ValueError
        When a placeholder has no value, or a brace is not part of a placeholder.

    Examples
    --------
    >>> render("Hola {given_name}, cobre {amount}.", {"given_name": "Ana", "amount": "S/ 50,00"})
    'Hola Ana, cobre S/ 50,00.'
    >>> render("Hola {given_name}", {"given_name": "{amount}", "amount": "x"})
    'Hola {amount}'
    """
    missing = [name for name in placeholders(text) if name not in values]
    if missing:
        raise ValueError(f"No value for the placeholder(s): {', '.join(missing)}.")
    return _TOKEN.sub(lambda match: str(values[match.group(1)]), text)
