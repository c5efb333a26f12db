"""The error raised for an invalid ``.pb`` file."""

from __future__ import annotations

from collections.abc import Iterable

MAX_PROBLEMS_SHOWN = 20
"""How many problems the message lists; :attr:`PbFileError.problems` keeps them all."""


class PbFileError(ValueError):
    """A ``.pb`` file breaks the format or its own rules.

    Parameters
    ----------
    problems : iterable of (int, str)
        Every problem found, as ``(line number, reason)``; line numbers start at 1 and 0 means
        "the file as a whole" (for instance a missing section).

    Examples
    --------
    >>> error = PbFileError([(3, "cost must be greater than 0, got '0'")])
    >>> error.problems
    ((3, "cost must be greater than 0, got '0'"),)
    >>> str(error)
    "line 3: cost must be greater than 0, got '0'"
    """

    def __init__(self, problems: Iterable[tuple[int, str]]) -> None:
        self.problems: tuple[tuple[int, str], ...] = tuple(problems)
        shown = [
            (f"line {line}: {reason}" if line else reason)
            for line, reason in self.problems[:MAX_PROBLEMS_SHOWN]
        ]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            shown.append(f"... and {hidden} more problems")
        super().__init__("; ".join(shown))
