"""The pages: Spanish first, switchable language and programme, our own assets only."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_home_is_in_spanish_and_shows_the_demo_programmes(demo):
    response = Client().get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "Quiero Mi Barrio, Región Metropolitana (demostración)" in body
    assert "Ciudades Incluyentes, Comunidades Solidarias, Lima (demostración)" in body
    assert "Saltar al contenido" in body


@pytest.mark.parametrize(
    ("code", "skip_link"), [("en", "Skip to the content"), ("pt", "Pular para o conteúdo")]
)
def test_language_switch_changes_the_page(demo, code, skip_link):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": code, "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert f'<html lang="{code}">' in body
    assert skip_link in body


def test_programme_switch_remembers_the_choice(demo):
    client = Client()
    client.post("/accounts/programme/", {"programme": "demo-lima", "next": "/"})
    body = client.get("/").content.decode()
    assert 'value="demo-lima" selected' in body


def test_programme_switch_ignores_unknown_and_foreign_redirects(demo):
    response = Client().post(
        "/accounts/programme/", {"programme": "nope", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_every_asset_is_ours_and_csp_forbids_others(demo):
    """No page refers to another origin, and the CSP only allows our own."""
    response = Client().get("/")
    for url in ASSET.findall(response.content.decode()):
        assert url.startswith(("/", "#")), url
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "http" not in policy


def test_not_found_page_is_translated():
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


def test_sign_in_with_email(demo):
    """The e-mail address is not case-sensitive; a role without personal data needs no
    second factor and lands on the home page."""
    client = Client()
    response = client.post(
        "/accounts/sign-in/", {"username": "COMITE@barrio.demo", "password": "barrio-demo-2026"}
    )
    assert response.status_code == 302
    assert "comite@barrio.demo" in client.get("/").content.decode()


def test_administrator_is_sent_to_set_up_a_second_factor(demo):
    client = Client()
    client.post(
        "/accounts/sign-in/", {"username": "admin@barrio.demo", "password": "barrio-demo-admin"}
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


def test_wrong_password_is_refused_with_a_message(demo):
    response = Client().post(
        "/accounts/sign-in/", {"username": "admin@barrio.demo", "password": "wrong"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_api_docs_are_served_from_our_static_files():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    for url in ASSET.findall(body):
        assert url.startswith(("/", "#")), url


def test_server_error_page_is_translated(rf):
    """The 500 page renders on its own (no context processors) in the visitor's language."""
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("pt"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Algo deu errado" in response.content.decode()


def test_forbidden_page_is_translated(demo):
    """A role without the right gets the translated 403 page."""
    client = Client()
    client.post(
        "/accounts/sign-in/", {"username": "comite@barrio.demo", "password": "barrio-demo-2026"}
    )
    response = client.get("/accounts/programmes/demo-cdmx/audit/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    assert "Sin permiso" in response.content.decode()


def test_territory_map_colours_units_by_an_indicator(demo):
    """Santiago's comunas by poverty rate: a legend of quintiles, a value and class per comuna
    in the table, and the same in the map's GeoJSON."""
    import json

    query = "?indicator=tasa_pobreza_2013_pct&method=quantiles&k=5"
    response = Client().get("/programmes/demo-chile/territory/" + query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tasa de pobreza 2013" in body
    assert "Muy alto" in body
    assert "La Pintana" in body
    geojson = Client().get("/programmes/demo-chile/territory.geojson" + query).json()
    comunas = [f for f in geojson["features"] if f["properties"]["level"] == "comuna"]
    assert len(comunas) == 52
    assert all(f["properties"]["colour"].startswith("#") for f in comunas)
    assert {f["properties"]["label"] for f in comunas} == {
        "Muy bajo",
        "Bajo",
        "Medio",
        "Alto",
        "Muy alto",
    }
    assert json.dumps(geojson)


def test_territory_map_ignores_bad_parameters(demo):
    """Unknown indicators, periods or class counts show the plain map, never an error."""
    response = Client().get("/programmes/demo-chile/territory/?indicator=nope&k=99&period=x")
    assert response.status_code == 200
    assert Client().get("/programmes/nope/territory/").status_code == 404


def test_territory_map_shows_hot_spots(demo):
    """Local Moran's I on Santiago's poverty: every comuna gets a hot-spot label, the same
    on every request (fixed seed)."""
    query = "?indicator=tasa_pobreza_2013_pct&method=hotspots"
    first = Client().get("/programmes/demo-chile/territory.geojson" + query).json()
    second = Client().get("/programmes/demo-chile/territory.geojson" + query).json()
    labels = [
        f["properties"]["label"] for f in first["features"] if f["properties"]["level"] == "comuna"
    ]
    assert len(labels) == 52
    assert set(labels) <= {
        "Punto caliente: alto entre altos",
        "Alto entre bajos",
        "Bajo entre altos",
        "Punto frío: bajo entre bajos",
        "No significativo",
    }
    assert "Punto caliente: alto entre altos" in labels
    assert first == second
    page = Client().get("/programmes/demo-chile/territory/" + query).content.decode()
    assert "999" in page


def test_territory_downloads_say_their_method_and_sources(demo):
    """CSV, XLSX and GeoJSON of the map carry the values and how they were made."""
    import io

    from openpyxl import load_workbook

    query = "?indicator=ips_2019&method=equal_interval&k=4"
    text = Client().get("/programmes/demo-chile/territory.csv" + query).content.decode()
    assert "# source,Seremi de Desarrollo Social RM (lagrangian-time)" in text
    assert "# method,Intervalos iguales" in text
    assert "13101,Santiago,comuna,13,57.11," in text
    book = load_workbook(
        io.BytesIO(Client().get("/programmes/demo-chile/territory.xlsx" + query).content)
    )
    assert book.sheetnames == ["data", "method"]
    assert book["data"]["E1"].value == "ips_2019"
    geojson = Client().get("/programmes/demo-chile/territory.geojson" + query).json()
    assert geojson["metadata"]["period"] == "2019"


def test_unit_page_shows_its_indicators_with_rank(demo):
    from barrio.territories.models import TerritorialUnit

    la_pintana = TerritorialUnit.objects.get(country="CL", code="13112")
    body = Client().get(f"/programmes/demo-chile/units/{la_pintana.pk}/").content.decode()
    assert "<h1>La Pintana</h1>" in body
    assert "Índice de Prioridad Social 2019" in body
    assert " de 52 (comuna" in body
    region = TerritorialUnit.objects.get(country="CL", code="13")
    assert Client().get(f"/programmes/demo-chile/units/{region.pk}/").status_code == 200
    lima = TerritorialUnit.objects.get(country="PE", code="1501")
    assert Client().get(f"/programmes/demo-chile/units/{lima.pk}/").status_code == 404
    shape = Client().get(f"/programmes/demo-chile/units/{la_pintana.pk}.geojson").json()
    assert len(shape["features"]) == 1


def test_territory_api(demo):
    """The same map as data: legend and one value per unit; bad queries are 422."""
    response = Client().get("/api/v1/programmes/demo-chile/territory?indicator=ips_2019&k=3")
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == "2019"
    assert [entry["label"] for entry in body["legend"]] == ["Bajo", "Medio", "Alto"]
    assert len([u for u in body["units"] if u["value"] is not None]) == 52
    for query in (
        "indicator=nope",
        "indicator=ips_2019&period=1900",
        "indicator=ips_2019&k=9",
        "indicator=ips_2019&method=magic",
        "",
    ):
        bad = Client().get(f"/api/v1/programmes/demo-chile/territory?{query}")
        assert bad.status_code == 422, query
        assert bad.json()["code"] == "invalid"
    assert Client().get("/api/v1/indicators").json()[0]["code"]
