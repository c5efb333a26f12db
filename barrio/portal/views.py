"""Pages of the public portal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The home page: what Barrio is, and the programmes the visitor may see.

    The programmes come from the context processor that also fills the header's switcher.
    """
    return render(request, "portal/home.html")
