"""Minutes as PDF documents, rendered by WeasyPrint from our own templates.

Nothing is fetched over the network while rendering: the templates carry their styles
inline, fonts come from the system (DejaVu), and the URL fetcher refuses every URL but
``data:``. Reading the minutes of an assembly reads the names of the residents it elected:
the read is recorded in the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.errors import NotAuthenticated
from barrio.participation.selectors.assemblies import assembly_minutes_rows
from barrio.participation.selectors.reviews import committee_list, review_overview

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.accounts.models import Programme
    from barrio.participation.models import Assembly, Call


class LocalOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that opens ``data:`` URLs only (no network, no files)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True)


def render_pdf(template: str, context: dict[str, Any], *, language: str = "") -> bytes:
    """Render ``template`` with ``context`` to a PDF document, fetching nothing remote.

    Written in ``language`` (default: the active one).
    """
    with translation.override(language or translation.get_language()):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": translation.get_language()})
    document = HTML(string=html, base_url="data:,", url_fetcher=LocalOnlyFetcher())
    return bytes(document.write_pdf())


def _language(programme: Programme) -> str:
    """Minutes are written in the programme's first language."""
    return (programme.languages or [settings.LANGUAGE_CODE])[0]


def review_minutes_pdf(*, actor: User | AnonymousUser, call: Call) -> bytes:
    """Return the committee's minutes of ``call``: members, each proposal's scores and
    decision, for the proposals in the actor's staff scope.

    Raises
    ------
    NotAuthenticated
        For the public.
    NotFound
        When ``actor`` may see the review of no proposal of the programme.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    rows = review_overview(user=actor, call=call)
    return render_pdf(
        "participation/minutes/review.html",
        {
            "call": call,
            "programme": call.programme,
            "members": list(committee_list(call)),
            "criteria": list(call.criteria.all()),
            "rows": rows,
            "now": timezone.now(),
        },
        language=_language(call.programme),
    )


def assembly_minutes_pdf(*, actor: User | AnonymousUser, assembly: Assembly) -> bytes:
    """Return the minutes of ``assembly``: date, place, quorum, attendance, votes and results,
    and the committees it elected with their members' names (an audited read).

    Raises
    ------
    NotAuthenticated
        For the public.
    NotFound
        When ``actor`` may not see the assembly's record.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    minutes = assembly_minutes_rows(user=actor, assembly=assembly)
    audit_personal_data_read(
        actor=actor,
        objects=minutes.elected,
        channel=Channel.EXPORT,
        programme=assembly.call.programme,
        reason="assembly minutes",
    )
    return render_pdf(
        "participation/minutes/assembly.html",
        {
            "assembly": minutes.assembly,
            "programme": assembly.call.programme,
            "minutes": minutes,
            "now": timezone.now(),
        },
        language=_language(assembly.call.programme),
    )
