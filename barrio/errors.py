"""The one family of domain errors, and the one shape every API failure takes.

A service raises a :class:`BarrioError` (or a subclass) with a stable ``code``, a translated
message and optional field errors; the API turns it into::

    {"code": "...", "message": "...", "errors": [{"loc": ["body", "name"], "msg": "..."}]}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldError:
    """One problem in the input: where it is (a field path, with a row for files) and what."""

    loc: tuple[str | int, ...]
    msg: str | Promise

    def as_dict(self) -> dict[str, Any]:
        """Return the error in the API's shape, the message translated."""
        return {"loc": list(self.loc), "msg": str(self.msg)}

    def describe(self) -> str:
        """Return the error as one line for a terminal: ``row 4 value: not a number``."""
        return f"{' '.join(str(part) for part in self.loc)}: {self.msg}"


class BarrioError(Exception):
    """Base of every domain error: a stable code, a translated message, an HTTP status."""

    code = "error"
    status = 400
    default_message: str | Promise = _("The request could not be carried out.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        errors: Sequence[FieldError] = (),
        code: str | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.errors = tuple(errors)
        if code is not None:
            self.code = code
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        """Return the error in the API's shape."""
        return {
            "code": self.code,
            "message": str(self.message),
            "errors": [error.as_dict() for error in self.errors],
        }


class ValidationFailed(BarrioError):
    """The input is not valid; ``errors`` says where and why."""

    code = "invalid"
    status = 422
    default_message = _("Some of the data is not valid.")


class NotAuthenticated(BarrioError):
    """The request needs a signed-in user or a valid API token."""

    code = "not_authenticated"
    status = 401
    default_message = _("Sign in or send a valid API token.")


class PermissionDenied(BarrioError):
    """The user may not do this here."""

    code = "permission_denied"
    status = 403
    default_message = _("You are not allowed to do this.")


class NotFound(BarrioError):
    """The object does not exist, or the user may not know that it exists."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(BarrioError):
    """The request conflicts with the current state of the object."""

    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state of the data.")


T = TypeVar("T")


def in_payload(call: Callable[[], T]) -> T:
    """Run a service for an API endpoint whose body schema ninja names ``payload``, and place
    the service's field errors where ninja places its own: ``("body", "payload", <field>...)``.

    Services name a field either bare (``("title",)``) or under the body
    (``("body", "title")``); both end up under ``body.payload``.
    """
    try:
        return call()
    except ValidationFailed as error:
        errors = [
            FieldError(
                ("body", "payload", *(e.loc[1:] if e.loc[:1] == ("body",) else e.loc)), e.msg
            )
            for e in error.errors
        ]
        raise ValidationFailed(error.message, errors=errors, code=error.code) from error
