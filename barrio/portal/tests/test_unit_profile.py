"""A unit's page shows its profile in each composite index: the score of every dimension."""

from __future__ import annotations

import pytest
from django.test import Client

from barrio.accounts.services import programme_create, programme_set_units
from barrio.territories.models import IndicatorValue
from barrio.territories.services import index_compute, index_define, unit_create
from barrio.territories.tests.test_index_compute import HDI, PERIODS, POVERTY, SPEC

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    province = unit_create(country="PE", level="provincia", code="1501", name="Lima")
    units = []
    for code, poverty, hdi in (("150101", 10, 0.8), ("150102", 40, 0.5), ("150103", 25, 0.6)):
        unit = unit_create(country="PE", level="distrito", code=code, name=code, parent=province)
        units.append(unit)
        IndicatorValue.objects.create(indicator=POVERTY(), unit=unit, period="2018", value=poverty)
        IndicatorValue.objects.create(indicator=HDI(), unit=unit, period="2019", value=hdi)
    index = index_define(code="need", name="Need", spec=SPEC)
    index_compute(index=index, units=units, period="2020", input_periods=PERIODS)
    programme = programme_create(
        slug="lima", name="Lima", country="PE", currency="PEN", time_zone="America/Lima"
    )
    programme_set_units(programme=programme, units=[province])
    return units[1]


def test_the_unit_page_shows_each_dimension_beside_the_median(district):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/programmes/lima/units/{district.pk}/")
    html = page.content.decode()
    assert "Profile in Need, 2020" in html
    # b: poverty 40 of goal-posts 0-50 → 80; HDI 0.5 of 0-1, higher is better → 50.
    assert '<th scope="row">Poverty</th><td>80.0</td><td>50.0</td>' in html
    assert '<th scope="row">HDI</th><td>50.0</td><td>40.0</td>' in html
    assert '<svg class="profile-chart" role="img"' in html


def test_no_profile_when_the_inputs_changed_since_the_computation(district):
    IndicatorValue.objects.filter(unit=district, indicator__code="poverty").update(value=5)
    html = Client().get(f"/programmes/lima/units/{district.pk}/").content.decode()
    assert "profile-chart" not in html
