"""A seeded synthetic registry of people with realistic duplicates and known truth.

Never real people: names are drawn from lists of common Peruvian, Colombian and
Venezuelan given names and Spanish family names with Zipf-like frequencies, so that
common names ("María García") are shared by many different people. People live in
households: children carry the first family name of each parent, members share the
household's unit and often its phone -- siblings are the hard case of precision.

A share of the records are duplicates of a person already in the registry, registered
again with the errors seen at orientation desks and in partner agencies' files:

- the second family name missing, or the two family names swapped;
- given names and first family name swapped, or the second given name missing;
- a transliteration ("Yusmary"/"Yusmari", "Velásquez"/"Belázquez", "Jhonny"/"Johnny");
- a typo (a letter replaced, dropped, doubled or two letters transposed);
- accents dropped and capitals, extra spaces;
- a new phone or none, another document (another type and number) or none, a typo in
  the document number, day and month of birth swapped, a move to another unit.

The column ``person_id`` is the truth: records with the same ``person_id`` are the same
person. Everything is drawn from one :class:`numpy.random.Generator` seeded by ``seed``:
the same arguments give the same frame.
"""

from __future__ import annotations

import unicodedata
from typing import Final

import numpy as np
import pandas as pd

__all__ = ["generate_registry", "true_pairs"]


def _words(text: str) -> tuple[str, ...]:
    """The words of a text: name lists stay readable in the source."""
    return tuple(text.split())


FEMALE: Final = _words(
    "María Ana Rosa Carmen Luz Yusmary Yuleisi Mariela Daniela Gabriela Andrea Carolina "
    "Valentina Camila Isabel Sofía Lucía Patricia Milagros Elizabeth Jessica Katherine "
    "Yenny Yolanda Flor Gladys Marisol Norma Rocío Verónica Claudia Diana Paola Yelitza "
    "Yoselin Johana Yurimar Maryori Nathaly Mayerlin Génesis Dayana Yanelis Adriana "
    "Beatriz Teresa Juana Elena Victoria Alejandra Fernanda Ximena Zulay Mileidy Wendy "
    "Estefanía Yamileth Fabiola Raquel Silvia Mónica Susana Esther Marlene Nancy Doris "
    "Zoila Karina Lorena Vanessa Stephanie Yessenia Leidy Xiomara Anyelina Maholy"
)
MALE: Final = _words(
    "José Juan Luis Carlos Jorge Miguel Pedro Manuel Jesús Víctor Ángel Francisco Javier "
    "David Daniel Alejandro Andrés Fernando Ricardo Eduardo Roberto Raúl Óscar César "
    "Wilmer Yorman Jhonny Darwin Yeferson Maikel Anderson Kelvin Jhoan Yonathan Brayan "
    "Jefferson Deivis Richard Gustavo Alberto Sergio Rafael Héctor Hugo Julio Enrique "
    "Ramón Rubén Samuel Sebastián Mateo Santiago Diego Nicolás Gabriel Adrián Elías "
    "Wilfredo Henry Edwin Alexander Leonardo Omar Freddy Nelson Rolando Walter Edgar "
    "Gerardo Guillermo Ignacio Joel Kevin Yordi Eliezer"
)
SURNAMES: Final = _words(
    "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín "
    "Hernández Díaz Torres Ramírez Flores Rojas Vargas Castillo Chávez Mendoza Quispe "
    "Mamani Huamán Ramos Gutiérrez Morales Romero Vásquez Ruiz Jiménez Álvarez Castro "
    "Suárez Ortiz Rivera Silva Medina Herrera Aguilar Reyes Cruz Guerrero Contreras "
    "Salazar Paredes Cárdenas Córdova Espinoza Benítez Villalobos Velásquez Rivas "
    "Zambrano Briceño Marcano Guzmán Bermúdez Peña Acosta Figueroa Molina Delgado "
    "Navarro Campos Vega Soto Cabrera Ríos Montilla Osorio Cardona Ospina Valencia Muñoz "
    "Quintero Arias Giraldo Londoño Zapata Mejía Henao Carrasco León Cáceres Ccori "
    "Condori Ticona Apaza Coaquira Huanca Yupanqui Ayala Salinas Meza Palomino Cordero "
    "Barrios Pacheco Linares Escalona Colmenares Urdaneta Chirinos Pineda Sandoval "
    "Montero Prieto Bastidas Villarroel Camacho Lugo Rondón Manrique Oviedo Rosales "
    "Valera Duarte Bravo Fuentes Miranda Lozano Carrillo Escobar Tapia"
)
COMPOUND: Final = ("De la Cruz", "Del Castillo", "De los Santos", "San Martín", "Da Silva")

# Transliterations seen in registries, tried in order; the first that applies is used.
TRANSLITERATIONS: Final = (
    ("y", "i", "$"),
    ("i", "y", "$"),
    ("v", "b", ""),
    ("b", "v", ""),
    ("z", "s", ""),
    ("s", "z", "$"),
    ("ll", "y", ""),
    ("jh", "j", ""),
    ("j", "jh", "^"),
    ("ph", "f", ""),
    ("k", "c", ""),
    ("c", "k", "^"),
    ("nn", "n", ""),
    ("n", "nn", "$"),
    ("h", "", ""),
)

NATIONALITIES: Final = (("VE", 0.62), ("PE", 0.26), ("CO", 0.12))
DOCUMENTS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "VE": (("PASSPORT", "VE"), ("CEDULA", "VE"), ("CPP", "PE"), ("PTP", "PE"), ("CE", "PE")),
    "PE": (("DNI", "PE"), ("DNI", "PE"), ("DNI", "PE"), ("PASSPORT", "PE")),
    "CO": (("CC", "CO"), ("PPT", "CO"), ("PEP", "CO"), ("PASSPORT", "CO")),
}


def _weights(n: int, exponent: float) -> np.ndarray:
    """Zipf-like weights of ``n`` names, the first the most common."""
    w: np.ndarray = 1.0 / np.arange(1, n + 1) ** exponent
    share: np.ndarray = w / w.sum()
    return share


def _days(iso: str) -> int:
    """Days from 1970-01-01 to an ISO date."""
    return int((np.datetime64(iso, "D") - np.datetime64("1970-01-01", "D")).astype(int))


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _transliterate(rng: np.random.Generator, name: str) -> str:
    """One transliteration of a name, or a typo when none applies."""
    low = name.lower()
    order = rng.permutation(len(TRANSLITERATIONS))
    for i in order:
        old, new, where = TRANSLITERATIONS[i]
        if where == "$" and low.endswith(old):
            return name[: len(name) - len(old)] + new
        if where == "^" and low.startswith(old):
            return (new.upper() if name[:1].isupper() else new) + name[len(old) :]
        if where == "" and old in low[1:]:
            at = low.index(old, 1)
            return name[:at] + new + name[at + len(old) :]
    return _typo(rng, name)


def _typo(rng: np.random.Generator, text: str) -> str:
    """One keyboard error: a letter replaced, dropped, doubled, or two transposed."""
    if len(text) < 4:
        return text + "a"
    at = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return text[:at] + "aeioursnl"[int(rng.integers(9))] + text[at + 1 :]
    if kind == 1:
        return text[:at] + text[at + 1 :]
    if kind == 2:
        return text[:at] + text[at] + text[at:]
    return text[: at - 1] + text[at] + text[at - 1] + text[at + 1 :]


def _digits(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    """``n`` random numbers of ``length`` digits, not starting with zero, as text."""
    low, high = 10 ** (length - 1), 10**length
    numbers: np.ndarray = rng.integers(low, high, size=n).astype(str)
    return numbers


def generate_registry(
    n_records: int, *, duplicate_share: float = 0.3, seed: int = 0
) -> pd.DataFrame:
    """Generate a synthetic registry of people with duplicates.

    Parameters
    ----------
    n_records : int
        Number of records, duplicates included.
    duplicate_share : float, default 0.3
        Share of the records that are another registration of a person already in the
        registry (0 to 0.9).
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`barrio.core.dedupe.RECORD_COLUMNS` (``record_id`` is
        ``"R"`` and seven or more digits, in row order), plus ``person_id`` (the truth)
        and ``household_id``; rows are shuffled.

    Raises
    ------
    ValueError
        If ``n_records`` is below 1 or ``duplicate_share`` outside [0, 0.9].

    Examples
    --------
    >>> people = generate_registry(1000, seed=1)
    >>> len(people), people["person_id"].nunique()
    (1000, 700)
    >>> generate_registry(1000, seed=1).equals(people)
    True
    """
    if n_records < 1:
        raise ValueError(f"n_records must be at least 1, not {n_records}")
    if not 0 <= duplicate_share <= 0.9:
        raise ValueError(f"duplicate_share must be between 0 and 0.9, not {duplicate_share}")
    rng = np.random.default_rng(seed)
    n_people = max(1, round(n_records * (1 - duplicate_share)))
    people = _people(rng, n_people)
    dups = _duplicates(rng, people, n_records - n_people)
    registry = pd.concat([people, dups], ignore_index=True)
    registry = registry.iloc[rng.permutation(len(registry))].reset_index(drop=True)
    width = max(7, len(str(len(registry))))
    registry.insert(0, "record_id", [f"R{i:0{width}d}" for i in range(1, len(registry) + 1)])
    return registry


def _people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` distinct people in households (vectorised)."""
    # Household sizes 1-6; members: head, partner, then children.
    sizes = rng.choice(np.arange(1, 7), size=n, p=[0.22, 0.2, 0.2, 0.18, 0.12, 0.08])
    starts = np.concatenate([[0], np.cumsum(sizes)])
    n_households = int(np.searchsorted(starts, n, side="left"))
    sizes = sizes[:n_households]
    household = np.repeat(np.arange(n_households), sizes)[:n]
    position = (np.arange(n) - starts[household]).astype(int)
    adult = position < 2

    surnames = np.array((*SURNAMES, *COMPOUND), dtype=object)
    sw = _weights(len(surnames), 0.9)
    # Each household's two adults have their own two family names.
    head_f1, head_f2, part_f1, part_f2 = (
        rng.choice(surnames, size=n_households, p=sw) for _ in range(4)
    )
    f1 = np.where(position == 0, head_f1[household], part_f1[household])
    f2 = np.where(position == 0, head_f2[household], part_f2[household])
    child = ~adult
    f1[child] = head_f1[household[child]]
    f2[child] = part_f1[household[child]]

    sex = np.where(position == 0, rng.random(n) < 0.45, rng.random(n) < 0.5)
    sex = np.where(position == 1, ~np.roll(sex, 1), sex)  # partners mostly of other sex
    sex_code = np.where(sex, "M", "F")
    female = np.array(FEMALE, dtype=object)
    male = np.array(MALE, dtype=object)
    g1 = np.where(
        sex,
        rng.choice(male, size=n, p=_weights(len(male), 1.0)),
        rng.choice(female, size=n, p=_weights(len(female), 1.0)),
    )
    g2 = np.where(
        sex,
        rng.choice(male, size=n, p=_weights(len(male), 0.7)),
        rng.choice(female, size=n, p=_weights(len(female), 0.7)),
    )
    has_second = (rng.random(n) < 0.35) & (g2 != g1)
    given = np.where(has_second, g1 + " " + g2, g1)

    day = np.datetime64("1970-01-01", "D")
    adult_day = rng.integers(_days("1950-01-01"), _days("2003-12-31"), size=n)
    child_day = rng.integers(_days("2004-01-01"), _days("2024-12-31"), size=n)
    birth = (day + np.where(adult, adult_day, child_day)).astype(str)

    codes = np.array([c for c, _ in NATIONALITIES])
    household_nat = rng.choice(codes, size=n_households, p=[p for _, p in NATIONALITIES])
    nationality = household_nat[household]
    doc_type = np.empty(n, dtype=object)
    doc_country = np.empty(n, dtype=object)
    for code in codes:
        rows = np.flatnonzero(nationality == code)
        options = DOCUMENTS[str(code)]
        pick = rng.integers(len(options), size=len(rows))
        doc_type[rows] = [options[i][0] for i in pick]
        doc_country[rows] = [options[i][1] for i in pick]
    doc_number = _digits(rng, n, 9).astype(object)
    no_document = child & (rng.random(n) < 0.3)
    for column in (doc_type, doc_country, doc_number):
        column[no_document] = None

    household_phone = ("9" + _digits(rng, n_households, 8)).astype(object)
    own_phone = ("9" + _digits(rng, n, 8)).astype(object)
    phone_kind = rng.random(n)
    phone = np.where(
        position == 0,
        household_phone[household],
        np.where(phone_kind < 0.5, household_phone[household], own_phone),
    )
    phone[(position > 0) & (phone_kind > 0.75)] = None

    units = np.array([f"U{u:04d}" for u in range(1, 401)])
    unit = rng.choice(units, size=n_households, p=_weights(len(units), 0.5))[household]

    return pd.DataFrame(
        {
            "given_names": given,
            "family_name_1": f1,
            "family_name_2": f2,
            "sex": sex_code,
            "birth_date": birth,
            "nationality": nationality,
            "document_type": doc_type,
            "document_number": doc_number,
            "document_country": doc_country,
            "phone": phone,
            "unit_code": unit,
            "person_id": np.arange(n),
            "household_id": household,
        }
    )


def _duplicates(rng: np.random.Generator, people: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` new registrations of people drawn from ``people``, each with some errors."""
    if n <= 0:
        return people.iloc[:0].copy()
    # Some people are registered three or four times.
    source = rng.integers(len(people), size=n)
    columns = {c: people[c].to_numpy(dtype=object)[source] for c in people.columns}
    for values in columns.values():
        values[pd.isna(values)] = None
    names = list(columns)
    records = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    draws = rng.random((n, 16))
    for row, u in zip(records, draws, strict=True):
        _corrupt(rng, row, u)
    return pd.DataFrame(records, columns=people.columns)


def _corrupt(rng: np.random.Generator, row: dict[str, object], u: np.ndarray) -> None:
    """Apply the errors of one duplicate in place; ``u`` holds its uniform draws."""
    given = str(row["given_names"])
    f1, f2 = str(row["family_name_1"]), row["family_name_2"]
    if u[0] < 0.25:
        f2 = None
    elif u[0] < 0.32 and f2 is not None:
        f1, f2 = str(f2), f1
    if u[1] < 0.15 and " " in given:
        given = given.split()[0]
    if u[2] < 0.3:
        words = given.split()
        words[0] = _transliterate(rng, words[0])
        given = " ".join(words)
    elif u[2] < 0.36:
        f1 = _transliterate(rng, f1)
    if u[3] < 0.2:
        target = int(rng.integers(3))
        if target == 0:
            given = _typo(rng, given)
        elif target == 1:
            f1 = _typo(rng, f1)
        elif f2 is not None:
            f2 = _typo(rng, str(f2))
    if u[4] < 0.04:
        given, f1 = f1, given
    if u[5] < 0.5:
        given, f1 = _strip_accents(given), _strip_accents(f1)
        f2 = _strip_accents(str(f2)) if f2 is not None else None
    if u[6] < 0.3:
        given, f1 = given.upper(), f1.upper()
        f2 = str(f2).upper() if f2 is not None else None
    row["given_names"], row["family_name_1"], row["family_name_2"] = given, f1, f2

    if u[7] < 0.35:
        row["phone"] = "9" + str(rng.integers(10**7, 10**8))
    elif u[7] < 0.45:
        row["phone"] = None
    elif u[7] < 0.55 and row["phone"] is not None:
        row["phone"] = "+51 " + str(row["phone"])
    if u[8] < 0.25:
        # Another document: always of another type (a person has one number per type).
        options = [o for o in DOCUMENTS[str(row["nationality"])] if o[0] != row["document_type"]]
        kind, country = options[int(rng.integers(len(options)))]
        row["document_type"], row["document_country"] = kind, country
        row["document_number"] = str(rng.integers(10**8, 10**9))
    elif u[8] < 0.33:
        row["document_type"] = row["document_number"] = row["document_country"] = None
    elif u[8] < 0.37 and row["document_number"] is not None:
        row["document_number"] = _typo(rng, str(row["document_number"]))
    if u[9] < 0.03:
        year, month, day = str(row["birth_date"]).split("-")
        if int(day) <= 12:
            row["birth_date"] = f"{year}-{day}-{month}"
    elif u[9] < 0.05:
        row["birth_date"] = None
    if u[10] < 0.12:
        row["unit_code"] = f"U{int(rng.integers(1, 401)):04d}"
    if u[11] < 0.03:
        row["sex"] = None


def true_pairs(registry: pd.DataFrame) -> set[tuple[str, str]]:
    """The pairs of records of the same person, each as ``(smaller id, larger id)``.

    Parameters
    ----------
    registry : pandas.DataFrame
        Records with ``record_id`` and ``person_id`` columns.

    Returns
    -------
    set of (str, str)
        Every pair of distinct records with the same ``person_id``.

    Examples
    --------
    >>> frame = pd.DataFrame({"record_id": ["a", "b", "c", "d"], "person_id": [1, 1, 2, 1]})
    >>> sorted(true_pairs(frame))
    [('a', 'b'), ('a', 'd'), ('b', 'd')]
    """
    ids = registry[["record_id", "person_id"]].astype({"record_id": str})
    joined = ids.merge(ids, on="person_id", suffixes=("_l", "_r"))
    joined = joined[joined["record_id_l"] < joined["record_id_r"]]
    return set(zip(joined["record_id_l"], joined["record_id_r"], strict=True))
