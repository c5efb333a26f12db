"""Tables that name their units (no codes) join by name within the parent; a person resolves
the names the matcher cannot, and later imports remember the choice."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from barrio.errors import PermissionDenied, ValidationFailed
from barrio.territories.models import IndicatorValue, TerritorialUnit, UnitNameChoice
from barrio.territories.services import indicator_define, indicators_import, unit_create
from barrio.territories.services.names import name_choice_set

pytestmark = pytest.mark.django_db


def make_user(email, *, superuser=False):
    model = get_user_model()
    if superuser:
        return model.objects.create_superuser(username=email, email=email, password="x-pass-1")
    return model.objects.create_user(username=email, email=email, password="x-pass-1")


TABLE = """parent,unit_name,indicator,period,value
TLAHUAC,SAN FRANCISCO TLALTENCO (PBLO),proyectos,2018,2
Tláhuac,Los Olivos (U Hab),proyectos,2018,1
09011,Zapotitla,proyectos,2018,3
TLAHUAC,LA CONCHITA,proyectos,2018,4
"""


@pytest.fixture
def colonias():
    city = unit_create(country="MX", level="entidad", code="09", name="Ciudad de México")
    tlahuac = unit_create(country="MX", level="alcaldía", code="09011", name="Tláhuac", parent=city)
    names = ("San Francisco Tlaltenco", "Los Olivos", "Zapotitla", "Zapotitlán")
    found = {
        name: unit_create(
            country="MX", level="colonia", code=f"09011-{i}", name=name, parent=tlahuac
        )
        for i, name in enumerate(names, start=1)
    }
    indicator_define(code="proyectos", name="Proyectos", kind="count")
    return tlahuac, found


def write(tmp_path, text):
    path = tmp_path / "pp.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_names_join_within_their_parent_and_the_unknown_one_waits_for_a_person(tmp_path, colonias):
    tlahuac, units = colonias
    with pytest.raises(ValidationFailed) as caught:
        indicators_import(path=write(tmp_path, TABLE), country="MX", level="colonia", join="name")
    assert [e.loc for e in caught.value.errors] == [("row", 5, "unit_name")]
    assert "LA CONCHITA" in str(caught.value.errors[0].msg)
    assert not IndicatorValue.objects.exists()
    pending = UnitNameChoice.objects.get()
    assert (pending.name, pending.parent, pending.unit, pending.first_row) == (
        "LA CONCHITA",
        tlahuac,
        None,
        5,
    )

    admin = make_user("admin@example.org", superuser=True)
    admin.is_staff = True
    name_choice_set(actor=admin, choice=pending, unit=units["Zapotitlán"])
    report = indicators_import(
        path=write(tmp_path, TABLE), country="MX", level="colonia", join="name"
    )
    assert report.created == 4
    assert report.joined["chosen"] == 1
    values = dict(IndicatorValue.objects.values_list("unit__name", "value"))
    assert values == {
        "San Francisco Tlaltenco": 2.0,
        "Los Olivos": 1.0,
        "Zapotitla": 3.0,
        "Zapotitlán": 4.0,
    }


def test_an_unknown_parent_is_named(tmp_path, colonias):
    table = "parent,unit_name,indicator,period,value\nATLANTIS,Zapotitla,proyectos,2018,1\n"
    with pytest.raises(ValidationFailed) as caught:
        indicators_import(path=write(tmp_path, table), country="MX", level="colonia", join="name")
    assert [e.loc for e in caught.value.errors] == [("row", 2, "parent")]
    assert not UnitNameChoice.objects.exists()


def test_a_name_join_needs_the_level_and_its_columns(tmp_path, colonias):
    with pytest.raises(ValidationFailed) as caught:
        indicators_import(path=write(tmp_path, TABLE), country="MX", join="name")
    assert caught.value.errors[0].loc == ("level",)
    table = "unit_code,indicator,period,value\n09011-1,proyectos,2018,1\n"
    with pytest.raises(ValidationFailed) as caught:
        indicators_import(path=write(tmp_path, table), country="MX", level="colonia", join="name")
    assert {e.loc for e in caught.value.errors} == {("row", 1, "unit_name"), ("row", 1, "parent")}


def test_only_administrators_choose_and_only_a_unit_inside_the_parent(tmp_path, colonias):
    tlahuac, units = colonias
    with pytest.raises(ValidationFailed):
        indicators_import(path=write(tmp_path, TABLE), country="MX", level="colonia", join="name")
    pending = UnitNameChoice.objects.get()
    with pytest.raises(PermissionDenied):
        name_choice_set(
            actor=make_user("someone@example.org"), choice=pending, unit=units["Los Olivos"]
        )
    admin = make_user("admin@example.org", superuser=True)
    with pytest.raises(ValidationFailed):
        name_choice_set(actor=admin, choice=pending, unit=tlahuac)
    pending.refresh_from_db()
    assert pending.unit is None


def test_rows_with_coordinates_join_to_the_unit_that_contains_them(tmp_path):
    """Point in polygon: each row goes to the one unit of the level containing its point."""
    import json

    from shapely.geometry import box, mapping

    city = unit_create(country="PE", level="provincia", code="1501", name="Lima")
    for code, square in (("150101", box(0, 0, 1, 1)), ("150102", box(1, 0, 2, 1))):
        made = unit_create(country="PE", level="distrito", code=code, name=code, parent=city)
        TerritorialUnit.objects.filter(pk=made.pk).update(geometry=json.dumps(mapping(square)))
    indicator_define(code="sites", name="Sites", kind="count")
    table = (
        "longitude,latitude,indicator,period,value\n0.5,0.5,sites,2024,3\n1.5,0.2,sites,2024,4\n"
    )
    report = indicators_import(
        path=write(tmp_path, table), country="PE", level="distrito", join="location"
    )
    assert report.joined == {"spatial": 2, "unmatched": 0}
    assert dict(IndicatorValue.objects.values_list("unit__code", "value")) == {
        "150101": 3.0,
        "150102": 4.0,
    }
    outside = table + "5,5,sites,2023,1\nwest,0,sites,2023,1\n"
    with pytest.raises(ValidationFailed) as caught:
        indicators_import(
            path=write(tmp_path, outside), country="PE", level="distrito", join="location"
        )
    assert [e.loc for e in caught.value.errors] == [
        ("row", 5, "longitude"),
        ("row", 4, "longitude"),
    ]
    assert "contains the point 5.0, 5.0" in str(caught.value.errors[1].msg)
    assert IndicatorValue.objects.count() == 2
