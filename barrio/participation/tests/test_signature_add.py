"""signature_add: one supporting signature per person, name and document encrypted."""

from __future__ import annotations

import pytest

from barrio.errors import PermissionDenied, ValidationFailed
from barrio.participation.models import Signature
from barrio.participation.services import signature_add, signature_remove
from barrio.participation.tests.factories import build_world, make_proposal

pytestmark = pytest.mark.django_db


def sign(world, proposal, name="Ana López", document="LOPA800101", actor=None):
    return signature_add(
        actor=actor or world.representative,
        proposal=proposal,
        full_name=name,
        document_number=document,
        unit_id=world.group.unit_id,
    )


def test_a_signature_is_recorded_and_removed() -> None:
    world = build_world()
    proposal = make_proposal(world)
    signature = sign(world, proposal)
    assert (signature.full_name, signature.collected_by) == ("Ana López", world.representative)
    signature_remove(actor=world.representative, proposal=proposal, signature_id=signature.pk)
    assert not Signature.objects.exists()


def test_a_second_signature_by_the_same_person_is_refused() -> None:
    world = build_world()
    proposal = make_proposal(world)
    sign(world, proposal)
    with pytest.raises(ValidationFailed) as caught:
        sign(world, proposal, name="Ana L.", document=" lopa800101 ")
    assert caught.value.errors[0].loc == ("body", "document_number")
    assert Signature.objects.count() == 1
    # The same person may support another proposal.
    sign(world, make_proposal(world, title="Otra"))
    assert Signature.objects.count() == 2


def test_missing_name_or_document_is_named() -> None:
    world = build_world()
    with pytest.raises(ValidationFailed) as caught:
        sign(world, make_proposal(world), name=" ", document="")
    assert [e.loc for e in caught.value.errors] == [
        ("body", "full_name"),
        ("body", "document_number"),
    ]


def test_only_the_representative_collects_signatures() -> None:
    world = build_world()
    with pytest.raises(PermissionDenied):
        sign(world, make_proposal(world), actor=world.team)
    assert not Signature.objects.exists()
