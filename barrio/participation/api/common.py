"""What the participation API modules share: error places and small output schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ninja import Schema

from barrio.errors import FieldError, ValidationFailed

T = TypeVar("T")


def with_payload(call: Callable[[], T]) -> T:
    """Run a service; name its body fields as ninja names them (``body.payload.<field>``)."""
    try:
        return call()
    except ValidationFailed as error:
        errors = [
            FieldError(("body", "payload", *e.loc[1:]) if e.loc[:1] == ("body",) else e.loc, e.msg)
            for e in error.errors
        ]
        raise ValidationFailed(error.message, errors=errors, code=error.code) from error


class UnitOut(Schema):
    id: int
    code: str
    name: str
