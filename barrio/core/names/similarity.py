"""How alike two normalised names are, word by word, with rare words counting more.

Two catalogues of one city spell a name differently ("LA MESA" / "La Meza", "BELEM" /
"Belén", "TESMIC" / "Texmic", "PROF JOSE ARTURO LOPEZ" / "Profesor J. Arturo López
Martínez"): words are compared by their Spanish sound, initials match the word they
abbreviate, and each word weighs by how rare it is among the units (inverse document
frequency), so that "TLACUITLAPA" decides more than "LOMAS" or "SAN".
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["WordWeights", "name_similarity", "sound", "word_similarity"]

# Rewrites of Spanish spelling that sound alike in Mexico, in order ("1" keeps "CH").
_SOUND_RULES: tuple[tuple[str, str], ...] = (
    (r"CH", "1"),
    (r"LL", "Y"),
    (r"QU(?=[EI])", "K"),
    (r"C(?=[EI])", "S"),
    (r"[CQ]", "K"),
    (r"[ZX]", "S"),
    (r"GU(?=[EI])", "G"),
    (r"G(?=[EI])", "J"),
    (r"[HG]U(?=[AEIO])", "W"),
    (r"H", ""),
    (r"V", "B"),
    (r"Y$", "I"),
    (r"M$", "N"),
    (r"(.)\1+", r"\1"),
    (r"1", "CH"),
)
_SOUND_RES = tuple((re.compile(p), r) for p, r in _SOUND_RULES)

# Likeness of two words that sound alike, of an initial and its word, and the least
# likeness of two spellings that still counts.
_SAME_SOUND = 0.95
_INITIAL = 0.8
_MIN_WORD = 0.8


@functools.lru_cache(maxsize=65536)
def sound(word: str) -> str:
    """Return a key of how a normalised (upper-case, accent-free) word sounds in Spanish.

    "Z", "S", "X" and a soft "C" sound alike, so do "B" and "V", "LL" and "Y", "HUA" and
    "GUA"; a silent "H" and doubled letters are dropped and a final "M" reads "N".

    Examples
    --------
    >>> sound("MEZA") == sound("MESA"), sound("BELEM") == sound("BELEN")
    (True, True)
    >>> sound("CEHUAYO"), sound("CHIMALCOYOTL")
    ('SEWAYO', 'CHIMALKOYOTL')
    """
    for pattern, repl in _SOUND_RES:
        word = pattern.sub(repl, word)
    return word


@functools.lru_cache(maxsize=262144)
def word_similarity(a: str, b: str) -> float:
    """Return how alike two normalised words are, from 0 to 1.

    Equal words give 1; numbers must be equal; an initial matches the words it begins
    (0.8); words that sound alike give 0.95; otherwise the likeness of their sounds
    (``difflib`` ratio) when both have four letters or more and it is at least 0.8.

    Examples
    --------
    >>> word_similarity("MEZA", "MESA"), word_similarity("J", "JOSE")
    (0.95, 0.8)
    >>> word_similarity("2", "3"), word_similarity("JUAN", "JOSE")
    (0.0, 0.0)
    >>> round(word_similarity("CHIMALCOYOC", "CHIMALCOYOTL"), 3)
    0.87
    """
    if a == b:
        return 1.0
    if not a or not b or a[0].isdigit() or b[0].isdigit():
        return 0.0
    if len(a) == 1 or len(b) == 1:
        initial, word = (a, b) if len(a) == 1 else (b, a)
        return _INITIAL if len(word) > 1 and word.startswith(initial) else 0.0
    sa, sb = sound(a), sound(b)
    if sa == sb:
        return _SAME_SOUND
    if min(len(a), len(b)) < 4:
        return 0.0
    ratio = difflib.SequenceMatcher(None, sa, sb, autojunk=False).ratio()
    return ratio if ratio >= _MIN_WORD else 0.0


@dataclass(frozen=True)
class WordWeights:
    """Weight of each word: ``1 + ln((1 + n) / (1 + df))`` over ``n`` names.

    ``df`` is the number of names with the word; a word no name has gets the highest
    weight.
    """

    document_frequency: Mapping[str, int]
    names: int

    @classmethod
    def from_names(cls, names: Iterable[Sequence[str]]) -> WordWeights:
        """Count in how many of the token lists each word appears.

        Examples
        --------
        >>> w = WordWeights.from_names([["LOMAS", "TARANGO"], ["LOMAS", "CAPULA"]])
        >>> w("LOMAS") < w("TARANGO") == w("CAPULA") < w("UNSEEN")
        True
        """
        counts: Counter[str] = Counter()
        n = 0
        for tokens in names:
            counts.update(set(tokens))
            n += 1
        return cls(dict(counts), n)

    def __call__(self, word: str) -> float:
        """Return the weight of ``word``."""
        df = self.document_frequency.get(word, 0)
        return 1.0 + math.log((1 + self.names) / (1 + df))


def name_similarity(a: Sequence[str], b: Sequence[str], weights: WordWeights) -> float:
    """Return how alike two token lists are, from 0 to 1, symmetric and order-free.

    Each word of either name is paired with its most alike word of the other name
    (:func:`word_similarity`); the result is the weighted mean of those likenesses over
    the words of both names, so a rare word missing from the other name costs more than
    a common one.

    Examples
    --------
    >>> w = WordWeights.from_names([["LOMAS", "TARANGO"], ["LOMAS", "CAPULA"], ["MEZA"]])
    >>> name_similarity(["MESA"], ["MEZA"], w)
    0.95
    >>> round(name_similarity(["LOMAS", "TARANGO"], ["TARANGO"], w), 3)
    0.724
    >>> name_similarity(["LOMAS", "TARANGO"], ["LOMAS", "CAPULA"], w) < 0.5
    True
    """
    if not a or not b:
        return 0.0
    total = 0.0
    weight = 0.0
    for mine, theirs in ((a, b), (b, a)):
        for word in mine:
            w = weights(word)
            total += w * max(word_similarity(word, other) for other in theirs)
            weight += w
    return total / weight
