"""The demo loads once, keeps what users changed, and is refused in production."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from barrio.accounts.models import Organisation, Programme
from barrio.planning.models import TargetingRun
from barrio.territories.models import IndexRun, IndicatorValue, TerritorialUnit

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
    assert set(runs) == {"demo-cdmx", "demo-lima", "demo-chile"}
    lima = runs["demo-lima"]
    assert lima.status == TargetingRun.Status.APPROVED
    assert lima.approved_by.email == "gestora.lima@barrio.demo"
    assert lima.selected_count == 12
    # Lima's two provinces (Lima and Callao) each get at least two districts.
    chosen = lima.decisions.filter(selected=True).values_list("group", flat=True)
    assert sorted(set(chosen)) == ["0701", "1501"]
    assert list(chosen).count("0701") >= 2


def test_demo_cdmx_ranks_its_colonias_by_the_insecurity_index():
    """The 1,651 colonias lie in their alcaldías, with population, crimes, rates and an
    index; the approved run picks 40 colonias of the programme's four alcaldías, 3 or more
    in each, and leaves out those without data or with under 1,000 inhabitants."""
    call_command("load_demo", verbosity=0)
    colonias = TerritorialUnit.objects.filter(country="MX", level="colonia")
    assert colonias.count() == 1651
    assert not colonias.exclude(parent__level="alcaldía").exists()
    assert not colonias.filter(geometry="").exists()
    centro = colonias.get(code="09015-007")
    assert (centro.name, centro.parent.code, centro.path) == (
        "Centro",
        "09015",
        "09/09015/09015-007/",
    )

    def values(code: str, period: str) -> int:
        return IndicatorValue.objects.filter(
            indicator__code=code, period=period, unit__level="colonia"
        ).count()

    assert values("poblacion_2022", "2022") == 1651
    # 61 colonias have no row for 2024 in the crime table: no value, not zero.
    assert values("delitos_total", "2024") == values("tasa_robos", "2024") == 1590
    assert values("indice_inseguridad_cdmx", "2024") == 1590
    index_run = IndexRun.objects.get(index__code="indice_inseguridad_cdmx")
    assert (index_run.unit_count, index_run.scored_count) == (1651, 1590)
    robos = IndicatorValue.objects.get(indicator__code="tasa_robos", unit=centro).value
    crimes = IndicatorValue.objects.get(indicator__code="delitos_robos", unit=centro).value
    people = IndicatorValue.objects.get(indicator__code="poblacion_2022", unit=centro).value
    assert robos == pytest.approx(crimes / people * 1000)

    run = TargetingRun.objects.get(programme__slug="demo-cdmx")
    assert run.status == TargetingRun.Status.APPROVED
    assert run.approved_by.email == "gestora.cdmx@barrio.demo"
    assert run.created_by.email == "admin@barrio.demo"
    assert (run.unit_count, run.selected_count) == (611, 40)
    chosen = list(run.decisions.filter(selected=True).values_list("group", flat=True))
    assert {group: chosen.count(group) >= 3 for group in set(chosen)} == {
        "09005": True,
        "09007": True,
        "09012": True,
        "09015": True,
    }
    reasons = set(run.decisions.values_list("reason", flat=True))
    assert {"not_eligible_no_value", "not_eligible_population_min"} <= reasons


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
