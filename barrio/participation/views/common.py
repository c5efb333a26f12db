"""What the participation pages share: service errors on forms, and not-found pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404

from barrio.errors import BarrioError, NotFound

T = TypeVar("T")


def found(read: Callable[[], T]) -> T:
    """Run a selector; its :class:`NotFound` becomes the 404 page."""
    try:
        return read()
    except NotFound as error:
        raise Http404 from error


def show_errors(form: Any, error: BarrioError, fields: dict[str, str] | None = None) -> None:
    """Put a service's errors on the fields they name (``("body", name, ...)``), the rest on
    the form; ``fields`` maps a service's field name to the form's where they differ."""
    if not error.errors:
        form.add_error(None, str(error.message))
    for field_error in error.errors:
        name = str(field_error.loc[1]) if len(field_error.loc) > 1 else ""
        name = (fields or {}).get(name, name)
        form.add_error(name if name in form.fields else None, str(field_error.msg))
