"""The stages that match one row to a unit of its parent, from the most certain on."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from barrio.core.names.normalise import analyse_name, named_section_base
from barrio.core.names.report import Candidate, NameMatch

__all__ = [
    "GENERIC_WORDS",
    "PreparedName",
    "match_one",
    "prepare",
    "section_variants",
    "strip_sections",
]

# Words too common to identify a unit on their own in a partial match.
GENERIC_WORDS = frozenset(
    re.findall(
        r"\w+",
        "AMPLIACION RESIDENCIAL LOMAS LOMA JARDINES JARDIN CENTRO NORTE SUR ORIENTE PONIENTE "
        "UNIDAD POPULAR EJIDO REACOMODO PARQUE BOSQUE BOSQUES VALLE ZONA VILLA VILLAS PRADOS "
        "SANTA SANTO SAN INFONAVIT FOVISSSTE ISSSTE TORRES HACIENDA PEDREGAL",
    )
)
# Words that qualify the name before them when written in parentheses.
_QUALIFIERS = frozenset({"AMPLIACION", "EJIDO", "RINCONADA"})
# A trailing section marker: a number, optionally with a letter ("1B", "9-A").
_SECTION_RE = re.compile(r"^(?:\d+[A-Z]?|[A-Z])$")
# A part named by its side: "DEL MAR NORTE", "ISIDRO FABELA I (PONIENTE)".
_SIDES = frozenset({"NORTE", "SUR", "ORIENTE", "PONIENTE"})


@dataclass(frozen=True)
class PreparedName:
    """One name of a candidate, pre-analysed."""

    unit: Candidate
    raw: str
    tokens: tuple[str, ...]
    key: str
    kinds: frozenset[str]


def prepare(unit: Candidate) -> list[PreparedName]:
    """Analyse each name of a unit once, not once per row."""
    out = []
    for raw in (unit.name, *unit.aliases):
        tokens, kinds = analyse_name(raw)
        out.append(
            PreparedName(
                unit, raw.strip().casefold(), tuple(tokens), " ".join(sorted(tokens)), kinds
            )
        )
    return out


def strip_sections(tokens: Sequence[str]) -> list[list[str]]:
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


def section_variants(name: str, tokens: Sequence[str]) -> list[list[str]]:
    """The tokens without trailing section markers, or without a named section.

    See :func:`strip_sections`; "EL BOSQUE SECCION TORRES" also gives "BOSQUE".
    """
    out = strip_sections(tokens)
    if (base := named_section_base(name)) and (stripped := analyse_name(base)[0]) not in out:
        out.append(stripped)
    return out


def _similarity(a: str, b: str) -> float:
    """difflib ratio of two normalised names, as written or with their words sorted."""
    ordered = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    sa, sb = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    return max(ordered, difflib.SequenceMatcher(None, sa, sb, autojunk=False).ratio())


def _pick(
    hits: list[PreparedName], kinds: frozenset[str], *, loose: bool = True
) -> Candidate | None:
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


def _digits(tokens: Sequence[str]) -> frozenset[str]:
    """The number tokens of a name."""
    return frozenset(t for t in tokens if t[0].isdigit())


def _same_extension(a: Sequence[str], b: Sequence[str]) -> bool:
    """An "Ampliación X" is another unit than "X": both names must say it or neither."""
    return ("AMPLIACION" in a) == ("AMPLIACION" in b)


def _distinctive(tokens: Sequence[str]) -> bool:
    """Whether a name has a word that identifies it (not generic, not a saint's name)."""
    saints = {tokens[i + 1] for i, w in enumerate(tokens[:-1]) if w in {"SAN", "SANTA", "SANTO"}}
    return any(len(w) >= 5 and w.isalpha() and w not in GENERIC_WORDS | saints for w in tokens)


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


def _unit_of_part(part: str, pool: list[PreparedName]) -> Candidate | None:
    """The unit one part of a compound name names: same key, a section of it, or inside it.

    A one-word part is too short to look for inside longer names ("EL MIRADOR" is not
    "Mirador del Valle").
    """
    tokens, kinds = analyse_name(part)
    if not any(len(t) >= 4 and t.isalpha() for t in tokens):
        return None
    for t in [tokens, *strip_sections(tokens)]:
        key = " ".join(sorted(t))
        if hit := _pick([n for n in pool if n.key == key], kinds, loose=False):
            return hit
    if len(tokens) < 2:
        return None
    return _pick([n for n in pool if _contains(n.tokens, tuple(tokens))], kinds, loose=False)


def _parts(name: str) -> list[str]:
    """The parts of a compound name: "A-B", "A/B", and "A (B)" when B is another name.

    "BATAN VIEJO (EL MAESTRO)" names "El Maestro" too; "(AMPL)", "(U HAB)" or "(EJ)" only
    qualify the name they follow.
    """
    others: list[str] = []

    def set_apart(m: re.Match[str]) -> str:
        tokens, _ = analyse_name(m.group(1))
        if any(len(t) >= 4 and t.isalpha() and t not in _QUALIFIERS for t in tokens):
            others.append(m.group(1))
            return " "
        return m.group(0)

    main = re.sub(r"\(([^()]*)\)", set_apart, name)
    return [p for p in [*re.split(r"[-/_]+", main), *others] if p.strip()]


def _partial(name: str, pool: list[PreparedName]) -> tuple[list[Candidate], float] | None:
    """The units the parts of a compound name name, or the unit whose tokens begin the name's.

    A compound name ("COLINAS DEL BOSQUE-LAS TORTOLAS") gives the units of its parts in
    their order, with the share of parts found; a plain name gives one unit, with the
    share of tokens the names share.
    """
    parts = _parts(name)
    if len(parts) > 1:
        found: dict[str, Candidate] = {}
        for part in parts:
            if hit := _unit_of_part(part, pool):
                found.setdefault(hit.code, hit)
        # The words of a compound name belong to different units: never mix them.
        return (list(found.values()), len(found) / len(parts)) if found else None
    tokens, kinds = analyse_name(name)
    tries = [tuple(tokens)] + [tuple(t) for t in strip_sections(tokens) if len(t) > 1]
    for t in tries:
        hits = [n for n in pool if _contains(n.tokens, t)]
        if hit := _pick(hits, kinds, loose=False):
            size = next(len(n.tokens) for n in hits if n.unit.code == hit.code)
            return [hit], min(size, len(tokens)) / max(size, len(tokens))
    return None


def match_one(
    i: int,
    parent: str,
    name: str,
    pool: list[PreparedName],
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
    for stripped in section_variants(name, tokens):
        skey = " ".join(sorted(stripped))
        if hit := _pick([n for n in pool if n.key == skey], kinds):
            return NameMatch(i, parent, name, "section", hit.code, 1.0)
    # Similarity to each unit, over the name and its section-free forms. The guarded score
    # decides a fuzzy match (a number or "Ampliación" never changes: "CTM 10" is not
    # "CTM 1"); the plain score only ranks the alternatives shown to a person.
    variants = [tokens, *section_variants(name, tokens)]
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
        units, score = part
        if len(units) == 1:
            return NameMatch(i, parent, name, "partial", units[0].code, round(score, 4), best)
        codes = tuple(u.code for u in units)
        return NameMatch(i, parent, name, "compound", codes[0], round(score, 4), best, codes)
    scored = sorted(guarded.items(), key=lambda t: (-t[1], t[0]))
    # One-word names are short and share endings (COLCABAMBA, COCHABAMBA): two letters
    # make another place, so they need a closer likeness.
    needed = max(min_score, 0.95) if len(tokens) == 1 else min_score
    if scored and scored[0][1] >= needed:
        runner_up = scored[1][1] if len(scored) > 1 else 0.0
        if scored[0][1] - runner_up >= margin:
            return NameMatch(i, parent, name, "fuzzy", scored[0][0], scored[0][1], best)
    return NameMatch(i, parent, name, "unmatched", None, 0.0, best)
