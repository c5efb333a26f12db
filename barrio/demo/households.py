"""Synthetic households of the Lima demo: never real people, generated with a seed.

Faker gives names (its Colombian and Latin American Spanish locales: it has no Peruvian or
Venezuelan one), with given names typical of Venezuela mixed in; about one person in eight
is registered a second time the way it happens at the desks — second family name missing,
names swapped or spelt another way ("Yusmary"/"Yusmari"), a new phone, another document
(a Venezuelan passport first, a Peruvian CPP later) — and a few keep the same document, so
that the exact rule finds them and the adjudication queue has work.
"""

from __future__ import annotations

import csv
import io
import random
from typing import Any

from faker import Faker

from barrio.registry.imports.parse import TEMPLATE_COLUMNS
from barrio.registry.services import (
    adjudication_tasks_open,
    exact_document_pairs,
    household_import,
)

SEED = 20260115
LOCALES = {"VE": "es_CO", "CO": "es_CO", "PE": "es_MX"}
#: Given names common in Venezuela, which Faker's locales lack.
VENEZUELAN = {
    "female": ["Yusmary", "Yulimar", "Oriana", "Dayana", "Yelitza", "Marbelys", "Yoselin"],
    "male": ["Yorman", "Wilmer", "Eliezer", "Yeferson", "Jhonny", "Deivis", "Yonathan"],
}
SPELLINGS = {"y": "i", "i": "y", "v": "b", "b": "v", "s": "z", "ll": "y"}


def _respell(name: str, rng: random.Random) -> str:
    for old, new in SPELLINGS.items():
        if old in name[1:] and rng.random() < 0.7:
            return name[0] + name[1:].replace(old, new, 1)
    return name


def household_rows(
    units: list[str], households: int = 240, seed: int = SEED
) -> list[dict[str, str]]:
    """Rows of the import template for ``households`` synthetic households and their
    repeated registrations."""
    rng = random.Random(seed)
    fakers = {code: Faker(locale) for code, locale in LOCALES.items()}
    for position, faker in enumerate(fakers.values()):
        faker.seed_instance(seed + position)
    rows: list[dict[str, str]] = []
    for number in range(households):
        nationality = rng.choices(["VE", "PE", "CO"], weights=[6, 3, 1])[0]
        faker = fakers[nationality]
        status = (
            "host"
            if nationality == "PE"
            else rng.choice(["migrant", "migrant", "refugee", "asylum_seeker"])
        )
        unit = rng.choice(units)
        arrival = "" if status == "host" else faker.date_between("-8y", "-1m").isoformat()
        family = [faker.last_name(), faker.last_name()]
        size = rng.choice([1, 2, 3, 3, 4, 4, 5, 6])
        people = []
        for member in range(size):
            adult = member < 2
            sex = rng.choice(["female", "male"])
            given = faker.first_name_female() if sex == "female" else faker.first_name_male()
            if nationality == "VE" and rng.random() < 0.5:
                given = rng.choice(VENEZUELAN[sex])
            if rng.random() < 0.5:
                second = faker.first_name_female() if sex == "female" else faker.first_name_male()
                given = f"{given} {second}"
            birth = faker.date_of_birth(
                minimum_age=18 if adult else 0, maximum_age=70 if adult else 17
            )
            kind = {"VE": "ve_passport", "PE": "pe_dni", "CO": "co_cc"}[nationality]
            if nationality == "VE" and rng.random() < 0.4:
                kind = "ve_cedula"
            people.append(
                {
                    "relationship": "head"
                    if member == 0
                    else ("partner" if member == 1 else "child"),
                    "given_names": given,
                    "family_name_1": family[0] if member != 1 else faker.last_name(),
                    "family_name_2": family[1] if member != 1 else faker.last_name(),
                    "sex": sex,
                    "birth_date": birth.isoformat(),
                    "nationality": nationality,
                    "document_type": kind,
                    "document_number": str(rng.randint(10_000_000, 29_999_999)),
                    "phone": f"9{rng.randint(10_000_000, 99_999_999)}" if adult else "",
                    "pregnancy": "yes" if sex == "female" and adult and rng.random() < 0.05 else "",
                    "disability": "yes" if rng.random() < 0.04 else "",
                }
            )
        base = {
            "household_id": f"DEMO-{number:04d}",
            "unit_code": unit,
            "residence_status": status,
            "arrival_date": arrival,
            "address": faker.street_address(),
            "vulnerability": ";".join(
                rng.sample(
                    ["single_caregiver", "no_income", "irregular_status", "eviction_risk"],
                    rng.randint(0, 2),
                )
            ),
        }
        for member, person in enumerate(people):
            rows.append({**base, **person, "member_id": f"DEMO-{number:04d}-{member}"})
        if rng.random() < 0.12:
            rows += _registered_again(base, people[0], number, rng, fakers[nationality])
    return rows


def _registered_again(
    base: dict[str, str], head: dict[str, str], number: int, rng: random.Random, faker: Faker
) -> list[dict[str, str]]:
    """The head registered again, alone, as a second household: realistic variations."""
    again = dict(head)
    change = rng.choice(["second_name", "spelling", "swap", "document", "same_document"])
    if change == "second_name":
        again["family_name_2"] = ""
    elif change == "spelling":
        again["given_names"] = _respell(again["given_names"], rng)
    elif change == "swap":
        again["family_name_1"], again["family_name_2"] = (
            head["family_name_2"],
            head["family_name_1"],
        )
    elif change == "document" and head["nationality"] == "VE":
        again["document_type"] = "pe_cpp"
        again["document_number"] = str(rng.randint(100_000_000, 999_999_999))
    again["phone"] = f"9{rng.randint(10_000_000, 99_999_999)}"
    return [
        {
            **base,
            **again,
            "household_id": f"DEMO-{number:04d}-B",
            "member_id": f"DEMO-{number:04d}-B-0",
            "address": faker.street_address(),
            "relationship": "head",
        }
    ]


def load_households(programme: Any, units: list[str]) -> dict[str, int]:
    """Import the synthetic households into ``programme`` and open the exact-rule tasks."""
    rows = household_rows(units)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(TEMPLATE_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    report = household_import(
        actor=None,
        programme=programme,
        content=buffer.getvalue().encode("utf-8"),
        file_name="demo-lima.csv",
        max_duplicate_share=1.0,
    )
    tasks = adjudication_tasks_open(programme=programme, pairs=exact_document_pairs(programme))
    return {"households": report.households_new, "people": report.people_new, "tasks": tasks}
