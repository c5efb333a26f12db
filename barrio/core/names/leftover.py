"""The last stage: pair the names left unmatched with the units no other name took.

When two catalogues of one city differ, most units still match by name; the few units of
the newer catalogue that no name of the older one claims are the likely homes of the few
names left over. A name and a unit are paired when each is the other's clearly most alike
(:func:`~barrio.core.names.similarity.name_similarity`), numbers agree and the kinds of
settlement do not contradict each other: "AMPLIACION MIGUEL HIDALGO 2A SECC" goes to
"Miguel Hidalgo 2a Sección" only because no other name of the older catalogue is
"Miguel Hidalgo 2a Sección" and no other left-over name fits it as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from barrio.core.names.normalise import analyse_name
from barrio.core.names.similarity import WordWeights, name_similarity, word_similarity
from barrio.core.names.stages import GENERIC_WORDS, PreparedName, section_variants

__all__ = ["pair_leftovers", "split_units"]

_SEPARATORS = frozenset("-/_")


# A kind of settlement one name says and the other does not lowers the likeness by this.
_KIND_UNSAID = 0.05
# A name inside the other (see _inside) is accepted this much below the lowest likeness.
_INSIDE_SLACK = 0.15
# Words that sound alike.
_SAME_SOUND = 0.95


def _fits(tokens: Sequence[str], unit: PreparedName) -> bool:
    """Numbers agree, and "Ampliación" too unless a numbered section pins the unit.

    "CTM 10" never pairs with "CTM 1", nor "SAN MIGUEL (AMPL)" with "Barrio San Miguel";
    a catalogue may drop the word from a section: "AMPLIACION MIGUEL HIDALGO 2A SECC" and
    "Miguel Hidalgo 2a Sección".
    """
    numbers = {t for t in tokens if t[0].isdigit()}
    if numbers != {t for t in unit.tokens if t[0].isdigit()}:
        return False
    return bool(numbers) or ("AMPLIACION" in tokens) == ("AMPLIACION" in unit.tokens)


def _without(tokens: Sequence[str], words: frozenset[str]) -> list[str]:
    """The tokens but the given words, unless nothing would be left."""
    return [t for t in tokens if t not in words] or list(tokens)


def _inside(a: Sequence[str], b: Sequence[str]) -> bool:
    """Every word of the shorter name sounds like a word of the longer, one is distinctive.

    "TEPETONGO" is inside "Cumbres de Tepetongo" and "El Rosario" inside "RANCHO EL
    ROSARIO"; "San Andrés" inside "SAN ANDRES MIXQUIC" does not count, a saint's name
    being no distinctive word.
    """
    if len(a) == len(b):
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    saints = {short[i + 1] for i, w in enumerate(short[:-1]) if w in {"SAN", "SANTA", "SANTO"}}
    return all(
        max(word_similarity(w, other) for other in long_) >= _SAME_SOUND for w in short
    ) and any(len(w) >= 4 and w.isalpha() and w not in GENERIC_WORDS | saints for w in short)


def _likeness(
    name: str, units: Sequence[PreparedName], weights: WordWeights, local: frozenset[str]
) -> dict[str, tuple[float, bool]]:
    """Best likeness of a name, as written or without its section, to each unit it fits.

    Words of the parent's own name (``local``: "TLALPAN" in Tlalpan) are left out, as they
    tell no unit of the parent from another; the flag says whether one name is inside the
    other (:func:`_inside`).
    """
    tokens, kinds = analyse_name(name)
    variants = [_without(v, local) for v in [tokens, *section_variants(name, tokens)] if v]
    out: dict[str, tuple[float, bool]] = {}
    for unit in units:
        if not (kinds <= unit.kinds or unit.kinds <= kinds):
            continue  # a "Pueblo" is not a "Barrio"
        # "MAGDALENA MIXHUCA" and "... (PBLO)" go to "Magdalena Mixiuhca" and "Pueblo ...".
        unsaid = 0.0 if kinds == unit.kinds else _KIND_UNSAID
        theirs = _without(unit.tokens, local)
        for v in variants:
            if _fits(v, unit):
                s = round(name_similarity(v, theirs, weights) - unsaid, 4)
                found = (s, _inside(v, theirs))
                out[unit.unit.code] = max(found, out.get(unit.unit.code, found))
    return out


def _compatible(tokens: Sequence[str], kinds: frozenset[str], unit: PreparedName) -> bool:
    """Kinds of settlement do not contradict and both or neither say "Ampliación"."""
    return (kinds <= unit.kinds or unit.kinds <= kinds) and (
        ("AMPLIACION" in tokens) == ("AMPLIACION" in unit.tokens)
    )


def split_units(
    names: Mapping[str, Sequence[str]],
    units: Mapping[str, Sequence[PreparedName]],
) -> dict[tuple[str, str], list[str]]:
    """Find the names a newer catalogue splits into several units.

    "SAN CLEMENTE" is "San Clemente Norte" and "San Clemente Sur"; "SAN PEDRO TLAHUAC
    (PBLO)" is the barrios "... Pueblo San Pedro Tláhuac". A name splits when at least
    two free units have all its words and more, one of its words is distinctive (five
    letters or more, not generic), it is no housing estate ("U.H.", smaller than the
    units it would split into) and no other left-over name has all its words in one of
    those units.

    Parameters
    ----------
    names : mapping of parent to names
        The names of each parent no stage matched, distinct.
    units : mapping of parent to prepared unit names
        The units of each parent no name claimed.

    Returns
    -------
    dict of (parent, name) to list of str
        The codes of the parts of each split name, ordered by unit name then code.
    """
    out: dict[tuple[str, str], list[str]] = {}
    for parent, parent_names in names.items():
        pool = units.get(parent, [])
        inside: dict[str, dict[str, PreparedName]] = {}
        for name in parent_names:
            tokens, kinds = analyse_name(name)
            words = set(tokens)
            if (
                _SEPARATORS & set(name)
                or "UH" in kinds
                or not any(len(w) >= 5 and w.isalpha() and w not in GENERIC_WORDS for w in words)
            ):
                continue
            inside[name] = {
                n.unit.code: n
                for n in pool
                if words < set(n.tokens) and _compatible(tokens, kinds, n)
            }
        for name, parts in inside.items():
            shared = any(parts.keys() & other.keys() for o, other in inside.items() if o != name)
            if len(parts) >= 2 and not shared:
                ordered = sorted(parts.values(), key=lambda n: (n.unit.name, n.unit.code))
                out[(parent, name)] = [n.unit.code for n in ordered]
    return out


def _clear_best(scores: Mapping[str, float], margin: float) -> tuple[str, float] | None:
    """The key with the highest score if it beats the next by ``margin``."""
    ranked = sorted(scores.items(), key=lambda t: (-t[1], t[0]))
    if not ranked:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return ranked[0] if ranked[0][1] - runner_up >= margin else None


def pair_leftovers(
    names: Mapping[str, Sequence[str]],
    units: Mapping[str, Sequence[PreparedName]],
    weights: WordWeights,
    *,
    min_score: float,
    margin: float,
) -> dict[tuple[str, str], tuple[str, float]]:
    """Pair each left-over name with the free unit it and only it fits best.

    Parameters
    ----------
    names : mapping of parent to names
        The names of each parent no stage matched, distinct (rows and catalogue names).
    units : mapping of parent to prepared unit names
        The units of each parent no name claimed.
    weights : WordWeights
        Word weights over all the units.
    min_score : float
        Lowest likeness accepted; 0.15 less when one name is inside the other ("TEPETONGO",
        "Cumbres de Tepetongo"). Words of the parent's name ("TLALPAN" in Tlalpan) are
        left out.
    margin : float
        The unit must beat the name's next unit, and the name the unit's next name, by
        this much.

    Returns
    -------
    dict of (parent, name) to (code, score)
        Only the names paired.
    """
    out: dict[tuple[str, str], tuple[str, float]] = {}
    for parent, parent_names in names.items():
        pool = units.get(parent, [])
        local = frozenset(analyse_name(parent)[0])
        # The words of a compound name belong to different units: never mix them.
        table = {
            name: _likeness(name, pool, weights, local)
            for name in parent_names
            if not _SEPARATORS & set(name)
        }
        by_unit: dict[str, dict[str, float]] = {}
        for name, found in table.items():
            for code, (s, _) in found.items():
                by_unit.setdefault(code, {})[name] = s
        for name, found in table.items():
            best = _clear_best({code: s for code, (s, _) in found.items()}, margin)
            if best is None:
                continue
            code, score = best
            if score < min_score and not (found[code][1] and score >= min_score - _INSIDE_SLACK):
                continue
            mutual = _clear_best(by_unit[code], margin)
            if mutual is not None and mutual[0] == name:
                out[(parent, name)] = best
    return out
