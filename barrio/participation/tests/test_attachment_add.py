"""attachment_add: photos and PDFs, their type read from the content, their size limited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.content import MAX_PHOTO_BYTES
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import Attachment
from barrio.participation.services import attachment_add, attachment_remove
from barrio.participation.tests.drafts import JPEG_BYTES, PDF_BYTES, media, pdf  # noqa: F401
from barrio.participation.tests.factories import build_world, make_proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_a_pdf_and_a_photo_are_attached_with_their_checked_type() -> None:
    world = build_world()
    proposal = make_proposal(world)
    document = attachment_add(
        actor=world.representative,
        proposal=proposal,
        upload=pdf(),
        title="Acta",
        document="Acta de asamblea constitutiva",
    )
    photo = attachment_add(
        actor=world.representative,
        proposal=proposal,
        upload=SimpleUploadedFile("predio.jpg", JPEG_BYTES),
        title="El predio hoy",
    )
    assert (document.kind, document.content_type, document.size) == (
        "pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert (photo.kind, photo.content_type) == ("photo", "image/jpeg")
    assert len(document.sha256) == 64
    attachment_remove(actor=world.representative, proposal=proposal, attachment_id=photo.pk)
    assert list(proposal.attachments.all()) == [document]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.jpg", b"MZ\x90\x00 a program, not a photo"),
        ("foto.jpg", b"\xff\xd8\xff" + b"\x00" * 100 + b"\xff\xd9"),  # a JPEG's ends only
        ("acta.pdf", b"%PDF-1.4 cut short"),  # no end of file
        ("vacio.pdf", b""),
        ("grande.jpg", b"\xff\xd8\xff" + b"\x00" * MAX_PHOTO_BYTES + b"\xff\xd9"),
    ],
)
def test_a_file_that_is_not_what_it_claims_or_too_large_is_refused(name, content) -> None:
    world = build_world()
    proposal = make_proposal(world)
    with pytest.raises(ValidationFailed) as caught:
        attachment_add(
            actor=world.representative,
            proposal=proposal,
            upload=SimpleUploadedFile(name, content),
            title="x",
        )
    assert caught.value.errors[0].loc == ("body", "file")
    assert not Attachment.objects.exists()


def test_a_document_the_call_does_not_ask_for_is_refused() -> None:
    world = build_world()
    proposal = make_proposal(world)
    with pytest.raises(ValidationFailed) as caught:
        attachment_add(
            actor=world.representative, proposal=proposal, upload=pdf(), title="x", document="Otro"
        )
    assert caught.value.errors[0].loc == ("body", "document")
    assert not Attachment.objects.exists()


def test_only_the_representative_attaches_and_only_to_a_draft() -> None:
    world = build_world()
    with pytest.raises(PermissionDenied):
        attachment_add(actor=world.manager, proposal=make_proposal(world), upload=pdf(), title="x")
    with pytest.raises(Conflict):
        attachment_add(
            actor=world.representative,
            proposal=make_proposal(world, status=ProposalStatus.SUBMITTED),
            upload=pdf(),
            title="x",
        )
    assert not Attachment.objects.exists()
