"""Amounts of money as people read them: integer cents shown in the locale, with the currency.

Barrio keeps money as integer cents (never floats); this module only formats it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def format_cents(cents: int, currency: str) -> str:
    """Return ``cents`` as an amount in the active locale followed by its currency code.

    >>> from django.utils import translation
    >>> with translation.override("en"):
    ...     format_cents(123456789, "MXN")
    '1,234,567.89 MXN'
    """
    amount = number_format(Decimal(cents) / 100, decimal_pos=2, force_grouping=True)
    return f"{amount} {currency}"
