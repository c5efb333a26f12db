"""Helpers of the calls-half tests: a complete proposal, files that are what they claim."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from barrio.participation.models import Proposal, WorkKind
from barrio.participation.services import attachment_add, proposal_create
from barrio.participation.specs import BudgetLineSpec, ProposalSpec, TimelineSpec
from barrio.participation.tests.factories import World


def jpeg_bytes() -> bytes:
    """A real 8 × 8 JPEG, made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "JPEG")
    return buffer.getvalue()


#: A small but real PDF and JPEG (their first and last bytes are what readers check).
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG_BYTES = jpeg_bytes()
#: Inside the first colonia of the factories' world (a square from -99.15, 19.43).
INSIDE = {"type": "Point", "coordinates": [-99.145, 19.435]}
OUTSIDE = {"type": "Point", "coordinates": [-99.0, 19.0]}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name: str = "acta.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def complete_spec(world: World, **changes: Any) -> ProposalSpec:
    """A proposal with every part a submission needs, for the world's first colonia."""
    values: dict[str, Any] = {
        "title": "Parque de bolsillo en Guerrero",
        "kind": WorkKind.PARK,
        "unit_id": world.group.unit_id,
        "location": INSIDE,
        "diagnosis": "Un predio baldío acumula basura y no tiene luz.",
        "objectives": "Un parque con juegos, árboles y alumbrado.",
        "beneficiaries": "Niñas, niños y personas mayores de la colonia.",
        "beneficiary_count": 1200,
        "budget_lines": (
            BudgetLineSpec("Juegos infantiles", Decimal("2"), "pieza", 15_000_000),
            BudgetLineSpec("Luminarias LED", Decimal("8"), "pieza", 1_250_050),
        ),
        "timeline": (TimelineSpec("Obra civil", 1, 3), TimelineSpec("Equipamiento", 3, 4)),
    }
    values.update(changes)
    return ProposalSpec(**values)


def ready_proposal(world: World, **changes: Any) -> Proposal:
    """A draft with everything a submission needs, its required document attached."""
    proposal = proposal_create(
        actor=world.representative,
        call=world.call,
        group=world.group,
        spec=complete_spec(world, **changes),
    )
    for document in world.call.required_documents:
        attachment_add(
            actor=world.representative,
            proposal=proposal,
            upload=pdf(),
            title=document,
            document=document,
        )
    return proposal
