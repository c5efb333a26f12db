"""Importing indicator values: long or wide, CSV or XLSX, every problem named, all or nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from barrio.errors import ValidationFailed
from barrio.territories.models import Indicator, IndicatorValue
from barrio.territories.services import indicator_define, indicators_import, unit_create
from barrio.territories.services.indicators import parse_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def units():
    region = unit_create(country="CL", level="región", code="13", name="Región Metropolitana")
    for code, name in (("13101", "Santiago"), ("13102", "Cerrillos"), ("13103", "Cerro Navia")):
        unit_create(country="CL", level="comuna", code=code, name=name, parent=region)
    indicator_define(code="pobreza", name="Pobreza", kind="percentage", direction="higher_is_worse")
    indicator_define(code="poblacion", name="Población", kind="count")


def csv_file(tmp_path: Path, text: str, name: str = "values.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


LONG = """unit_code,indicator,period,value
13101,pobreza,2013,6.4
13102,pobreza,2013,6.8
13101,poblacion,2017,404495
13102,poblacion,2017,
"""


def test_long_table_is_imported_and_a_second_time_changes_nothing(tmp_path):
    path = csv_file(tmp_path, LONG)
    report = indicators_import(path=path, country="CL", level="comuna")
    assert report.summary() == {"created": 3, "updated": 0, "unchanged": 0, "empty": 1}
    assert IndicatorValue.objects.get(unit__code="13101", indicator__code="pobreza").value == 6.4
    again = indicators_import(path=path, country="CL", level="comuna")
    assert again.summary() == {"created": 0, "updated": 0, "unchanged": 3, "empty": 1}


def test_changed_value_is_updated(tmp_path):
    indicators_import(path=csv_file(tmp_path, LONG), country="CL")
    changed = csv_file(tmp_path, LONG.replace("6.4", "7.0"), "changed.csv")
    report = indicators_import(path=changed, country="CL")
    assert (report.updated, report.unchanged) == (1, 2)


def test_wide_xlsx_with_comma_decimals(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "datos"
    sheet.append(["unit_code", "unit_name", "pobreza", "poblacion"])
    sheet.append(["13101", "Santiago", "6,4", 404495])
    sheet.append(["13103", "Cerro Navia", 11.2, 132622])
    path = tmp_path / "values.xlsx"
    book.save(path)
    report = indicators_import(path=path, country="CL", form="wide", period="2017", sheet="datos")
    assert report.created == 4
    assert IndicatorValue.objects.get(unit__code="13101", indicator__code="pobreza").value == 6.4


def test_every_problem_is_named_with_row_and_column_and_nothing_is_written(tmp_path):
    text = """unit_code,indicator,period,value
13101,pobreza,2013,6.4
99999,pobreza,2013,5
13102,pobreza,2013,cinco
13103,pobreza,2013,140
13101,poblacion,2017,-3
13101,desconocido,2013,1
13101,pobreza,2013,6.5
"""
    with pytest.raises(ValidationFailed) as failure:
        indicators_import(path=csv_file(tmp_path, text), country="CL")
    locs = [tuple(e.loc) for e in failure.value.errors]
    assert locs == [
        ("row", 3, "unit_code"),
        ("row", 4, "value"),
        ("row", 5, "value"),
        ("row", 6, "value"),
        ("row", 7, "value"),
        ("row", 8, "value"),
    ]
    assert "2" in str(failure.value.errors[-1].msg)  # the duplicate names the first row
    assert not IndicatorValue.objects.exists()


def test_missing_columns_and_bad_header(tmp_path):
    with pytest.raises(ValidationFailed) as failure:
        indicators_import(path=csv_file(tmp_path, "unit_code,value\n13101,1\n"), country="CL")
    assert {e.loc[2] for e in failure.value.errors} == {"indicator", "period"}
    with pytest.raises(ValidationFailed) as failure:
        indicators_import(path=csv_file(tmp_path, "unit_code,,value\n"), country="CL")
    assert failure.value.code == "bad_header"


def test_not_a_table(tmp_path):
    path = tmp_path / "values.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValidationFailed) as failure:
        indicators_import(path=path, country="CL")
    assert failure.value.code == "unreadable_file"


@pytest.mark.parametrize(("text", "number"), [("6.4", 6.4), ("6,4", 6.4), ("1 234,5", 1234.5)])
def test_numbers_in_local_notation(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["1.234,5", "cinco", "nan", "inf", ""])
def test_not_numbers(text):
    with pytest.raises(ValueError):  # noqa: PT011 (float() says nothing more precise)
        parse_number(text)


def test_command_with_definitions_is_atomic(tmp_path):
    definitions = csv_file(
        tmp_path,
        "code,name,measure,source,vintage,direction,kind\n"
        "ips,Índice de Prioridad Social,índice,Seremi RM,2019,higher_is_worse,index\n",
        "defs.csv",
    )
    bad = csv_file(tmp_path, "unit_code,indicator,period,value\n13101,ips,2019,x\n", "bad.csv")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_indicators",
            str(bad),
            "--country",
            "CL",
            "--definitions",
            str(definitions),
            stderr=err,
        )
    assert "row 2 value" in err.getvalue()
    assert not Indicator.objects.filter(code="ips").exists()
    good = csv_file(tmp_path, "unit_code,indicator,period,value\n13101,ips,2019,57.11\n", "ok.csv")
    out = io.StringIO()
    call_command(
        "import_indicators",
        str(good),
        "--country",
        "CL",
        "--definitions",
        str(definitions),
        stdout=out,
    )
    assert "1 created" in out.getvalue()


def test_rate_per_thousand_is_derived_from_a_count_and_a_population():
    from barrio.territories.models import TerritorialUnit
    from barrio.territories.services import indicator_derive_rate

    crimes = indicator_define(
        code="delitos", name="Delitos", kind="count", direction="higher_is_worse"
    )
    population = Indicator.objects.get(code="poblacion")
    santiago = TerritorialUnit.objects.get(code="13101")
    cerrillos = TerritorialUnit.objects.get(code="13102")
    IndicatorValue.objects.create(indicator=crimes, unit=santiago, period="2019", value=500)
    IndicatorValue.objects.create(indicator=crimes, unit=cerrillos, period="2019", value=80)
    IndicatorValue.objects.create(indicator=population, unit=santiago, period="2017", value=404495)
    IndicatorValue.objects.create(indicator=population, unit=cerrillos, period="2017", value=0)
    rate, written = indicator_derive_rate(
        code="delitos_por_mil",
        name="Delitos por 1.000 habitantes",
        numerator=crimes,
        numerator_period="2019",
        denominator=population,
        denominator_period="2017",
        period="2019",
    )
    assert written == 1  # Cerrillos' population of 0 gives no rate
    value = IndicatorValue.objects.get(indicator=rate, unit=santiago).value
    assert value == pytest.approx(500 / 404495 * 1000)
    assert rate.kind == "rate"
    assert rate.direction == "higher_is_worse"
    assert "delitos (2019) / poblacion (2017)" in rate.source
