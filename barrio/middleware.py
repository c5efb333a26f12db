"""Middleware of the project."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiErrorShapeMiddleware:
    """Give the API's one error shape to failures answered outside its handlers.

    Django answers an unknown API address (404) and django-ninja a wrong method (405) in
    plain text or HTML; a client of the API gets ``{"code", "message", "errors"}`` instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        shapes = {
            404: ("not_found", _("Not found.")),
            405: ("method_not_allowed", _("This method is not allowed here.")),
        }
        code, message = shapes.get(response.status_code, ("error", _("The request failed.")))
        shaped = HttpResponse(
            json.dumps({"code": code, "message": message, "errors": []}),
            status=response.status_code,
            content_type="application/json",
        )
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped
