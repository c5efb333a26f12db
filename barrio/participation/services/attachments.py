"""What a group adds to its proposal besides its text: files and supporting signatures."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from barrio.crypto import blind_index
from barrio.errors import FieldError
from barrio.participation.content import (
    MAX_PDF_BYTES,
    MAX_PHOTO_BYTES,
    PDF,
    PHOTO,
    content_type,
    photo_readable,
    sniff_file,
)
from barrio.participation.models import Attachment, Proposal, Signature
from barrio.participation.services.common import loc, raise_if
from barrio.participation.services.proposals import _locked, require_editable
from barrio.territories.selectors import unit_list

__all__ = [
    "attachment_add",
    "attachment_remove",
    "signature_add",
    "signature_person_index",
    "signature_remove",
]

SIGNATURE_PURPOSE = "signature-person"


def _read_ends(upload: UploadedFile) -> tuple[bytes, bytes]:
    upload.seek(0)
    head = upload.read(64)
    size = upload.size or 0
    upload.seek(max(size - 1024, 0))
    tail = upload.read(1024)
    upload.seek(0)
    return head, tail


def _digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def attachment_add(
    *,
    actor: User | AnonymousUser,
    proposal: Proposal,
    upload: UploadedFile,
    title: str,
    document: str = "",
) -> Attachment:
    """Attach a photo (JPEG, PNG, WebP; up to 5 MB) or a PDF (up to 10 MB) to a proposal.

    The type is read from the file's content, not its name; ``document`` names which of the
    call's required documents the file is, if any.

    Raises
    ------
    NotAuthenticated, PermissionDenied, Conflict
        As for changing the proposal.
    ValidationFailed
        When the file is empty, not a photo or PDF, too large, or ``document`` is not one
        of the call's required documents.
    """
    locked = _locked(proposal)
    user = require_editable(actor, locked)
    errors: list[FieldError] = []
    size = upload.size or 0
    kind = sniff_file(*_read_ends(upload)) if size else None
    if kind is None:
        errors.append(
            FieldError(loc("file"), _("The file is not a photo (JPEG, PNG, WebP) or a PDF."))
        )
    elif size > (MAX_PDF_BYTES if kind == PDF else MAX_PHOTO_BYTES):
        errors.append(
            FieldError(
                loc("file"),
                _("The file is too large: photos up to 5 MB, PDF documents up to 10 MB."),
            )
        )
    elif kind == PHOTO and not photo_readable(upload):
        errors.append(
            FieldError(loc("file"), _("The file is not a photo (JPEG, PNG, WebP) or a PDF."))
        )
    if document and document not in locked.call.required_documents:
        errors.append(FieldError(loc("document"), _("The call does not ask for this document.")))
    raise_if(errors)
    assert kind is not None
    head, _tail = _read_ends(upload)
    name = " ".join(title.split()) or (upload.name or "")[:200]
    return Attachment.objects.create(
        proposal=locked,
        kind=kind,
        document=document,
        title=name[:200],
        file=upload,
        content_type=content_type(head, kind),
        size=size,
        sha256=_digest(upload),
        uploaded_by=user,
    )


@transaction.atomic
def attachment_remove(
    *, actor: User | AnonymousUser, proposal: Proposal, attachment_id: int
) -> None:
    """Remove a file from a draft or returned proposal (and from storage)."""
    locked = _locked(proposal)
    require_editable(actor, locked)
    attachment = locked.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise_if([FieldError(loc("attachment_id"), _("The proposal has no such file."))])
        return
    attachment.file.delete(save=False)
    attachment.delete()


def signature_person_index(document_number: str) -> str:
    """The blind index of a signatory's identity document: one signature per person."""
    return blind_index(document_number, purpose=SIGNATURE_PURPOSE)


@transaction.atomic
def signature_add(
    *,
    actor: User | AnonymousUser,
    proposal: Proposal,
    full_name: str,
    document_number: str,
    unit_id: int,
) -> Signature:
    """Record a resident's supporting signature, collected by the group's representative.

    Name and document number are encrypted; the document's blind index keeps one signature
    per person and proposal.

    Raises
    ------
    NotAuthenticated, PermissionDenied, Conflict
        As for changing the proposal.
    ValidationFailed
        When the name or document is missing, the unit is not in the territory, or the
        person has signed already.
    """
    locked = _locked(proposal)
    user = require_editable(actor, locked)
    errors: list[FieldError] = []
    name = " ".join(full_name.split())
    number = document_number.strip()
    if not name:
        errors.append(FieldError(loc("full_name"), _("Write the name.")))
    if not number:
        errors.append(FieldError(loc("document_number"), _("Write the identity document.")))
    unit = unit_list(within=locked.call.programme.units.all()).filter(pk=unit_id).first()
    if unit is None:
        errors.append(FieldError(loc("unit_id"), _("Choose a unit of the programme's territory.")))
    index = signature_person_index(number) if number else ""
    if index and locked.signatures.filter(person_index=index).exists():
        errors.append(
            FieldError(loc("document_number"), _("This person has signed the proposal already."))
        )
    raise_if(errors)
    assert unit is not None
    return Signature.objects.create(
        proposal=locked,
        full_name=name,
        document_number=number,
        person_index=index,
        unit=unit,
        collected_by=user,
    )


@transaction.atomic
def signature_remove(*, actor: User | AnonymousUser, proposal: Proposal, signature_id: int) -> None:
    """Remove a supporting signature from a draft or returned proposal."""
    locked = _locked(proposal)
    require_editable(actor, locked)
    deleted, _rows = locked.signatures.filter(pk=signature_id).delete()
    if not deleted:
        raise_if([FieldError(loc("signature_id"), _("The proposal has no such signature."))])
