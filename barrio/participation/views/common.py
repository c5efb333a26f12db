"""What the participation pages and API share: service errors on forms, not-found pages,
and the client's address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest

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


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``.

    The connection's address, unless it is one of ``settings.BARRIO_TRUSTED_PROXIES``: then
    the right-most address of ``X-Forwarded-For`` that is not a trusted proxy (what the
    nearest untrusted hop told our proxy). Without a trusted proxy the header is ignored, so
    a client cannot choose the address it is counted under.
    """
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    trusted = set(settings.BARRIO_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return remote
