"""An administrator imports units and indicator values from files, builds an index, sees it
on the map and runs a targeting over it, all from the pages."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from shapely.geometry import box

from barrio.accounts.services import programme_create, programme_set_units
from barrio.jobs.tests.worker import run_worker
from barrio.territories.services import indicator_define, unit_create
from tests.browser.conftest import serious_violations
from tests.browser.test_planning_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POVERTY = {"150101": 12.5, "150102": 30.0, "150103": 45.5, "150104": 8.0, "150105": 22.0}
INDEX = {
    "orientation": "higher_is_worse",
    "root": {
        "code": "necesidad",
        "children": [
            {"indicator": "pobreza", "direction": "higher_is_worse", "goalposts": [0, 50]}
        ],
    },
}


def test_administrator_imports_builds_an_index_and_targets(
    live_server, browser, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    department = unit_create(country="PE", level="departamento", code="15", name="Lima")
    unit_create(country="PE", level="provincia", code="1501", name="Lima", parent=department)
    indicator_define(code="pobreza", name="Pobreza", kind="percentage", direction="higher_is_worse")
    programme = programme_create(
        slug="prueba",
        name="Programa de prueba",
        country="PE",
        currency="PEN",
        time_zone="America/Lima",
    )
    programme_set_units(programme=programme, units=[department])
    units_file = tmp_path / "distritos.geojson"
    gpd.GeoDataFrame(
        [
            {
                "ubigeo": code,
                "nombre": f"Distrito {code[-1]}",
                "prov": "1501",
                "geometry": box(i, 0, i + 1, 1),
            }
            for i, code in enumerate(POVERTY)
        ],
        geometry="geometry",
        crs="EPSG:4326",
    ).to_file(units_file)
    values_file = tmp_path / "pobreza.csv"
    values_file.write_text(
        "unit_code,indicator,period,value\n"
        + "".join(f"{code},pobreza,2024,{value}\n" for code, value in POVERTY.items()),
        encoding="utf-8",
    )
    admin = get_user_model().objects.create_superuser(
        username="admin@example.org", email="admin@example.org", password="una-clave-larga-2026"
    )
    context, page = sign_in(browser, live_server, admin, "una-clave-larga-2026")

    # 1. The districts, from a GeoJSON file.
    page.goto(live_server.url + "/territories/import/units/")
    page.get_by_label("Archivo", exact=True).set_input_files(str(units_file))
    page.get_by_label("País", exact=True).fill("PE")
    page.get_by_label("Nivel", exact=True).fill("distrito")
    page.get_by_label("Campo con el código", exact=True).fill("ubigeo")
    page.get_by_label("Campo con el nombre").fill("nombre")
    page.get_by_label("Campo con el código de la unidad que la contiene").fill("prov")
    page.get_by_label("Nivel de las unidades que las contienen").fill("provincia")
    page.get_by_role("button", name="Importar").click()
    # The form answers with the job's page; the job exists only once we are there.
    page.wait_for_url("**/jobs/**")
    run_worker()
    page.reload()
    expect(page.get_by_text("5 creadas").first).to_be_visible()

    # 2. Their poverty rates, from a CSV table.
    page.goto(live_server.url + "/territories/import/indicators/")
    assert serious_violations(page) == []
    page.get_by_label("Archivo", exact=True).set_input_files(str(values_file))
    page.get_by_label("País", exact=True).fill("PE")
    page.get_by_label("Nivel (opcional)").fill("distrito")
    page.get_by_role("button", name="Importar").click()
    # The form answers with the job's page; the job exists only once we are there.
    page.wait_for_url("**/jobs/**")
    run_worker()
    page.reload()
    expect(page.get_by_text("5 valores creados")).to_be_visible()

    # 3. An index of need over them.
    page.goto(live_server.url + "/territories/indices/")
    page.get_by_label("Código", exact=True).fill("necesidad")
    page.get_by_label("Nombre", exact=True).fill("Necesidad")
    page.get_by_label("Configuración (JSON)").fill(json.dumps(INDEX))
    page.get_by_label("País", exact=True).fill("PE")
    page.get_by_label("Nivel de las unidades calculadas").fill("distrito")
    page.get_by_label("Periodo de los puntajes").fill("2024")
    page.get_by_role("button", name="Calcular").click()
    expect(page.get_by_text("Necesidad: 5 de 5 unidades con puntaje para 2024.")).to_be_visible()
    assert serious_violations(page) == []

    # 4. The index on the map, in classes.
    page.goto(live_server.url + "/programmes/prueba/territory/")
    page.get_by_label("Indicador").select_option(label="Necesidad")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_load_state()
    expect(page.get_by_role("region", name="Necesidad (0–100), 2024")).to_be_visible()
    page.locator(".leaflet-interactive").first.wait_for()
    assert page.locator(".leaflet-interactive").count() == 5

    # 5. A targeting of the two neediest districts, on its own map.
    page.goto(live_server.url + "/programmes/prueba/targeting/new/")
    page.get_by_label("Nombre de la selección").fill("Dos distritos")
    page.get_by_label("Unidades entre las que elegir").select_option("distrito")
    page.get_by_label("Ordenar por").select_option("necesidad")
    page.get_by_label("Periodo del indicador de orden").fill("2024")
    page.get_by_label("Elegir como máximo").fill("2")
    page.get_by_role("button", name="Hacer la selección").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Dos distritos"))
    row = page.get_by_role("row").filter(has_text="Distrito 3")
    expect(row.get_by_text("Dentro: puesto 1 de 5")).to_be_visible()
    page.locator(".leaflet-interactive").first.wait_for()
    assert page.locator(".leaflet-interactive").count() == 5
    assert serious_violations(page) == []
    context.close()
