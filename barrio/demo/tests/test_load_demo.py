"""The demo loads once, keeps what users changed, and is refused in production."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from barrio.accounts.models import Organisation, Programme
from barrio.planning.models import TargetingRun

pytestmark = pytest.mark.django_db


def test_load_demo_creates_the_three_programmes_once():
    call_command("load_demo", verbosity=0)
    assert set(Programme.objects.values_list("slug", flat=True)) == {
        "demo-cdmx",
        "demo-chile",
        "demo-lima",
    }
    organisations = Organisation.objects.count()
    Programme.objects.filter(slug="demo-cdmx").update(name="Changed by a manager")
    call_command("load_demo", verbosity=0)
    assert Programme.objects.count() == 3
    assert Organisation.objects.count() == organisations
    assert Programme.objects.get(slug="demo-cdmx").name == "Changed by a manager"


def test_the_demo_programmes_with_data_have_an_approved_targeting_run():
    call_command("load_demo", verbosity=0)
    runs = {
        run.programme.slug: run
        for run in TargetingRun.objects.select_related("programme", "approved_by")
    }
    assert set(runs) == {"demo-lima", "demo-chile"}
    lima = runs["demo-lima"]
    assert lima.status == TargetingRun.Status.APPROVED
    assert lima.approved_by.email == "gestora.lima@barrio.demo"
    assert lima.selected_count == 12
    # Lima's two provinces (Lima and Callao) each get at least two districts.
    chosen = lima.decisions.filter(selected=True).values_list("group", flat=True)
    assert sorted(set(chosen)) == ["0701", "1501"]
    assert list(chosen).count("0701") >= 2


def test_load_demo_is_refused_in_production(settings):
    settings.BARRIO_DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    assert not Programme.objects.exists()


def test_demo_lima_has_synthetic_households_and_probable_duplicates():
    """Seeded synthetic households, the same each time, with pairs for the adjudication queue."""
    from barrio.demo.households import household_rows
    from barrio.registry.models import AdjudicationTask, Household

    call_command("load_demo", verbosity=0)
    lima = Programme.objects.get(slug="demo-lima")
    households = Household.objects.filter(programme=lima)
    assert households.count() > 200
    assert AdjudicationTask.objects.filter(programme=lima).exists()
    assert household_rows(["150101"]) == household_rows(["150101"])
    assert all(row["household_id"].startswith("DEMO-") for row in household_rows(["150101"]))
