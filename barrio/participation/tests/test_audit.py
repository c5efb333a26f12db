"""Every change of a vote's records is in the audit log of its programme, nothing personal in
it, and nothing that could tie a voter to a ballot (docs/voting.md, "What the audit log
keeps")."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import build_world as build_accounts_world
from barrio.accounts.tests.factories import grant, make_user
from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.audit_scope import AuditScoped
from barrio.participation.models import (
    Ballot,
    BallotChoice,
    CensusEntry,
    Election,
    PaperEntry,
    PaperTally,
    StationOfficial,
    Voter,
)
from barrio.participation.services import ballot_cast, paper_entry_import
from barrio.participation.services.ballots import Choice
from barrio.participation.tests.census_factories import PEOPLE, census_vote
from barrio.participation.tests.factories import World, build_world, make_proposal
from barrio.participation.tests.paper_factories import paper_vote, sheet_rows, table
from barrio.participation.tests.review_factories import add_member, scored
from barrio.participation.tests.vote_factories import close_and_publish, residents

pytestmark = pytest.mark.django_db

#: Every value of the census file that is personal: none may reach the log.
PERSONAL = [
    "ABCD800531HDF",
    "EFGH900101MDF",
    "G-1234567",
    "1980-05-31",
    "1990-01-01",
    "1975-12-24",
    "5512345678",
    "5598765432",
    "eva@example.org",
    "luis@example.org",
]


def entries_of(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("pk"))


def scope_of(world: World) -> dict[str, str]:
    return {"programme": world.programme.slug, "call": world.call.slug}


def participation_entries() -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(content_type__app_label="participation").select_related(
            "content_type"
        )
    )


def test_every_audited_model_of_participation_tells_its_programme():
    """A registered model that did not say its programme would be missing from the
    programme's audit page."""
    registered = [
        model
        for model in apps.get_app_config("participation").get_models()
        if auditlog.contains(model)
    ]
    assert len(registered) >= 20
    assert [m.__name__ for m in registered if not issubclass(m, AuditScoped)] == []


def test_ballot_rows_are_not_audited():
    """A ballot is secret: no entry per voter or ballot (who voted, what was chosen)."""
    for model in (Voter, Ballot, BallotChoice):
        assert not auditlog.contains(model)


def test_a_vote_its_pots_and_its_decision_are_logged_in_the_call_scope():
    world = build_world()
    election, station, _people = paper_vote(world)
    scope = scope_of(world)
    created, opened = entries_of(election)[:2]
    assert created.action == LogEntry.Action.CREATE
    assert created.additional_data == scope
    assert opened.changes_dict["status"] == ["draft", "open"]

    pot = election.pots.get()
    pot.name = "Guerrero centro"
    pot.save()
    (renamed,) = entries_of(pot)
    assert renamed.changes_dict["name"] == ["Guerrero", "Guerrero centro"]
    assert renamed.additional_data == scope

    assert [e.additional_data for e in entries_of(station)] == [scope]
    for official in StationOfficial.objects.filter(station=station):
        assert [e.additional_data for e in entries_of(official)] == [scope]

    run = close_and_publish(world, Election.objects.get(pk=election.pk))
    created, approved = entries_of(run)
    assert created.additional_data == approved.additional_data == scope
    assert approved.changes_dict["status"] == ["draft", "approved"]


def test_paper_entries_and_their_tally_are_logged_without_the_sheets(tmp_path):
    world = build_world()
    election, station, people = paper_vote(world)
    pot = election.pots.get()
    path = table(tmp_path, sheet_rows(election, [(1, 0, 0), (0, 1, 1)]))
    first, _ = paper_entry_import(
        actor=people[0], station=station, pot=pot, kind="sheets", path=path
    )
    second, tally = paper_entry_import(
        actor=people[1], station=station, pot=pot, kind="sheets", path=path
    )
    assert tally is not None
    scope = scope_of(world)
    for entry in (first, second):
        (logged,) = entries_of(entry)
        assert logged.additional_data == scope
        assert "content" not in logged.changes_dict
    (logged,) = entries_of(tally)
    assert logged.additional_data == scope
    assert "disagreements" not in logged.changes_dict
    assert PaperEntry.objects.count() == 2
    assert PaperTally.objects.get().status == PaperTally.Status.COUNTED


def test_a_census_import_is_one_entry_and_a_census_change_is_masked(tmp_path):
    world = build_world()
    election = census_vote(world, tmp_path)
    imported = [
        e
        for e in entries_of(election)
        if e.action == LogEntry.Action.UPDATE and "census" in e.changes_dict
    ]
    assert [(e.changes_dict["census"], e.actor) for e in imported] == [(["0", "3"], world.manager)]
    assert imported[0].additional_data == scope_of(world)

    entry = CensusEntry.objects.get(election=election, row=2)
    entry.phone = "5511112222"
    entry.save()
    pk = entry.pk
    entry.delete()
    changed, deleted = LogEntry.objects.filter(
        content_type__model="censusentry", object_pk=str(pk)
    ).order_by("pk")
    assert changed.changes_dict["phone"] == ["[personal data]", "[personal data]"]
    assert changed.additional_data == {"programme": world.programme.slug}
    assert deleted.action == LogEntry.Action.DELETE
    assert "document_index" not in deleted.changes_dict
    assert deleted.changes_dict["document_number"][0] == "[personal data]"


def test_nothing_personal_and_no_ballot_in_any_entry(tmp_path):
    """A census vote with people, a ballot cast, a station and a published run, then every
    participation entry: no personal value, no voter or ballot row, the programme's scope."""
    world = build_world()
    election = census_vote(world, tmp_path, text=PEOPLE)
    for entry in CensusEntry.objects.filter(election=election):
        entry.email = "otra@example.org"
        entry.save()
    entry.delete()
    voting = build_world_vote(world)
    close_and_publish(world, voting)
    member = add_member(world)
    proposal = make_proposal(world, status="submitted")
    scored(world, proposal, member, {c.code: 3 for c in world.call.criteria.all()})
    logged = participation_entries()
    text = json.dumps([[e.changes, e.object_repr, e.additional_data] for e in logged])
    assert [value for value in [*PERSONAL, "otra@example.org"] if value in text] == []
    models = {e.content_type.model for e in logged}
    assert models.isdisjoint({"voter", "ballot", "ballotchoice", "stationvoter", "onetimecode"})
    assert {"election", "censusentry", "allocationrun", "committeemember", "reviewscore"} <= models
    assert {e.additional_data["programme"] for e in logged} == {world.programme.slug}


def build_world_vote(world: World) -> Election:
    """An open vote of ``world``'s call in which one resident has voted."""
    election, _station, _people = paper_vote(world)
    (resident,) = residents(world, 1)
    pot = election.pots.get()
    item = pot.items.order_by("position")[0]
    ballot_cast(actor=resident, pot=pot, choices=[Choice(item.proposal_id, 1)])
    return election


def test_the_programme_audit_page_shows_the_vote_and_another_programme_does_not(tmp_path):
    world = build_world()
    election = census_vote(world, tmp_path)
    station = paper_vote(world)[1]
    page = signed_in_client(world.auditor).get(
        f"/accounts/programmes/{world.programme.slug}/audit/"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert f"#{election.pk}" in text
    assert f"#{station.pk}" in text
    assert "census: 0 → 3" in text
    assert not [value for value in PERSONAL if value in text]

    lima = build_accounts_world().lima
    stranger = make_user("auditora@lima.pe")
    grant(stranger, Role.AUDITOR, lima)
    other_page = signed_in_client(stranger).get(f"/accounts/programmes/{lima.slug}/audit/")
    assert other_page.status_code == 200
    assert "census: 0 → 3" not in other_page.content.decode()
    assert not LogEntry.objects.filter(
        additional_data__programme=lima.slug, content_type__app_label="participation"
    ).exists()
