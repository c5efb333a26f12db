"""Template filters of cash assistance: amounts in cents shown in the reader's locale."""

from __future__ import annotations

from django import template

from barrio.money import format_cents

register = template.Library()


@register.filter
def cents(value: int | None, currency: str) -> str:
    """``{{ cycle.budget_cents|cents:cycle.currency }}`` → ``1.234,56 PEN`` (es)."""
    if value is None:
        return "—"
    return format_cents(int(value), currency)
