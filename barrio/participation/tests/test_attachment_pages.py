"""A proposal's photos are public once submitted; its documents (they may name people) only
for the group, the staff in scope and the committee members who score it."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.participation.models import Attachment
from barrio.participation.services import (
    attachment_add,
    proposal_submit,
    review_assign,
    review_declare,
)
from barrio.participation.tests.drafts import JPEG_BYTES, media, ready_proposal  # noqa: F401
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.review_factories import add_member, second_reviewer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def proposal_with_files(world):
    proposal = ready_proposal(world)
    attachment_add(
        actor=world.representative,
        proposal=proposal,
        upload=SimpleUploadedFile("calle.jpg", JPEG_BYTES, content_type="image/jpeg"),
        title="La calle hoy",
    )
    photo = proposal.attachments.get(kind=Attachment.Kind.PHOTO)
    document = proposal.attachments.get(kind=Attachment.Kind.PDF)
    return proposal, photo, document


def url(attachment: Attachment) -> str:
    return f"/participation/attachments/{attachment.pk}/"


def test_a_draft_shows_its_files_only_to_its_group():
    world = build_world()
    _proposal, photo, document = proposal_with_files(world)
    public = Client()
    assert public.get(url(photo)).status_code == 404
    assert public.get(url(document)).status_code == 404
    group = signed_in_client(world.representative)
    assert group.get(url(photo)).status_code == 200
    assert group.get(url(document)).status_code == 200


def test_once_submitted_the_photo_is_public_and_the_document_is_not():
    world = build_world()
    proposal, photo, document = proposal_with_files(world)
    proposal_submit(actor=world.representative, proposal=proposal)
    public = Client(HTTP_ACCEPT_LANGUAGE="es")
    shown = public.get(url(photo))
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/jpeg"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert b"".join(shown.streaming_content) == JPEG_BYTES
    assert public.get(url(document)).status_code == 404
    page = public.get(f"/participation/proposals/{proposal.pk}/").content.decode()
    assert f'<img src="{url(photo)}" alt="La calle hoy"' in page
    assert url(document) not in page


def test_staff_download_the_document_and_the_read_is_audited():
    world = build_world()
    proposal, _photo, document = proposal_with_files(world)
    proposal_submit(actor=world.representative, proposal=proposal)
    staff = signed_in_client(world.team)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    download = staff.get(url(document))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    page = staff.get(f"/participation/proposals/{proposal.pk}/").content.decode()
    assert url(document) in page


def test_a_committee_member_reads_the_documents_until_declaring_a_conflict():
    world = build_world()
    proposal, _photo, document = proposal_with_files(world)
    proposal_submit(actor=world.representative, proposal=proposal)
    member = add_member(world)
    other_user, _other = second_reviewer(world)
    assignment = review_assign(actor=world.manager, proposal=proposal, member=member)
    reviewer = signed_in_client(world.reviewer)
    assert reviewer.get(url(document)).status_code == 200
    review_page = reviewer.get(f"/participation/review/assignments/{assignment.pk}/")
    assert url(document) in review_page.content.decode()
    # A member of the committee without this proposal does not read its documents.
    assert signed_in_client(other_user).get(url(document)).status_code == 404
    review_declare(actor=world.reviewer, assignment=assignment, conflict=True, reason="Vecina")
    assert reviewer.get(url(document)).status_code == 404
