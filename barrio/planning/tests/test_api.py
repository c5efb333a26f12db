"""The planning API: run, read, compare and approve targetings; split budgets; bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.planning.models import Apportionment, TargetingRun
from barrio.planning.tests.factories import build_plan

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/programmes/plan/targeting-runs"
BODY = {
    "name": "Round 1",
    "level": "distrito",
    "indicator": "need",
    "period": "2025",
    "group_level": "provincia",
    "at_least_per_group": 1,
    "at_most_per_group": 2,
    "max_units": 4,
}


@pytest.fixture
def plan():
    return build_plan()


def client_for(user):
    """Signed in with both factors, asking for English."""
    client = signed_in_client(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_team_runs_a_manager_approves_and_the_public_sees_it(plan):
    team = client_for(plan.team)
    created = team.post(RUNS, BODY, content_type="application/json")
    assert created.status_code == 201, created.content
    run = created.json()
    assert run["status"] == "draft"
    assert [d["code"] for d in run["decisions"] if d["selected"]] == ["N1", "N2", "S1", "S2"]
    assert run["decisions"][0]["explanation"].startswith("In: rank 1 of 7")

    public = Client()
    assert public.get(f"{RUNS}/{run['id']}").status_code == 404
    assert public.get(RUNS).json() == []

    approved = client_for(plan.manager).post(f"{RUNS}/{run['id']}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert [r["id"] for r in public.get(RUNS).json()] == [run["id"]]
    assert public.get(f"{RUNS}/{run['id']}").json()["fingerprint"] == run["fingerprint"]


def test_two_runs_are_compared(plan):
    team = client_for(plan.team)
    a = team.post(RUNS, BODY, content_type="application/json").json()["id"]
    b = team.post(
        RUNS,
        {**BODY, "at_least_per_group": 0, "at_most_per_group": None},
        content_type="application/json",
    ).json()["id"]
    result = team.get(f"{RUNS}/compare?a={a}&b={b}").json()
    assert [u["code"] for u in result["in_both"]] == ["N1", "N2", "S1"]
    assert [u["code"] for u in result["only_a"]] == ["S2"]
    assert [(u["code"], u["rank_b"]) for u in result["only_b"]] == [("N3", 3)]


def test_the_approver_is_not_who_ran_it(plan):
    manager = client_for(plan.manager)
    run = manager.post(RUNS, BODY, content_type="application/json").json()
    response = manager.post(f"{RUNS}/{run['id']}/approve")
    assert response.status_code == 409
    assert response.json()["code"] == "four_eyes"


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"indicator": "nothing"}, ["body", "payload", "indicator"]),
        ({"level": "barrio"}, ["body", "payload", "level"]),
        ({"classes": 12}, ["body", "payload", "classes"]),
        ({"max_units": -1}, ["body", "payload", "max_units"]),
        ({"tie_break": "coin"}, ["body", "payload", "tie_break"]),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(plan, change, loc):
    response = client_for(plan.team).post(RUNS, {**BODY, **change}, content_type="application/json")
    assert response.status_code in {400, 422}
    assert loc in [error["loc"] for error in response.json()["errors"]]
    assert not TargetingRun.objects.exists()


def test_a_resident_may_not_run_a_targeting(plan):
    response = client_for(plan.resident).post(RUNS, BODY, content_type="application/json")
    assert response.status_code == 403
    assert not TargetingRun.objects.exists()


def test_an_amount_is_split_to_the_cent(plan):
    team = client_for(plan.team)
    response = team.post(
        "/api/v1/programmes/plan/apportionments",
        {
            "name": "2026",
            "total_cents": 1_000_001,
            "level": "distrito",
            "components": [
                {"kind": "population", "share": "1", "indicator": "people", "period": "2025"}
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert sum(share["cents"] for share in body["shares"]) == 1_000_001
    assert team.get(f"/api/v1/programmes/plan/apportionments/{body['id']}").status_code == 200
    listed = team.get("/api/v1/programmes/plan/apportionments").json()
    assert [(a["id"], a["total_cents"], a["currency"]) for a in listed] == [
        (body["id"], 1_000_001, "PEN")
    ]
    # Drafts of the budget are the planning staff's: a resident sees none.
    assert client_for(plan.resident).get("/api/v1/programmes/plan/apportionments").json() == []


def test_a_bad_share_is_named(plan):
    response = client_for(plan.team).post(
        "/api/v1/programmes/plan/apportionments",
        {
            "name": "x",
            "total_cents": 1,
            "level": "distrito",
            "components": [{"kind": "equal", "share": "half"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "payload", "components", 0, "share"]
    assert not Apportionment.objects.exists()


def test_the_map_of_a_run_colours_the_chosen_units(plan):
    import json

    from barrio.territories.models import TerritorialUnit

    TerritorialUnit.objects.filter(level="distrito").update(
        geometry='{"type":"Point","coordinates":[-77.0,-12.0]}'
    )
    team = client_for(plan.team)
    run = team.post(RUNS, BODY, content_type="application/json").json()
    collection = json.loads(team.get(f"/programmes/plan/targeting/{run['id']}.geojson").content)
    colours = {f["properties"]["code"]: f["properties"]["colour"] for f in collection["features"]}
    assert colours["N1"] == "#1d5fa8"
    assert colours["N3"] == "#9ecae1"
    assert colours["S4"] == "#d9d9d9"
    assert Client().get(f"/programmes/plan/targeting/{run['id']}.geojson").status_code == 404
