"""The proposals API: draft, attach, sign, submit; staff lists; bad input never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import Attachment, Proposal, Signature
from barrio.participation.tests.drafts import INSIDE, OUTSIDE, PDF_BYTES, media  # noqa: F401
from barrio.participation.tests.factories import build_world, make_proposal
from barrio.participation.tests.test_pages import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def draft_body(world, **changes):
    values = {
        "group_id": world.group.pk,
        "title": "Parque de bolsillo",
        "kind": "park",
        "unit_id": world.group.unit_id,
        "location": INSIDE,
        "diagnosis": "Basura",
        "objectives": "Parque",
        "budget_lines": [
            {"concept": "Juegos", "quantity": "2.5", "unit": "pieza", "unit_cost_cents": 1999}
        ],
        "timeline": [{"activity": "Obra", "first_month": 1, "last_month": 2}],
    }
    values.update(changes)
    return values


def test_the_representative_drafts_attaches_signs_and_submits() -> None:
    world = build_world()
    world.call.min_signatures = 1
    world.call.save()
    rep = client_for(world.representative)
    made = rep.post(
        f"/api/v1/calls/{world.call.pk}/proposals",
        draft_body(world),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    proposal = made.json()
    assert proposal["total_cents"] == 4998
    assert proposal["budget_lines"][0]["total_cents"] == 4998
    url = f"/api/v1/proposals/{proposal['id']}"
    early = rep.post(f"{url}/submit")
    assert early.status_code == 422
    assert {e["loc"][2] for e in early.json()["errors"]} == {"attachments", "signatures"}
    fake = rep.post(
        f"{url}/attachments",
        {"file": SimpleUploadedFile("acta.pdf", b"MZ not a pdf"), "document": ""},
    )
    assert fake.status_code == 422
    assert fake.json()["errors"][0]["loc"] == ["body", "payload", "file"]
    attached = rep.post(
        f"{url}/attachments",
        {
            "file": SimpleUploadedFile("acta.pdf", PDF_BYTES),
            "title": "Acta",
            "document": "Acta de asamblea constitutiva",
        },
    )
    assert attached.status_code == 201, attached.content
    assert attached.json()["content_type"] == "application/pdf"
    person = {"full_name": "Ana", "document_number": "ABC1", "unit_id": world.group.unit_id}
    signed = rep.post(f"{url}/signatures", person, content_type="application/json")
    assert signed.json() == {"id": signed.json()["id"], "signature_count": 1}
    twice = rep.post(f"{url}/signatures", person, content_type="application/json")
    assert twice.status_code == 422
    assert Signature.objects.count() == 1
    submitted = rep.post(f"{url}/submit")
    assert submitted.status_code == 200, submitted.content
    assert (submitted.json()["status"], submitted.json()["reference"]) == (
        "submitted",
        "PCMB-2026-0001",
    )
    frozen = rep.put(url, draft_body(world), content_type="application/json")
    assert (frozen.status_code, frozen.json()["code"]) == (409, "proposal_frozen")
    public = Client().get(url).json()
    assert [s["to_status"] for s in public["history"]] == ["submitted"]
    assert "Ana" not in str(public)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {
                "budget_lines": [
                    {"concept": "x", "quantity": 1, "unit": "u", "unit_cost_cents": 150_000_001}
                ]
            },
            "budget_lines",
        ),
        ({"location": OUTSIDE}, "location"),
        ({"kind": "site_museum"}, "kind"),
        ({"unit_id": 999_999}, "unit_id"),
        (
            {
                "budget_lines": [
                    {"concept": "x", "quantity": "-1", "unit": "u", "unit_cost_cents": 1}
                ]
            },
            "budget_lines",
        ),
        ({"location": {"type": "Point", "coordinates": "here"}}, "location"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_drafts_are_a_readable_422_and_nothing_is_saved(changes, field) -> None:
    world = build_world()
    response = client_for(world.representative).post(
        f"/api/v1/calls/{world.call.pk}/proposals",
        draft_body(world, **changes),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert field in {e["loc"][2] for e in response.json()["errors"]}
    assert not Proposal.objects.exists()


def test_only_the_groups_representative_writes() -> None:
    world = build_world()
    url = f"/api/v1/calls/{world.call.pk}/proposals"
    body = draft_body(world)
    assert (
        client_for(world.other_representative)
        .post(url, body, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        client_for(world.manager).post(url, body, content_type="application/json").status_code
        == 404
    )
    assert Client().post(url, body, content_type="application/json").status_code == 401
    draft = make_proposal(world)
    assert (
        client_for(world.other_representative)
        .post(f"/api/v1/proposals/{draft.pk}/submit")
        .status_code
        == 404
    )
    assert Client().get(f"/api/v1/proposals/{draft.pk}").status_code == 404
    assert client_for(world.team).get(f"/api/v1/proposals/{draft.pk}").status_code == 200
    assert not Attachment.objects.exists()


def test_staff_list_a_calls_proposals_with_counts_and_filters() -> None:
    world = build_world()
    make_proposal(world, status=ProposalStatus.SUBMITTED, reference="A-1")
    make_proposal(world, status=ProposalStatus.REJECTED, reference="A-2", title="Otra")
    url = f"/api/v1/calls/{world.call.pk}/proposals"
    listed = client_for(world.team).get(url + "?status=rejected").json()
    assert [p["title"] for p in listed["proposals"]] == ["Otra"]
    assert (listed["counts"]["submitted"], listed["counts"]["rejected"]) == (1, 1)
    assert client_for(world.auditor).get(url).status_code == 200
    assert client_for(world.representative).get(url).status_code == 404
    assert client_for(world.reviewer).get(url).status_code == 404
    assert Client().get(url).status_code == 401
    assert client_for(world.team).get(url + "?unit=abc").status_code == 422
