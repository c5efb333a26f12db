"""Importing files of units: checked first, all or nothing, idempotent, in any CRS."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import Polygon, box

from barrio.errors import ValidationFailed
from barrio.territories.files import UnitFileOptions
from barrio.territories.models import TerritorialUnit
from barrio.territories.services import units_import

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "territories"
OPTIONS = UnitFileOptions(code_field="code", name_field="name", parent_code_field="parent")


def write(path: Path, rows: list[dict], crs: str | None = "EPSG:4326", **kwargs) -> Path:
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    frame.to_file(path, **kwargs)
    return path


def comunas(tmp_path: Path, rows: list[dict] | None = None) -> Path:
    return write(
        tmp_path / "comunas.geojson",
        rows
        or [
            {"code": "13101", "name": "Santiago", "parent": "13", "geometry": box(0, 0, 1, 1)},
            {"code": "13102", "name": "Cerrillos", "parent": "13", "geometry": box(1, 0, 2, 1)},
        ],
    )


@pytest.fixture
def region(tmp_path):
    path = write(
        tmp_path / "region.geojson",
        [{"code": "13", "name": "Región Metropolitana", "geometry": box(0, 0, 2, 1)}],
    )
    units_import(
        path=path,
        country="CL",
        level="región",
        options=UnitFileOptions(code_field="code", name_field="name"),
    )
    return TerritorialUnit.objects.get(code="13")


def test_import_creates_units_inside_their_parent_with_area(tmp_path, region):
    report = units_import(path=comunas(tmp_path), country="CL", level="comuna", options=OPTIONS)
    assert report.summary() == {"created": 2, "updated": 0, "unchanged": 0}
    santiago = TerritorialUnit.objects.get(code="13101")
    assert santiago.parent == region
    assert santiago.path == "13/13101/"
    assert region.contains(santiago)
    assert 12_000 < santiago.area_km2 < 12_500  # one degree square at the equator
    assert json.loads(santiago.geometry)["type"] == "Polygon"


def test_same_file_twice_changes_nothing_and_a_changed_file_updates_in_place(tmp_path, region):
    path = comunas(tmp_path)
    units_import(path=path, country="CL", level="comuna", options=OPTIONS)
    again = units_import(path=path, country="CL", level="comuna", options=OPTIONS)
    assert again.summary() == {"created": 0, "updated": 0, "unchanged": 2}
    changed = comunas(
        tmp_path,
        [
            {
                "code": "13101",
                "name": "Santiago Centro",
                "parent": "13",
                "geometry": box(0, 0, 1, 1),
            },
            {"code": "13102", "name": "Cerrillos", "parent": "13", "geometry": box(1, 0, 2, 1)},
        ],
    )
    pk = TerritorialUnit.objects.get(code="13101").pk
    report = units_import(path=changed, country="CL", level="comuna", options=OPTIONS)
    assert (report.updated, report.unchanged) == (["13101"], ["13102"])
    assert TerritorialUnit.objects.get(pk=pk).name == "Santiago Centro"


def test_dry_run_writes_nothing(tmp_path, region):
    report = units_import(
        path=comunas(tmp_path), country="CL", level="comuna", options=OPTIONS, dry_run=True
    )
    assert report.summary()["created"] == 2
    assert not report.applied
    assert not TerritorialUnit.objects.filter(level="comuna").exists()


def test_broken_file_is_rejected_whole_naming_each_feature(tmp_path, region):
    """A bad geometry, a duplicate code, an unknown parent and a unit outside its parent:
    each named with its feature number; nothing written."""
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    path = comunas(
        tmp_path,
        [
            {"code": "13101", "name": "Santiago", "parent": "13", "geometry": box(0, 0, 1, 1)},
            {"code": "13101", "name": "Copia", "parent": "13", "geometry": box(1, 0, 2, 1)},
            {"code": "13103", "name": "Cerro Navia", "parent": "13", "geometry": bowtie},
            {"code": "13104", "name": "Conchalí", "parent": "99", "geometry": box(0, 0, 1, 1)},
            {"code": "13105", "name": "El Bosque", "parent": "13", "geometry": box(5, 5, 6, 6)},
        ],
    )
    with pytest.raises(ValidationFailed) as failure:
        units_import(path=path, country="CL", level="comuna", options=OPTIONS)
    found = {(e.loc[1], e.loc[2]) for e in failure.value.errors}
    assert found == {(1, "code"), (2, "code"), (3, "geometry"), (4, "parent"), (5, "geometry")}
    assert "Self-intersection" in " ".join(str(e.msg) for e in failure.value.errors)
    assert not TerritorialUnit.objects.filter(level="comuna").exists()


def test_projected_file_is_reprojected_from_its_declared_crs(tmp_path):
    """A file in Mexico's EPSG:6372 (metres) lands in longitude/latitude."""
    square = box(2_790_000, 820_000, 2_800_000, 830_000)  # about 10 km × 10 km in CDMX
    path = write(
        tmp_path / "mx.gpkg",
        [{"code": "09007", "name": "Iztapalapa", "geometry": square}],
        crs="EPSG:6372",
        layer="alcaldias",
        driver="GPKG",
    )
    units_import(
        path=path,
        country="MX",
        level="alcaldía",
        options=UnitFileOptions(code_field="code", name_field="name", layer="alcaldias"),
    )
    unit = TerritorialUnit.objects.get(code="09007")
    lon, lat = json.loads(unit.geometry)["coordinates"][0][0]
    assert -100 < lon < -98
    assert 19 < lat < 20
    assert 95 < unit.area_km2 < 105


# Writing the file without a coordinate system is the point; pyogrio warns that it has none.
@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_file_without_crs_in_metres_is_refused(tmp_path):
    path = write(
        tmp_path / "nocrs.geojson",
        [{"code": "1", "name": "X", "geometry": box(2_790_000, 820_000, 2_800_000, 830_000)}],
        crs=None,
    )
    with pytest.raises(ValidationFailed) as failure:
        units_import(
            path=path,
            country="MX",
            level="x",
            options=UnitFileOptions(code_field="code", name_field="name"),
        )
    assert failure.value.errors[0].loc == ("feature", 1, "geometry")
    assert "coordinate system" in str(failure.value.errors[0].msg)


def test_truncated_file_is_refused(tmp_path, region):
    path = comunas(tmp_path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(ValidationFailed) as failure:
        units_import(path=path, country="CL", level="comuna", options=OPTIONS)
    assert failure.value.code == "unreadable_file"
    assert not TerritorialUnit.objects.filter(level="comuna").exists()


def test_missing_field_lists_the_fields_the_file_has(tmp_path, region):
    options = UnitFileOptions(code_field="CUT", name_field="name")
    with pytest.raises(ValidationFailed) as failure:
        units_import(path=comunas(tmp_path), country="CL", level="comuna", options=options)
    message = str(failure.value.errors[0].msg)
    assert "CUT" in message
    assert "code" in message


def test_zipped_shapefile_in_cp1252(tmp_path, region):
    folder = tmp_path / "shp"
    folder.mkdir()
    write(
        folder / "comunas.shp",
        [{"code": "13122", "name": "Peñalolén", "parent": "13", "geometry": box(0, 0, 1, 1)}],
        encoding="cp1252",
    )
    archive = tmp_path / "comunas.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in folder.iterdir():
            bundle.write(part, part.name)
    options = UnitFileOptions(
        code_field="code", name_field="name", parent_code_field="parent", encoding="cp1252"
    )
    units_import(path=archive, country="CL", level="comuna", options=options)
    assert TerritorialUnit.objects.get(code="13122").name == "Peñalolén"


def test_command_prints_a_summary_and_fails_naming_bad_features(tmp_path, region):
    out = io.StringIO()
    call_command(
        "import_territories",
        str(comunas(tmp_path)),
        "--country",
        "CL",
        "--level",
        "comuna",
        "--code-field",
        "code",
        "--name-field",
        "name",
        "--parent-code-field",
        "parent",
        stdout=out,
    )
    assert out.getvalue().startswith("2 created, 0 updated, 0 unchanged, 0 rejected")
    bad = write(
        tmp_path / "bad.geojson", [{"code": "", "name": "Sin código", "geometry": box(0, 0, 1, 1)}]
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_territories",
            str(bad),
            "--country",
            "CL",
            "--level",
            "comuna",
            "--code-field",
            "code",
            "--name-field",
            "name",
            stderr=err,
        )
    assert "feature 1 code" in err.getvalue()


def test_real_peruvian_districts():
    """The 1,834 districts of Peru: 8 have no geometry upstream, so the file is refused
    unless that is allowed; then all are imported, and a second run changes nothing."""
    path = SHARED / "peru_distritos" / "peru_distritos_simple.geojson"
    if not path.exists():
        pytest.skip(f"shared territorial data not found at {path}")
    options = UnitFileOptions(code_field="IDDIST", name_field="NOMBDIST")
    with pytest.raises(ValidationFailed) as failure:
        units_import(path=path, country="PE", level="distrito", options=options)
    assert len(failure.value.errors) == 8
    report = units_import(
        path=path, country="PE", level="distrito", options=options, allow_missing_geometry=True
    )
    assert report.summary() == {"created": 1834, "updated": 0, "unchanged": 0}
    again = units_import(
        path=path, country="PE", level="distrito", options=options, allow_missing_geometry=True
    )
    assert again.summary()["unchanged"] == 1834
