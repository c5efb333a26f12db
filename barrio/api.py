"""The JSON API under ``/api/v1/``: one NinjaAPI, one router per app, one error shape.

Every failure answers ``{"code", "message", "errors": [{"loc", "msg"}]}`` with a stable code
and a translated message; bad input is a 4xx, never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from barrio.accounts.api import router as accounts_router
from barrio.accounts.audit import access_denied_record
from barrio.accounts.services import api_token_authenticate
from barrio.errors import BarrioError
from barrio.jobs.api import router as jobs_router
from barrio.participation.api import router as participation_router
from barrio.planning.api import router as planning_router
from barrio.portal.api import router as portal_router
from barrio.registry.api import router as registry_router
from barrio.territories.api import router as territories_router

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer barrio_…``: a personal API token of a machine client."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        writes = request.method not in {"GET", "HEAD", "OPTIONS"}
        user = api_token_authenticate(plain=token, writes=writes)
        if user is None:
            return None
        request.user = user
        request.barrio_token_auth = True  # type: ignore[attr-defined]
        return user


#: Pages' session (with CSRF on writes) or a personal API token.
session_or_token = [django_auth, TokenAuth()]

# The interactive docs render Swagger UI from our static files; it sets inline styles.
docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})

api = NinjaAPI(
    title="Barrio API",
    version="1",
    description=_("Programmes, territories, participation, works and registries of Barrio."),
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=docs_csp,
    auth=session_or_token,
)


def error_response(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    """Answer ``status`` with ``body`` in the API's one error shape; record refusals."""
    if status in {401, 403, 404}:
        access_denied_record(
            user=getattr(request, "user", None),
            method=request.method or "",
            path=request.path,
            status=status,
            code=str(body.get("code", "")),
            remote_addr=request.META.get("REMOTE_ADDR"),
            credentials_given="HTTP_AUTHORIZATION" in request.META,
        )
    return api.create_response(request, body, status=status)


def _shape(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "errors": errors or []}


@api.exception_handler(BarrioError)
def _barrio_error(request: HttpRequest, exc: BarrioError) -> HttpResponse:
    return error_response(request, exc.status, exc.as_dict())


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return error_response(
        request, 422, _shape("invalid", _("Some of the data is not valid."), errors)
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, _shape("not_authenticated", _("Sign in or send a valid API token."))
    )


@api.exception_handler(AuthorizationError)
def _authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(
        request, 403, _shape("permission_denied", _("You are not allowed to do this."))
    )


@api.exception_handler(DjangoPermissionDenied)
def _permission_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return error_response(
        request, 403, _shape("permission_denied", _("You are not allowed to do this."))
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, _shape("not_found", _("Not found.")))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        401: "not_authenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
    }
    code = codes.get(exc.status_code, "error")
    return error_response(request, exc.status_code, _shape(code, str(exc.message)))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug, not bad input: keep the details in the log, show none of them.
    logger.exception("Unhandled error in the API.")
    return error_response(
        request, 500, _shape("server_error", _("Something went wrong on our side."))
    )


api.add_router("/", accounts_router)
api.add_router("/jobs", jobs_router)
api.add_router("/", territories_router)
api.add_router("/", portal_router)
api.add_router("/", planning_router)
api.add_router("/", registry_router)
api.add_router("/", participation_router)
