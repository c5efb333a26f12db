"""``manage.py load_demo``: load the three demonstration programmes once."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from barrio.accounts.selectors import programme_exists
from barrio.accounts.services import (
    organisation_create,
    programme_create,
    programme_set_units,
    role_grant,
    user_create,
)
from barrio.demo.casework import load_casework
from barrio.demo.households import load_households
from barrio.demo.participation import load_participation
from barrio.demo.payments import load_payments
from barrio.demo.reviews import load_review_demo
from barrio.demo.votes import load_vote_demo
from barrio.planning.services import targeting_run_approve, targeting_run_create
from barrio.planning.specs import TargetingSpec
from barrio.territories.files import UnitFileOptions
from barrio.territories.selectors import indicator_get, unit_list
from barrio.territories.services import (
    index_compute,
    index_define,
    indicator_derive_rate,
    indicators_define_from_table,
    indicators_import,
    unit_create,
    units_import,
)

DEMO = Path(__file__).resolve().parents[2]
DATA = DEMO / "data"
UNIT_FILE = UnitFileOptions(code_field="code", name_field="name", parent_code_field="parent")


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_units() -> dict[str, Any]:
    """Create the demo units of Mexico City, Santiago and Lima; return them by code."""
    units: dict[str, Any] = {}
    cdmx = unit_create(country="MX", level="entidad", code="09", name="Ciudad de México")
    units["09"] = cdmx
    for row in _read("mx_cdmx_alcaldias.csv"):
        units[row["cve_mun"]] = unit_create(
            country="MX", level="alcaldía", code=row["cve_mun"], name=row["alcaldia"], parent=cdmx
        )
    units_import(
        path=DATA / "mx_cdmx_colonias.geojson",
        country="MX",
        level="colonia",
        options=UNIT_FILE,
        parent_level="alcaldía",
    )
    units["13"] = unit_create(country="CL", level="región", code="13", name="Región Metropolitana")
    units_import(
        path=DATA / "cl_rm_comunas.geojson",
        country="CL",
        level="comuna",
        options=UNIT_FILE,
        parent_level="región",
    )
    for row in _read("pe_lima_callao_distritos.csv"):
        department_code, province_code = row["ubigeo"][:2], row["ubigeo"][:4]
        if department_code not in units:
            units[department_code] = unit_create(
                country="PE", level="departamento", code=department_code, name=row["departamento"]
            )
        if province_code not in units:
            units[province_code] = unit_create(
                country="PE",
                level="provincia",
                code=province_code,
                name=row["provincia"],
                parent=units[department_code],
            )
        units[row["ubigeo"]] = unit_create(
            country="PE",
            level="distrito",
            code=row["ubigeo"],
            name=row["distrito"],
            parent=units[province_code],
        )
    # Polygons of 49 of the 51 districts (two have none upstream, two are newer than it).
    units_import(
        path=DATA / "pe_lima_callao_distritos.geojson",
        country="PE",
        level="distrito",
        options=UNIT_FILE,
        parent_level="provincia",
        allow_missing_geometry=True,
    )
    for unit in unit_list(within=[units["13"]]):
        units[unit.code] = unit
    indicators_define_from_table(path=DATA / "indicadores.csv")
    indicators_import(path=DATA / "pe_lima_callao_indicadores.csv", country="PE", level="distrito")
    indicators_import(path=DATA / "cl_rm_comunas_indicadores.csv", country="CL", level="comuna")
    load_cdmx_indicators()
    index = _index("indice_necesidad_lima.json")
    index_compute(
        index=index,
        units=[u for u in units.values() if u.country == "PE" and u.level == "distrito"],
        period="2020",
        input_periods={
            "pct_pobreza_total": "2018",
            "pct_pobreza_extrema": "2013",
            "indice_vulnerabilidad_alimentaria": "2018",
            "idh_2019": "2019",
        },
    )
    return units


def _indicator(code: str) -> Any:
    """The indicator ``code``, defined by ``indicadores.csv``."""
    found = indicator_get(code=code)
    assert found is not None, code
    return found


def _index(name: str) -> Any:
    """Define the composite index configured in the data file ``name``."""
    spec = json.loads((DATA / name).read_text(encoding="utf-8"))
    return index_define(
        code=spec["code"], name=spec["name"], spec=spec, description=spec["description"]
    )


#: Crime counts of the Mexico City colonias → the rate per 1,000 inhabitants made from each.
CDMX_RATES = {
    "delitos_total": ("tasa_delitos_total", "Delitos denunciados por 1.000 habitantes, 2024"),
    "delitos_robos": ("tasa_robos", "Robos por 1.000 habitantes, 2024"),
    "delitos_violencia_familiar": (
        "tasa_violencia_familiar",
        "Violencia familiar por 1.000 habitantes, 2024",
    ),
    "delitos_lesiones_dolosas": (
        "tasa_lesiones_dolosas",
        "Lesiones dolosas por 1.000 habitantes, 2024",
    ),
    "delitos_homicidio_feminicidio": (
        "tasa_homicidio_feminicidio",
        "Homicidio y feminicidio dolosos por 1.000 habitantes, 2024",
    ),
}


def load_cdmx_indicators() -> None:
    """Population and crimes of the colonias, their rates and the demo's insecurity index."""
    for name, period in (
        ("mx_cdmx_colonias_poblacion_2022.csv", "2022"),
        ("mx_cdmx_colonias_delitos_2024.csv", "2024"),
    ):
        indicators_import(
            path=DATA / name, country="MX", level="colonia", form="wide", period=period
        )
    population = _indicator("poblacion_2022")
    for count_code, (code, name) in CDMX_RATES.items():
        indicator_derive_rate(
            code=code,
            name=name,
            numerator=_indicator(count_code),
            numerator_period="2024",
            denominator=population,
            denominator_period="2022",
            period="2024",
        )
    index_compute(
        index=_index("indice_inseguridad_cdmx.json"),
        units=list(unit_list().filter(country="MX", level="colonia")),
        period="2024",
        input_periods=dict.fromkeys((code for code, _name in CDMX_RATES.values()), "2024"),
    )


#: An approved targeting run per programme with data: who runs it, who approves it, how.
DEMO_RUNS = {
    "demo-lima": (
        "gestora.lima@barrio.demo",
        TargetingSpec(
            name="Distritos priorizados 2026",
            level="distrito",
            indicator="indice_necesidad_lima",
            period="2020",
            group_level="provincia",
            at_least_per_group=2,
            max_units=12,
        ),
    ),
    "demo-cdmx": (
        "gestora.cdmx@barrio.demo",
        TargetingSpec(
            name="Colonias priorizadas 2026",
            level="colonia",
            indicator="indice_inseguridad_cdmx",
            period="2024",
            # Rates of colonias with very few residents are too unstable to rank.
            population_indicator="poblacion_2022",
            population_period="2022",
            min_population=1000,
            group_level="alcaldía",
            at_least_per_group=3,
            max_units=40,
        ),
    ),
    "demo-chile": (
        "gestor.chile@barrio.demo",
        TargetingSpec(
            name="Comunas priorizadas 2026",
            level="comuna",
            indicator="ips_2019",
            period="2019",
            strata=("high", "very_high"),
            max_units=10,
        ),
    ),
}


def load_targeting(programme: Any, admin: Any, users: dict[str, Any]) -> None:
    """Run the demo targeting of ``programme`` as the administrator; its manager approves it."""
    if programme.slug not in DEMO_RUNS:
        return
    approver, spec = DEMO_RUNS[programme.slug]
    run = targeting_run_create(actor=admin, programme=programme, spec=spec)
    targeting_run_approve(actor=users[approver], run=run)


class Command(BaseCommand):
    help = (
        "Load the demonstration programmes (Mexico City, Chile, Lima), their territorial units "
        "and one demo user per role. A programme that already exists is left as it is, so a "
        "second run keeps what users changed. Refused in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BARRIO_DEMO_ALLOWED:
            raise CommandError("The demonstration data may not be loaded in production mode.")
        data = json.loads((DEMO / "programmes.json").read_text(encoding="utf-8"))
        expires_on = dt.date.today() + dt.timedelta(days=365)
        created: list[str] = []
        if all(programme_exists(slug=item["slug"]) for item in data["programmes"]):
            # Everything is there: leave what people changed as it is.
            self.stdout.write(f"Demo programmes: 0 created, {len(data['programmes'])} kept.")
            return
        with transaction.atomic():
            units = load_units()
            users = {}
            for person in data["users"]:
                user = user_create(
                    email=person["email"],
                    password=person["password"],
                    first_name=person["first_name"],
                    last_name=person["last_name"],
                    is_staff=person.get("superuser", False),
                )
                if person.get("superuser") and not user.is_superuser:
                    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)
                    user.refresh_from_db()
                users[person["email"]] = user
            admin = next(users[p["email"]] for p in data["users"] if p.get("superuser"))
            for item in data["programmes"]:
                if programme_exists(slug=item["slug"]):
                    continue
                item = dict(item)
                organisations = item.pop("organisations", [])
                areas = item.pop("areas", [])
                for field in ("starts_on", "ends_on"):
                    if item.get(field):
                        item[field] = dt.date.fromisoformat(item[field])
                programme = programme_create(**item)
                programme_set_units(programme=programme, units=[units[code] for code in areas])
                for organisation in organisations:
                    organisation_create(
                        name=organisation["name"],
                        kind=organisation["kind"],
                        country=programme.country,
                        programmes=[programme],
                    )
                for person in data["users"]:
                    for slug, role, unit_code in person["roles"]:
                        if slug == programme.slug:
                            role_grant(
                                actor=admin,
                                user=users[person["email"]],
                                role=role,
                                programme=programme,
                                unit=units[unit_code] if unit_code else None,
                                expires_on=expires_on,
                            )
                load_targeting(programme, admin, users)
                load_participation(programme, admin, users)
                if programme.slug == "demo-lima":
                    districts = sorted(
                        code
                        for code, unit in units.items()
                        if unit.country == "PE" and unit.level == "distrito"
                    )
                    load_households(programme, districts)
                    load_casework(programme, users)  # grievances (issue 10 part B)
                    load_payments(programme, users, admin)  # cash assistance (issue 10)
                # After the demo call and its proposals: the committee's review and an
                # assembly (participation, review half).
                load_review_demo(programme, users)
                # A closed, published vote of a past call (issue 8, paper ballots half).
                load_vote_demo(programme, admin, users)
                created.append(programme.slug)
        kept = len(data["programmes"]) - len(created)
        self.stdout.write(f"Demo programmes: {len(created)} created, {kept} kept.")
