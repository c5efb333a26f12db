"""Match table rows to territorial units by name, within their parent, stage by stage."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from barrio.core.names.normalise import analyse_name

__all__ = [
    "Candidate",
    "MatchKind",
    "MatchReport",
    "NameMatch",
    "candidates_with_aliases",
    "match_names",
]

MatchKind = Literal["exact", "normalised", "section", "partial", "fuzzy", "unmatched"]

# Words too common to identify a unit on their own in a partial match.
_GENERIC = frozenset(
    re.findall(
        r"\w+",
        "AMPLIACION RESIDENCIAL LOMAS LOMA JARDINES JARDIN CENTRO NORTE SUR ORIENTE PONIENTE "
        "UNIDAD POPULAR EJIDO REACOMODO PARQUE BOSQUE BOSQUES VALLE ZONA VILLA VILLAS PRADOS "
        "SANTA SANTO SAN INFONAVIT FOVISSSTE ISSSTE TORRES HACIENDA PEDREGAL",
    )
)
# A trailing section marker: a number, optionally with a letter ("1B", "9-A").
_SECTION_RE = re.compile(r"^(?:\d+[A-Z]?|[A-Z])$")
# A part named by its side: "DEL MAR NORTE", "ISIDRO FABELA I (PONIENTE)".
_SIDES = frozenset({"NORTE", "SUR", "ORIENTE", "PONIENTE"})


@dataclass(frozen=True)
class Candidate:
    """A unit rows can be matched to.

    ``aliases`` are other names of the same unit (a catalogue that lists one polygon under
    two spellings gives one candidate with an alias, not two candidates).
    """

    code: str
    parent: str
    name: str
    aliases: tuple[str, ...] = ()


def candidates_with_aliases(
    units: Sequence[tuple[str, str, str, Hashable]],
) -> list[Candidate]:
    """Merge the units a catalogue lists twice into one candidate with aliases.

    Mexico City's colonia layer, for one, has the same polygon as "Ampliación Jalalpa" and
    "Ampliacion Jalalpa": two candidates with one key would make every row ambiguous.

    Parameters
    ----------
    units : sequence of (code, parent, name, identity)
        ``identity`` is anything equal for the same unit, e.g. the WKB of its normalised
        geometry; units are merged when parent and identity are equal.

    Returns
    -------
    list of Candidate
        One per distinct (parent, identity), with the first code and name, the other
        names as aliases, in first-seen order.

    Examples
    --------
    >>> candidates_with_aliases([("1", "AO", "Ampliación Jalalpa", "g1"),
    ...                          ("2", "AO", "Ampliacion Jalalpa", "g1"),
    ...                          ("3", "AO", "Jalalpa", "g2")])  # doctest: +NORMALIZE_WHITESPACE
    [Candidate(code='1', parent='AO', name='Ampliación Jalalpa', aliases=('Ampliacion Jalalpa',)),
     Candidate(code='3', parent='AO', name='Jalalpa', aliases=())]
    """
    groups: dict[tuple[str, Hashable], list[tuple[str, str]]] = {}
    for code, parent, name, identity in units:
        groups.setdefault((parent, identity), []).append((code, name))
    return [
        Candidate(members[0][0], parent, members[0][1], tuple(n for _, n in members[1:]))
        for (parent, _), members in groups.items()
    ]


@dataclass(frozen=True)
class NameMatch:
    """Outcome for one row.

    ``kind`` is ``exact``, ``normalised``, ``section``, ``partial``, ``fuzzy`` or
    ``unmatched``; ``score`` is 1 for exact, normalised and section matches, the share of
    shared tokens for ``partial`` and the similarity for ``fuzzy``; ``alternatives`` lists
    the best ``(code, score)`` candidates for a person to check.
    """

    row: int
    parent: str
    name: str
    kind: MatchKind
    code: str | None
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class MatchReport:
    """One :class:`NameMatch` per row, in row order, and counts per kind."""

    matches: tuple[NameMatch, ...]

    def counts(self) -> dict[str, int]:
        """Return the number of rows per kind."""
        out = dict.fromkeys(get_args(MatchKind), 0)
        for m in self.matches:
            out[m.kind] += 1
        return out

    @property
    def matched_rate(self) -> float:
        """Share of rows matched by any stage (0 when there are no rows)."""
        if not self.matches:
            return 0.0
        return sum(m.kind != "unmatched" for m in self.matches) / len(self.matches)

    def unmatched(self) -> tuple[NameMatch, ...]:
        """Return the rows a person has to resolve."""
        return tuple(m for m in self.matches if m.kind == "unmatched")


@dataclass(frozen=True)
class _Name:
    """One name of a candidate, pre-analysed."""

    unit: Candidate
    raw: str
    tokens: tuple[str, ...]
    key: str
    kinds: frozenset[str]


def _prepare(unit: Candidate) -> list[_Name]:
    """Analyse each name of a unit once, not once per row."""
    out = []
    for raw in (unit.name, *unit.aliases):
        tokens, kinds = analyse_name(raw)
        out.append(
            _Name(unit, raw.strip().casefold(), tuple(tokens), " ".join(sorted(tokens)), kinds)
        )
    return out


def _strip_sections(tokens: Sequence[str]) -> list[list[str]]:
    """The tokens without one, then two, trailing section markers (none if no marker).

    A marker is a number, a number with a letter, a single letter or a side ("NORTE",
    "SUR", "ORIENTE", "PONIENTE"): "ISIDRO FABELA 1 PONIENTE" is a part of "ISIDRO FABELA".
    """
    out: list[list[str]] = []
    rest = list(tokens)
    while len(rest) > 1 and len(out) < 2 and (_SECTION_RE.match(rest[-1]) or rest[-1] in _SIDES):
        rest = rest[:-1]
        out.append(rest)
    return out


def _similarity(a: str, b: str) -> float:
    """difflib ratio of two normalised names, as written or with their words sorted."""
    ordered = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    sa, sb = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    return max(ordered, difflib.SequenceMatcher(None, sa, sb, autojunk=False).ratio())


def _pick(hits: list[_Name], kinds: frozenset[str], *, loose: bool = True) -> Candidate | None:
    """The single unit among ``hits``, using the kinds of settlement to break a tie.

    Equal kinds win first; with ``loose``, then compatible kinds (one name says less than
    the other, neither contradicts it).
    """
    units = {h.unit.code: h.unit for h in hits}
    if len(units) == 1:
        return next(iter(units.values()))
    rules: list[Callable[[frozenset[str]], bool]] = [lambda k: k == kinds]
    if loose:
        rules.append(lambda k: k <= kinds or kinds <= k)
    for agree in rules:
        same = {h.unit.code: h.unit for h in hits if agree(h.kinds)}
        if len(same) == 1:
            return next(iter(same.values()))
    return None


def match_names(
    rows: Sequence[tuple[str, str]],
    candidates: Sequence[Candidate],
    *,
    min_score: float = 0.9,
    margin: float = 0.03,
    alternatives: int = 3,
) -> MatchReport:
    """Match ``(parent code, name)`` rows to candidate units of the same parent.

    Stages, the first giving a single unit wins (see the module docstring): exact,
    normalised (kinds of settlement such as "Pueblo" or "Barrio" break ties between units
    with the same key), section, partial (one part of a compound name "A-B" or "A/B"
    matches, or one name's tokens begin the other's), fuzzy.

    Parameters
    ----------
    rows : sequence of (str, str)
        Parent code and unit name of each table row.
    candidates : sequence of Candidate
        Units to match to; several rows may match the same unit.
    min_score : float, default 0.9
        Lowest similarity (0-1) accepted as a fuzzy match; one-word names need at least
        0.95.
    margin : float, default 0.03
        A fuzzy match must beat the next unit by this much; otherwise it is ambiguous and
        left for a person.
    alternatives : int, default 3
        Candidates listed with each partial, fuzzy and unmatched row.

    Returns
    -------
    MatchReport
        One match per row, in row order.

    Raises
    ------
    ValueError
        If candidate codes repeat or ``min_score``/``margin`` are outside [0, 1].

    Examples
    --------
    >>> units = [Candidate("1", "AO", "Ampliación Estado de Hidalgo"),
    ...          Candidate("2", "AO", "Agrícola Oriental"),
    ...          Candidate("3", "AO", "Lomas de Tarango"),
    ...          Candidate("4", "AO", "Pueblo San Andrés"),
    ...          Candidate("5", "AO", "Barrio San Andrés")]
    >>> rows = [("AO", "ESTADO DE HIDALGO (AMPL)"), ("AO", "AGRICOLA ORIENTAL VI"),
    ...         ("AO", "LOMAS DE TARANGGO"), ("AO", "lomas de tarango"),
    ...         ("AO", "SAN ANDRES (BARR)"), ("AO", "LOMAS DE TARANGO-SAN ISIDRO"),
    ...         ("XX", "Lomas de Tarango")]
    >>> for m in match_names(rows, units).matches:
    ...     print(m.kind, m.code, m.score)
    normalised 1 1.0
    section 2 1.0
    fuzzy 3 0.963
    exact 3 1.0
    normalised 5 1.0
    partial 3 0.5
    unmatched None 0.0
    """
    if len({c.code for c in candidates}) != len(candidates):
        raise ValueError("duplicate candidate codes")
    if not (0 <= min_score <= 1 and 0 <= margin <= 1):
        raise ValueError(f"min_score and margin must be in [0, 1], got {min_score}, {margin}")
    by_parent: dict[str, list[_Name]] = {}
    for c in candidates:
        by_parent.setdefault(c.parent, []).extend(_prepare(c))
    out = []
    for i, (parent, name) in enumerate(rows):
        pool = by_parent.get(parent, [])
        out.append(_match_one(i, parent, name, pool, min_score, margin, alternatives))
    return MatchReport(tuple(out))


def _digits(tokens: Sequence[str]) -> frozenset[str]:
    """The number tokens of a name."""
    return frozenset(t for t in tokens if t[0].isdigit())


def _same_extension(a: Sequence[str], b: Sequence[str]) -> bool:
    """An "Ampliación X" is another unit than "X": both names must say it or neither."""
    return ("AMPLIACION" in a) == ("AMPLIACION" in b)


def _distinctive(tokens: Sequence[str]) -> bool:
    """Whether a name has a word that identifies it (not generic, not a saint's name)."""
    saints = {tokens[i + 1] for i, w in enumerate(tokens[:-1]) if w in {"SAN", "SANTA", "SANTO"}}
    return any(len(w) >= 5 and w.isalpha() and w not in _GENERIC | saints for w in tokens)


def _contains(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """All words of one name are in the other, with a distinctive word and the same numbers.

    "VALENTIN GOMEZ FARIAS" is inside "REACOMODO VALENTIN GOMEZ FARIAS" and "MIRADOR"
    begins "MIRADOR PUEBLO TETELPAN"; "LOMAS" or "SAN ANDRES" alone would be inside too
    many names to mean anything, a single word must begin the longer name, "CTM 10" is not
    "CTM 1" and "MOLINO ROSAS AMPLIACION" is not "MOLINO ROSAS".
    """
    if a == b or not a or not b or _digits(a) != _digits(b) or not _same_extension(a, b):
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if not _distinctive(short):
        return False
    if len(short) == 1:
        return long_[0] == short[0]
    # Word order varies ("CUCHILLA RAMOS MILLAN" = "GABRIEL RAMOS MILLAN SECCION CUCHILLA").
    return set(short) <= set(long_)


def _partial(name: str, pool: list[_Name]) -> tuple[Candidate, float] | None:
    """A unit one part of a compound name matches, or whose tokens begin the name's."""
    parts = [p for p in re.split(r"[-/_]+", name) if p.strip()]
    if len(parts) > 1:
        found: dict[str, Candidate] = {}
        for part in parts:
            tokens, kinds = analyse_name(part)
            key = " ".join(sorted(tokens))
            if hit := _pick([n for n in pool if n.key == key], kinds, loose=False):
                found[hit.code] = hit
        if len(found) == 1:
            return next(iter(found.values())), 1.0 / len(parts)
        # The words of a compound name belong to different units: never mix them.
        return None
    tokens, kinds = analyse_name(name)
    tries = [tuple(tokens)] + [tuple(t) for t in _strip_sections(tokens) if len(t) > 1]
    for t in tries:
        hits = [n for n in pool if _contains(n.tokens, t)]
        if hit := _pick(hits, kinds, loose=False):
            size = next(len(n.tokens) for n in hits if n.unit.code == hit.code)
            return hit, min(size, len(tokens)) / max(size, len(tokens))
    return None


def _match_one(
    i: int,
    parent: str,
    name: str,
    pool: list[_Name],
    min_score: float,
    margin: float,
    n_alternatives: int,
) -> NameMatch:
    """Run the stages for one row against its parent's units."""
    plain = name.strip().casefold()
    tokens, kinds = analyse_name(name)
    if hit := _pick([n for n in pool if n.raw == plain], kinds):
        return NameMatch(i, parent, name, "exact", hit.code, 1.0)
    key = " ".join(sorted(tokens))
    if key and (hit := _pick([n for n in pool if n.key == key], kinds)):
        return NameMatch(i, parent, name, "normalised", hit.code, 1.0)
    for stripped in _strip_sections(tokens):
        skey = " ".join(sorted(stripped))
        if hit := _pick([n for n in pool if n.key == skey], kinds):
            return NameMatch(i, parent, name, "section", hit.code, 1.0)
    # Similarity to each unit, over the name and its section-free forms. The guarded score
    # decides a fuzzy match (a number or "Ampliación" never changes: "CTM 10" is not
    # "CTM 1"); the plain score only ranks the alternatives shown to a person.
    variants = [tokens, *_strip_sections(tokens)]
    guarded: dict[str, float] = {}
    plain_best: dict[str, float] = {}
    for n in pool:
        if not n.tokens:
            continue
        other = " ".join(n.tokens)
        for v in variants:
            if not v:
                continue
            s = round(_similarity(" ".join(v), other), 4)
            code = n.unit.code
            plain_best[code] = max(s, plain_best.get(code, 0.0))
            if _digits(n.tokens) == _digits(v) and _same_extension(n.tokens, v):
                guarded[code] = max(s, guarded.get(code, 0.0))
    best = tuple(sorted(plain_best.items(), key=lambda t: (-t[1], t[0]))[:n_alternatives])
    if part := _partial(name, pool):
        return NameMatch(i, parent, name, "partial", part[0].code, round(part[1], 4), best)
    scored = sorted(guarded.items(), key=lambda t: (-t[1], t[0]))
    # One-word names are short and share endings (COLCABAMBA, COCHABAMBA): two letters
    # make another place, so they need a closer likeness.
    needed = max(min_score, 0.95) if len(tokens) == 1 else min_score
    if scored and scored[0][1] >= needed:
        runner_up = scored[1][1] if len(scored) > 1 else 0.0
        if scored[0][1] - runner_up >= margin:
            return NameMatch(i, parent, name, "fuzzy", scored[0][0], scored[0][1], best)
    return NameMatch(i, parent, name, "unmatched", None, 0.0, best)
