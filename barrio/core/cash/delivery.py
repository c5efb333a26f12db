"""Delivery mechanisms and providers: what each needs to pay a household, and checks of it.

A household is paid by one provider (a bank, a mobile wallet such as Yape, Plin, Nequi or
Daviplata, a cash pick-up network, a voucher issuer). Each provider needs its own fields
(an account number, a phone registered with the wallet, the collector's document...);
:func:`check_details` says which are missing or malformed, as codes the caller words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "MECHANISMS",
    "PROVIDERS",
    "DetailField",
    "Provider",
    "check_details",
    "clean_details",
]

#: How money reaches a household.
MECHANISMS = ("bank_account", "mobile_wallet", "cash_pickup", "voucher")


@dataclass(frozen=True)
class DetailField:
    """A field a provider needs, with the pattern its value must match (after trimming)."""

    name: str
    pattern: str


@dataclass(frozen=True)
class Provider:
    """A payment provider: its code, name, country, mechanism and required fields."""

    code: str
    name: str
    country: str
    mechanism: str
    fields: tuple[DetailField, ...]


_DOCUMENT = DetailField("collector_document", r"[A-Za-z0-9-]{5,20}")
_PE_PHONE = DetailField("phone", r"9\d{8}")
_CO_PHONE = DetailField("phone", r"3\d{9}")
_PE_CCI = DetailField("cci", r"\d{20}")

#: The providers Barrio knows, by code (Peru and Colombia first).
PROVIDERS: dict[str, Provider] = {
    p.code: p
    for p in (
        Provider(
            "bcp",
            "BCP",
            "PE",
            "bank_account",
            (DetailField("account_number", r"\d{13,14}"), _PE_CCI),
        ),
        Provider(
            "interbank",
            "Interbank",
            "PE",
            "bank_account",
            (DetailField("account_number", r"\d{13}"), _PE_CCI),
        ),
        Provider("yape", "Yape", "PE", "mobile_wallet", (_PE_PHONE,)),
        Provider("plin", "Plin", "PE", "mobile_wallet", (_PE_PHONE,)),
        Provider("western_union_pe", "Western Union (Perú)", "PE", "cash_pickup", (_DOCUMENT,)),
        Provider(
            "bancolombia",
            "Bancolombia",
            "CO",
            "bank_account",
            (
                DetailField("account_type", r"savings|checking"),
                DetailField("account_number", r"\d{11}"),
            ),
        ),
        Provider("nequi", "Nequi", "CO", "mobile_wallet", (_CO_PHONE,)),
        Provider("daviplata", "Daviplata", "CO", "mobile_wallet", (_CO_PHONE,)),
        Provider("efecty", "Efecty", "CO", "cash_pickup", (_DOCUMENT,)),
        Provider(
            "voucher",
            "Voucher",
            "",
            "voucher",
            (_DOCUMENT, DetailField("voucher_series", r"[A-Z0-9]{4,12}")),
        ),
    )
}


def check_details(provider_code: str, details: Mapping[str, str]) -> list[tuple[str, str]]:
    """Problems of a household's payment details for a provider, as ``(field, problem)``.

    ``problem`` is ``"unknown_provider"``, ``"missing"`` or ``"format"``; an empty list
    means the provider can pay with these details. Spaces and dashes in phones and
    account numbers are ignored.

    Examples
    --------
    >>> check_details("yape", {"phone": "987 654 321"})
    []
    >>> check_details("yape", {"phone": "12345"})
    [('phone', 'format')]
    >>> check_details("bcp", {"account_number": "1912345678901"})
    [('cci', 'missing')]
    >>> check_details("paypal", {})
    [('provider', 'unknown_provider')]
    """
    provider = PROVIDERS.get(provider_code)
    if provider is None:
        return [("provider", "unknown_provider")]
    problems = []
    for field in provider.fields:
        value = _clean(field.name, details.get(field.name))
        if not value:
            problems.append((field.name, "missing"))
        elif not re.fullmatch(field.pattern, value):
            problems.append((field.name, "format"))
    return problems


def _clean(name: str, raw: object) -> str:
    text = str(raw or "").strip()
    return text if name == "collector_document" else re.sub(r"[\s-]", "", text)


def clean_details(provider_code: str, details: Mapping[str, str]) -> dict[str, str]:
    """The fields ``provider_code`` needs, as checked (no spaces or dashes in numbers).

    Fields the provider does not need are dropped.

    Examples
    --------
    >>> clean_details("nequi", {"phone": "310 123-4567", "cci": "1"})
    {'phone': '3101234567'}
    >>> clean_details("paypal", {})
    Traceback (most recent call last):
    ...
    ValueError: unknown payment provider 'paypal'
    """
    provider = PROVIDERS.get(provider_code)
    if provider is None:
        raise ValueError(f"unknown payment provider {provider_code!r}")
    return {field.name: _clean(field.name, details.get(field.name)) for field in provider.fields}
