"""What matching rows to units by name gives: candidates, one match per row, a report."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "CERTAIN_KINDS",
    "Candidate",
    "MatchKind",
    "MatchReport",
    "NameMatch",
    "candidates_with_aliases",
]

MatchKind = Literal[
    "exact",
    "normalised",
    "section",
    "partial",
    "compound",
    "fuzzy",
    "split",
    "leftover",
    "unmatched",
]
# Kinds a person need not confirm: the names are equal once normalised.
CERTAIN_KINDS: frozenset[MatchKind] = frozenset({"exact", "normalised", "section"})


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

    ``kind`` is the stage that matched (see :data:`MatchKind` and the package docstring);
    ``score`` is 1 for exact, normalised and section matches, the share of shared tokens
    for ``partial``, the share of parts found for ``compound`` and the similarity for
    ``fuzzy`` and ``leftover``; ``alternatives`` lists the best ``(code, score)``
    candidates for a person to check; ``parts`` lists, for a ``compound`` row, the codes
    of every unit it names (``code`` is the first).
    """

    row: int
    parent: str
    name: str
    kind: MatchKind
    code: str | None
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()
    parts: tuple[str, ...] = ()


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

    def to_review(self) -> tuple[NameMatch, ...]:
        """Return the matched rows a person should confirm (not exact, normalised, section)."""
        return tuple(m for m in self.matches if m.code and m.kind not in CERTAIN_KINDS)
