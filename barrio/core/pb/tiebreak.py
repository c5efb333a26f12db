"""Tie-breaking: which project goes first when a rule scores two projects exactly the same.

Two orders are offered, both as a :class:`TieBreaking` parameter every rule takes:

``"id"`` (the default)
    pabutools' ``lexico_tie_breaking``: the project whose id, compared as a *string*, is
    smallest ("10" comes before "9").
``"equalshares"``
    What equalshares.net recommends: the lowest cost first, then the most votes, then a lot
    drawn with an explicit ``seed`` (the same seed always draws the same order).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

import numpy as np

from barrio.core.pb.profile import Instance, IntArray, Profile

TieBreakingKind = Literal["id", "equalshares"]


@dataclass(frozen=True, slots=True)
class TieBreaking:
    """How ties between projects are broken.

    Attributes
    ----------
    kind : {"id", "equalshares"}
        See the module documentation.
    seed : int
        Seed of the lot that settles the last ties under ``"equalshares"``; unused by ``"id"``.
    """

    kind: TieBreakingKind = "id"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("id", "equalshares"):
            raise ValueError(f"unknown tie-breaking {self.kind!r}; use 'id' or 'equalshares'")

    def ranks(self, instance: Instance, profile: Profile) -> IntArray:
        """Return each project's rank in the tie-breaking order: the lowest rank wins a tie.

        Parameters
        ----------
        instance : Instance
        profile : Profile
            Used for the vote counts of ``"equalshares"``.

        Returns
        -------
        numpy.ndarray of int64
            A permutation of ``0 .. num_projects - 1``.

        Examples
        --------
        >>> from barrio.core.pb.profile import make_profile
        >>> instance = Instance(("9", "10", "11"), (5, 5, 3), 10)
        >>> profile = make_profile([{0: 1, 1: 1}, {1: 1}], 3, approval=True)
        >>> TieBreaking("id").ranks(instance, profile).tolist()
        [2, 0, 1]
        >>> TieBreaking("equalshares").ranks(instance, profile).tolist()
        [2, 1, 0]
        """
        count = instance.num_projects
        if self.kind == "id":
            order = sorted(range(count), key=lambda p: instance.project_ids[p])
        else:
            lot = list(range(count))
            random.Random(self.seed).shuffle(lot)
            votes = profile.votes()
            order = sorted(range(count), key=lambda p: (instance.costs[p], -votes[p], lot[p]))
        ranks = np.empty(count, dtype=np.int64)
        ranks[np.asarray(order, dtype=np.int64)] = np.arange(count, dtype=np.int64)
        return ranks


BY_ID = TieBreaking("id")
"""The default tie-breaking (pabutools'): project id compared as a string."""
