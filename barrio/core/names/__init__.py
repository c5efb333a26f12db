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
``partial``
    one part of a compound name ("JARDINES DEL LLANO-U.H. VILLA TLATEMPA") matches a unit,
    or all the words of one name are in the other with a distinctive word, the same
    numbers and the same "Ampliación" ("VALENTIN GOMEZ FARIAS" in "Reacomodo Valentín
    Gómez Farías");
``fuzzy``
    the best ``difflib`` similarity of the normalised names is at least ``min_score``,
    beats the next unit by ``margin``, and no number or "Ampliación" differs.

Each unit counts once however many spellings (``Candidate.aliases``) it has. Every other
row -- including rows that fit two units equally well -- is reported unmatched with its
best candidates, for a person to resolve. Partial and fuzzy matches carry a score below 1
so a page can ask a person to confirm them.
"""

from barrio.core.names.match import (
    Candidate,
    MatchKind,
    MatchReport,
    NameMatch,
    candidates_with_aliases,
    match_names,
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
]
