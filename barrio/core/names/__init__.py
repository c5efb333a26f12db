"""Normalise territorial-unit names and match table rows to units within their parent.

Tables of programmes name colonias, barrios and districts in many ways: "PEDREGAL DE STO
DOMINGO (U HAB)", "U.H. Pedregal de Santo Domingo", "Ampliación II" or "Ampl. 2". The
matcher compares rows to the candidate units of the same parent (alcaldía, comuna,
province) in stages, from the most to the least certain, and keeps the first stage that
gives a single unit:

``exact``
    the names are equal ignoring case and surrounding spaces;
``normalised``
    the normalised keys are equal (see :func:`name_key`); when several units share the key,
    the kinds of settlement named ("Pueblo", "Barrio", "U.H.") pick one;
``section``
    the row names a numbered section of a unit ("AGRICOLA ORIENTAL VI", "OBRERA III"):
    without its trailing section number its key equals the unit's;
    the row names a numbered section of a unit ("AGRICOLA ORIENTAL VI", "OBRERA III") or
    a named one ("EL BOSQUE SECCION TORRES"): without it its key equals the unit's;
``partial``
    one part of a compound name ("JARDINES DEL LLANO-U.H. VILLA TLATEMPA", "BATAN VIEJO
    (EL MAESTRO)") matches a unit, or all the words of one name are in the other with a
    distinctive word, the same numbers and the same "Ampliación" ("VALENTIN GOMEZ
    FARIAS" in "Reacomodo Valentín Gómez Farías");
``compound``
    the parts of a compound name match several units ("COLINAS DEL BOSQUE-LAS
    TORTOLAS"): the row gets the first, ``NameMatch.parts`` lists them all;
``fuzzy``
    the best ``difflib`` similarity of the normalised names is at least ``min_score``,
    beats the next unit by ``margin``, and no number or "Ampliación" differs.

The last two stages look only at the rows left and at the units no row (and no name of
the rows' ``catalogue``) took -- two catalogues of one city differ in few units, and
those few are where the few rows left belong:

``split``
    the newer catalogue divides the unit the row names: every free unit with all its
    words and more ("SAN CLEMENTE": "San Clemente Norte", "San Clemente Sur"); the row
    gets the first, ``parts`` lists them all;
``leftover``
    the row and a free unit are each other's clearly best fit, by a likeness of their
    words that weighs rare words more and hears Spanish spelling ("LA MESA" / "La
    Meza", "PROF JOSE ARTURO LOPEZ" / "Profesor J. Arturo López Martínez"; see
    :mod:`barrio.core.names.similarity`), at least ``leftover_score``.

Each unit counts once however many spellings (``Candidate.aliases``) it has. Every other
row -- including rows that fit two units equally well -- is reported unmatched with its
best candidates, for a person to resolve (:func:`suggest` ranks the choices). Partial,
compound, fuzzy, split and leftover matches are to be confirmed by a person
(:meth:`MatchReport.to_review`).
"""

from barrio.core.names.match import (
    Candidate,
    MatchKind,
    MatchReport,
    NameMatch,
    candidates_with_aliases,
    match_names,
    suggest,
)
from barrio.core.names.normalise import name_key, normalise_name, roman_to_int

__all__ = [
    "Candidate",
    "MatchKind",
    "MatchReport",
    "NameMatch",
    "candidates_with_aliases",
    "match_names",
    "name_key",
    "normalise_name",
    "roman_to_int",
    "suggest",
]
