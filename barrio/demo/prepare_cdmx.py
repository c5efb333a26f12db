"""Prepare the demo's Mexico City colonias from the shared data (run by a maintainer, once).

``python -m barrio.demo.prepare_cdmx [SHARED_DIR]`` reads
``../shared/data/territories/cdmx_colonias`` (see its SOURCE.md) and writes, into
``barrio/demo/data``:

- ``mx_cdmx_colonias.geojson``: the 1,651 colonia polygons as upstream (5 decimals), with
  properties ``code``, ``name`` and ``parent`` (the INEGI key of the alcaldía);
- ``mx_cdmx_colonias_poblacion_2022.csv`` and ``mx_cdmx_colonias_delitos_2024.csv``: the
  population (IECM 2022) and the FGJ crime counts of 2024, in the wide form of
  ``manage.py import_indicators`` (one column per indicator, one period per file).

The colonias have no official code upstream, so Barrio gives each one
``<cve_mun>-<nnn>``: the alcaldía's INEGI key and the colonia's position (from 001) among
the colonias of that alcaldía sorted by name, ignoring accents and case. The codes are
Barrio's, stable as long as the upstream list of names does not change.

A colonia without a row for 2024 in the crime table gets no crime value rather than zero:
the FGJ catalogue renames colonias between years, so an absent name is not proof of no crime.
The output files are committed; the demo never reads ``../shared``.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

import shapely
import shapely.geometry

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "territories"

#: Crime columns of the shared table → indicator codes of the demo.
CRIME_COLUMNS = {
    "total": "delitos_total",
    "robos": "delitos_robos",
    "violencia_familiar": "delitos_violencia_familiar",
    "lesiones_dolosas": "delitos_lesiones_dolosas",
    "homicidio_feminicidio_doloso": "delitos_homicidio_feminicidio",
}
CRIME_YEAR = "2024"
POPULATION = "poblacion_2022"


def fold(text: str) -> str:
    """Upper case without accents: how the shared files write the alcaldías."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper().strip()


def colonia_codes(keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """``{(cve_mun, colonia): code}``, numbered by name within each alcaldía.

    Examples
    --------
    >>> colonia_codes([("09007", "Zapotitla"), ("09007", "Álamos"), ("09015", "Centro")])
    {('09007', 'Álamos'): '09007-001', ('09007', 'Zapotitla'): '09007-002', \
('09015', 'Centro'): '09015-001'}
    """
    codes: dict[tuple[str, str], str] = {}
    for cve_mun in sorted({k[0] for k in keys}):
        names = sorted((k[1] for k in keys if k[0] == cve_mun), key=lambda n: (fold(n), n))
        for position, name in enumerate(names, start=1):
            codes[(cve_mun, name)] = f"{cve_mun}-{position:03d}"
    return codes


def valid_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """The geometry as it is when valid; else repaired by GEOS ``make_valid``.

    Two upstream polygons cross themselves after their simplification (Industrial Vallejo
    in Azcapotzalco, La Concepcion in La Magdalena Contreras); Barrio's import repairs
    nothing silently, so they are repaired here, on a grid of 10⁻⁶ degrees (the import's own
    precision), keeping their area.
    """
    shape = shapely.geometry.shape(geometry)
    if shape.is_valid:
        return geometry
    repaired = shapely.set_precision(shapely.make_valid(shape), 1e-6)
    assert repaired.is_valid
    assert abs(repaired.area - shape.area) < 1e-3 * shape.area
    result: dict[str, Any] = json.loads(shapely.to_geojson(repaired))
    return result


def main(shared: Path = SHARED / "cdmx_colonias") -> None:
    """Write the two demo files from the shared files."""
    with (DATA / "mx_cdmx_alcaldias.csv").open(encoding="utf-8", newline="") as handle:
        alcaldias = {fold(row["alcaldia"]): row["cve_mun"] for row in csv.DictReader(handle)}
    collection = json.loads((shared / "colonias_cdmx_simplified.geojson").read_text("utf-8"))
    features = collection["features"]
    key_of = [
        (alcaldias[f["properties"]["alcaldia"]], f["properties"]["colonia"]) for f in features
    ]
    upstream_of = {
        (alcaldias[f["properties"]["alcaldia"]], f["properties"]["colonia"]): (
            f["properties"]["alcaldia"],
            f["properties"]["colonia"],
        )
        for f in features
    }
    codes = colonia_codes(key_of)
    if len(codes) != len(features):
        raise SystemExit("two colonias of one alcaldía have the same name")
    out = [
        {
            "type": "Feature",
            "properties": {"code": codes[key], "name": key[1], "parent": key[0]},
            "geometry": valid_geometry(feature["geometry"]),
        }
        for key, feature in sorted(zip(key_of, features, strict=True), key=lambda p: codes[p[0]])
    ]
    # One feature a line, so that a change of the data shows as a readable diff.
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in out)
    (DATA / "mx_cdmx_colonias.geojson").write_text(
        '{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n", encoding="utf-8"
    )
    with (shared / "colonia_population_iecm2022.csv").open(encoding="utf-8") as handle:
        population = {
            (r["alcaldia"], r["colonia"]): r["matched_pop"] for r in csv.DictReader(handle)
        }
    with (shared / "delitos_fgj_por_colonia_anio.csv").open(encoding="utf-8") as handle:
        crimes = {
            (r["alcaldia"], r["colonia"]): r
            for r in csv.DictReader(handle)
            if r["anio"] == CRIME_YEAR
        }
    with (DATA / "mx_cdmx_colonias_poblacion_2022.csv").open("w", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["unit_code", POPULATION])
        for key, code in sorted(codes.items(), key=lambda item: item[1]):
            people = population.get(upstream_of[key])
            if people:
                writer.writerow([code, int(float(people))])
    with (DATA / "mx_cdmx_colonias_delitos_2024.csv").open("w", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["unit_code", *CRIME_COLUMNS.values()])
        for key, code in sorted(codes.items(), key=lambda item: item[1]):
            row = crimes.get(upstream_of[key])
            if row is not None:
                writer.writerow([code, *(int(row[column]) for column in CRIME_COLUMNS)])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "cdmx_colonias")
