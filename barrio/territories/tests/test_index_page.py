"""Administrators define and compute a composite index from a page."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from barrio.territories.models import IndexRun, IndicatorValue
from barrio.territories.tests.test_index_compute import SPEC, units  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    staff = get_user_model().objects.create_user(
        username="admin@example.org", password="x-pass-1", is_staff=True
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    return client


def form(**changes):
    return {
        "code": "need",
        "name": "Need",
        "configuration": json.dumps(SPEC),
        "country": "pe",
        "level": "distrito",
        "period": "2020",
        "input_periods": "",
        **changes,
    }


def test_the_index_is_computed_with_the_newest_periods(admin_client, units):  # noqa: F811
    response = admin_client.post("/territories/indices/", form())
    assert response.status_code == 302
    run = IndexRun.objects.get()
    assert run.input_periods == {"poverty": "2018", "hdi": "2019"}
    scores = dict(
        IndicatorValue.objects.filter(indicator__code="need").values_list("unit__code", "value")
    )
    assert scores == pytest.approx({"a": 20.0, "b": 65.0, "c": 50.0})
    page = admin_client.get("/territories/indices/").content.decode()
    assert "Need: 3 of 3 units scored for 2020." in page
    assert "2020: 3 of 3 units scored" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"configuration": "{not json"}, "This is not valid JSON"),
        ({"input_periods": "poverty 2018"}, "Line 1: write INDICATOR=PERIOD."),
        ({"input_periods": "poverty=1990"}, "has no value for any unit"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_computed(admin_client, units, changes, message):  # noqa: F811
    response = admin_client.post("/territories/indices/", form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IndexRun.objects.exists()
