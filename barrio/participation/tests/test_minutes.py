"""Minutes as PDF: they open, they say what the committee and the assembly did, offline."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from pypdf import PdfReader

from barrio.errors import NotAuthenticated, NotFound
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.services import (
    assembly_create,
    assembly_minutes_pdf,
    attendance_record,
    committee_elect,
    review_decide,
    review_minutes_pdf,
    tally_record,
)
from barrio.participation.services.minutes import LocalOnlyFetcher
from barrio.participation.tests.factories import build_world, make_proposal
from barrio.participation.tests.review_factories import add_member, scored, second_reviewer

pytestmark = pytest.mark.django_db
S = ProposalStatus


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_committee_minutes_list_titles_scores_reasons_and_decisions() -> None:
    world = build_world()
    first = make_proposal(world, status=S.SUBMITTED, title="Parque de bolsillo")
    second = make_proposal(world, status=S.SUBMITTED, title="Luminarias calle Mina")
    member = add_member(world)
    _user, other = second_reviewer(world)
    scored(world, first, member, {"feasibility": 5, "impact": 3})
    scored(world, first, other, {"feasibility": 4, "impact": 4})
    scored(world, second, member, {"feasibility": 1, "impact": 1})
    review_decide(actor=world.manager, proposal=first, outcome=S.ADMITTED)
    text = _text(review_minutes_pdf(actor=world.manager, call=world.call))
    assert "Acta del comité técnico" in text
    assert "Parque de bolsillo" in text
    assert "Luminarias calle Mina" in text
    assert "82.00" in text or "82,00" in text
    assert "20.00" in text or "20,00" in text
    assert "Razón de feasibility." in text
    assert "Admitida" in text
    assert "SEDUVI" in text


def test_assembly_minutes_show_votes_and_committees_and_the_read_is_audited() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.ADMITTED, title="Centro comunitario Guerrero")
    assembly = assembly_create(
        actor=world.team,
        call=world.call,
        unit=world.group.unit,
        held_at=timezone.now() - dt.timedelta(hours=1),
        place="Explanada de la iglesia",
        proposals=[proposal],
        quorum_min_attendees=2,
    )
    attendance_record(actor=world.team, assembly=assembly, names=["Rosa Pérez", "Juan", "Eva"])
    tally_record(
        actor=world.team,
        assembly=assembly,
        proposal=proposal,
        votes_for=2,
        votes_against=1,
        abstentions=0,
    )
    committee_elect(
        actor=world.team,
        assembly=assembly,
        proposal=proposal,
        kind="administration",
        members=[("Rosa Pérez", "president")],
    )
    text = _text(assembly_minutes_pdf(actor=world.manager, assembly=assembly))
    assert "Centro comunitario Guerrero" in text
    assert "Explanada de la iglesia" in text
    assert "Rosa Pérez" in text
    assert "Comité de administración" in text
    assert (
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, object_repr__startswith="residentcommitteemember"
        ).count()
        == 1
    )
    with pytest.raises(NotFound):
        assembly_minutes_pdf(actor=world.reviewer, assembly=assembly)
    with pytest.raises(NotAuthenticated):
        assembly_minutes_pdf(actor=AnonymousUser(), assembly=assembly)


def test_the_public_and_members_get_no_committee_minutes() -> None:
    world = build_world()
    with pytest.raises(NotAuthenticated):
        review_minutes_pdf(actor=AnonymousUser(), call=world.call)
    with pytest.raises(NotFound):
        review_minutes_pdf(actor=world.representative, call=world.call)


def test_rendering_fetches_nothing_remote() -> None:
    """The fetcher opens data: URLs only; a remote image is left out, not fetched."""
    with pytest.raises(ValueError, match="disallowed protocol"):
        LocalOnlyFetcher().fetch("https://example.org/logo.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        LocalOnlyFetcher().fetch("file:///etc/passwd")
