"""The territory map shows an indicator for one population group (migrants, refugees...)."""

from __future__ import annotations

import pytest
from django.test import Client

from barrio.accounts.services import programme_create, programme_set_units
from barrio.territories.models import IndicatorValue
from barrio.territories.services import indicator_define, unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    lima = unit_create(country="PE", level="provincia", code="1501", name="Lima")
    districts = [
        unit_create(country="PE", level="distrito", code=f"15010{i}", name=f"D{i}", parent=lima)
        for i in range(1, 5)
    ]
    share = indicator_define(code="share", name="Share", kind="percentage")
    for i, district in enumerate(districts):
        IndicatorValue.objects.create(
            indicator=share, unit=district, period="2022", group="", value=10 + i
        )
        IndicatorValue.objects.create(
            indicator=share, unit=district, period="2022", group="status:migrant", value=40 - i
        )
    made = programme_create(
        slug="lima", name="Lima", country="PE", currency="PEN", time_zone="America/Lima"
    )
    programme_set_units(programme=made, units=[lima])
    return made


def test_the_page_offers_the_groups_and_maps_the_one_chosen(programme):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/programmes/lima/territory/?indicator=share").content.decode()
    assert "Population group" in page
    assert "Migration status: migrants" in page
    page = client.get(
        "/programmes/lima/territory/?indicator=share&group=status:migrant"
    ).content.decode()
    assert '<h2 id="legend-title">Share, 2022 · Migration status: migrants</h2>' in page
    assert (
        ">D1</a></td><td>distrito</td><td><code>150101</code></td><td>Lima</td><td>40</td>" in page
    )
    whole = client.get("/programmes/lima/territory/?indicator=share").content.decode()
    assert '<h2 id="legend-title">Share, 2022</h2>' in whole
    assert (
        ">D1</a></td><td>distrito</td><td><code>150101</code></td><td>Lima</td><td>10</td>" in whole
    )


def test_the_api_answers_for_one_group_and_refuses_an_unknown_one(programme):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.get("/api/v1/programmes/lima/territory?indicator=share&group=status:migrant")
    assert answer.status_code == 200
    body = answer.json()
    assert body["group"] == "status:migrant"
    assert sorted(u["value"] for u in body["units"] if u["level"] == "distrito") == [37, 38, 39, 40]
    refused = client.get("/api/v1/programmes/lima/territory?indicator=share&group=status:alien")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["query", "period"]
