"""The splink matcher over a programme's people: pairs of ids, tasks opened, nothing
personal returned; too small a registry falls back to the exact rule."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command

from barrio.core.dedupe import generate_registry, true_pairs
from barrio.registry.models import AdjudicationTask, Document, Household, Member
from barrio.registry.services.matching import matcher_pairs, people_frame
from barrio.registry.tests.factories import build_desk, register

pytestmark = pytest.mark.django_db


def load_generated(desk, people: int) -> dict[str, int]:
    """The dedupe helper's synthetic registry, written as one-person households."""
    frame = generate_registry(people, seed=3)
    households = Household.objects.bulk_create(
        [
            Household(
                programme=desk.world.lima, unit=desk.world.miraflores, residence_status="migrant"
            )
            for _ in range(len(frame))
        ]
    )
    members = []
    for household, row in zip(households, frame.itertuples(index=False), strict=True):
        birth = row.birth_date if isinstance(row.birth_date, str) else None
        members.append(
            Member(
                household=household,
                given_names=row.given_names,
                family_name_1=row.family_name_1,
                family_name_2=row.family_name_2 if isinstance(row.family_name_2, str) else "",
                sex={"F": "female", "M": "male"}.get(row.sex, "unknown"),
                birth_date=dt.date.fromisoformat(birth) if birth else None,  # type: ignore[misc]
                nationality=row.nationality,
                relationship="head",
                phone=row.phone if isinstance(row.phone, str) else "",
            )
        )
    Member.objects.bulk_create(members)
    Document.objects.bulk_create(
        [
            Document(
                member=member,
                type=str(row.document_type).lower(),
                number=str(row.document_number),
                number_index=str(row.document_number),
                issuing_country=row.document_country,
            )
            for member, row in zip(members, frame.itertuples(index=False), strict=True)
            if isinstance(row.document_number, str)
        ]
    )
    return {record: member.pk for record, member in zip(frame["record_id"], members, strict=True)}


def test_matcher_finds_the_generated_duplicates_by_id_only():
    desk = build_desk()
    ids = load_generated(desk, 3000)
    result = matcher_pairs(desk.world.lima)
    assert result.skipped == ""
    found = {(min(p.member_a, p.member_b), max(p.member_a, p.member_b)) for p in result.pairs}
    truth = {
        tuple(sorted((ids[a], ids[b]))) for a, b in true_pairs(generate_registry(3000, seed=3))
    }
    recall = len(found & truth) / len(truth)
    assert recall > 0.8
    assert all(0.5 <= p.probability <= 1 for p in result.pairs)
    out = StringIO()
    call_command("deduplicate", "--programme", "lima", stdout=out, stderr=StringIO())
    assert AdjudicationTask.objects.filter(rule="matcher").exists()


def test_small_registry_falls_back_to_the_exact_rule():
    desk = build_desk()
    register(desk)
    assert matcher_pairs(desk.world.lima).pairs == []
    frame = people_frame(desk.world.lima)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["record_id"]) == [str(m.pk) for m in Member.objects.order_by("pk")]
    err = StringIO()
    call_command("deduplicate", "--programme", "lima", stdout=StringIO(), stderr=err)
    assert "exact rule only" in err.getvalue()


def test_an_import_batch_is_linked_to_the_registered_people():
    """splink's incremental linking finds a person of a new file already registered under a
    slightly different spelling and no document; a new person stays new."""
    from barrio.registry.records import MemberRecord
    from barrio.registry.services.matching import batch_probably_registered

    desk = build_desk()
    load_generated(desk, 3000)
    frame = generate_registry(3000, seed=3)
    known = next(
        row
        for row in frame.itertuples(index=False)
        if isinstance(row.birth_date, str)
        and isinstance(row.phone, str)
        and isinstance(row.family_name_2, str)
        and len(row.given_names) > 5
    )
    given = known.given_names
    again = MemberRecord(
        given_names=given[:-1] + ("i" if given[-1] != "i" else "e"),
        family_name_1=known.family_name_1,
        family_name_2=known.family_name_2,
        sex={"F": "female", "M": "male"}.get(known.sex, "unknown"),
        nationality=known.nationality,
        relationship="head",
        birth_date=dt.date.fromisoformat(known.birth_date),
        phone=known.phone,
    )
    stranger = MemberRecord(
        given_names="Zacarías Eustaquio",
        family_name_1="Quispe",
        family_name_2="Huamaní",
        sex="male",
        nationality="PE",
        relationship="head",
        birth_date=dt.date(1931, 2, 29 - 1),
        phone="+51 900 000 001",
    )
    unit = desk.world.miraflores.code
    found, skipped = batch_probably_registered(desk.world.lima, [(again, unit), (stranger, unit)])
    assert skipped == ""
    assert found == {0}
