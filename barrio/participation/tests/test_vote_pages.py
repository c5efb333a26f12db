"""The ballot page without JavaScript, the results page, the CSV and the pabulib file."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import translation

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.core.pb import decide, instance_of, parse_pb, profile_of
from barrio.participation.models import Ballot
from barrio.participation.services import (
    Choice,
    RunSpec,
    allocation_run_approve,
    allocation_run_create,
    ballot_cast,
    vote_close,
)
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.test_allocation_run import PATTERN
from barrio.participation.tests.vote_factories import open_vote, residents, second_manager

pytestmark = pytest.mark.django_db


def test_the_ballot_page_says_the_rules_and_takes_a_ballot_without_javascript():
    world = build_world()
    election = open_vote(world, ballot_kind="knapsack", max_choices=None)
    pot = election.pots.get()
    ids = list(pot.items.order_by("position").values_list("proposal_id", flat=True))
    (ana,) = residents(world, 1)
    client = signed_in_client(ana)
    url = f"/participation/votes/{election.pk}/pots/{pot.pk}/ballot/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Elija proyectos cuyos costos sumen como máximo 2,000,000.00 MXN" in text or (
        "como máximo" in text
    )
    assert 'aria-live="polite"' in text
    assert "participation/ballot.js" in text
    over = client.post(url, {"choice": [str(p) for p in ids]})
    assert over.status_code == 200
    assert 'role="alert"' in over.content.decode()
    assert not Ballot.objects.exists()
    done = client.post(url, {"choice": [str(ids[0]), str(ids[2])]})
    assert done.status_code == 200
    receipt = Ballot.objects.get().receipt
    assert receipt in done.content.decode()
    assert Client().get(url).status_code == 302  # sign in first


def published():
    world = build_world()
    election = open_vote(world)
    pot = election.pots.get()
    ids = list(pot.items.order_by("position").values_list("proposal_id", flat=True))
    for voter, chosen in zip(residents(world, len(PATTERN)), PATTERN, strict=True):
        ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[p]) for p in chosen])
    election = vote_close(
        actor=world.manager, election=election, now=election.closes_at + dt.timedelta(seconds=1)
    )
    run = allocation_run_create(actor=world.manager, election=election, spec=RunSpec(rule="mes"))
    allocation_run_approve(actor=second_manager(world), run=run)
    return world, election, pot, ids, run


def test_results_say_why_each_project_is_in_or_out_in_three_languages():
    _world, election, _pot, ids, run = published()
    client = Client()
    for language, words in [
        ("es", "No financiado"),
        ("en", "Not funded"),
        ("pt", "Não financiado"),
    ]:
        client.post("/i18n/setlang/", {"language": language})
        page = client.get(f"/participation/votes/{election.pk}/results/")
        assert page.status_code == 200
        assert words in page.content.decode()
    out = run.results.get(funded=False)
    with translation.override("en"):
        detail = client.get(f"/participation/votes/{election.pk}/results/{out.item.proposal_id}/")
    assert detail.status_code == 200
    assert "vote-chart" in page.content.decode()
    run.refresh_from_db()
    assert run.approved_by is not None
    assert run.approved_by.email not in page.content.decode()  # a public page names no one
    # The project's page draws its pot's chart, every project labelled, this one marked.
    html = detail.content.decode()
    marked = html.split('aria-current="true"', 1)
    assert len(marked) == 2
    assert out.item.proposal.title in marked[1].split("</li>", 1)[0]
    for result in run.results.all():
        assert f"{result.item.proposal.title}: {result.votes} " in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/participation/votes/{election.pk}/results.csv").content.decode()
            )
        )
    )
    assert rows[0][:3] == ["pot", "project_id", "reference"]
    assert {int(r[1]) for r in rows[1:4]} == set(ids)


def test_the_pb_file_recomputes_to_the_published_result():
    _world, election, pot, _ids, run = published()
    response = Client().get(f"/participation/votes/{election.pk}/pots/{pot.pk}.pb")
    assert response.status_code == 200
    text = response.content.decode()
    assert "rule;equalshares" in text
    pb = parse_pb(text.splitlines())
    selected = {p.project_id for p in pb.projects if p.field("selected") == "1"}
    published_ids = {str(r.item.proposal_id) for r in run.results.filter(funded=True)}
    assert selected == published_ids
    again = decide("mes", instance_of(pb), profile_of(pb))
    assert set(again.selected_ids()) == published_ids
    assert len(pb.votes) == len(PATTERN)
    # pabutools (the reference) reads the file and selects the same projects.
    from pabutools.election import Cost_Sat
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import method_of_equal_shares

    instance, profile = parse_pabulib_from_string(text)
    theirs = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    assert {p.name for p in theirs} == published_ids


def test_no_results_before_they_are_published():
    world = build_world()
    election = open_vote(world)
    assert Client().get(f"/participation/votes/{election.pk}/results/").status_code == 404
    assert Client().get(f"/participation/votes/{election.pk}/results.csv").status_code == 404
