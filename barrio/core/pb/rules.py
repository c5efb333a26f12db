"""The rules by name, as the command line and the web app choose them."""

from __future__ import annotations

from barrio.core.pb import kernels
from barrio.core.pb.equal_shares import MesParams, Stop, equal_shares
from barrio.core.pb.greedy import GreedyParams, Satisfaction, greedy
from barrio.core.pb.outcome import Outcome
from barrio.core.pb.phragmen import phragmen
from barrio.core.pb.profile import Instance, Profile
from barrio.core.pb.tiebreak import BY_ID, TieBreaking

RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "mes",
    "mes-add1",
    "mes-add1-greedy",
    "mes-add1-comparison",
    "phragmen",
)
"""Every rule :func:`decide` knows."""

MES_RULES = tuple(rule for rule in RULES if rule.startswith("mes"))
"""The rules that run the Method of Equal Shares, on compiled loops."""


def load_rule(rule: str) -> None:
    """Load the compiled loops ``rule`` runs on (those of the MES rules; nothing for the
    others), so that a clock started afterwards times the decision alone: numba loads each
    loop on its first call in a process, a few tenths of a second in all (see
    :func:`barrio.core.pb.kernels.load`). Cheap once they are loaded."""
    if rule in MES_RULES:
        kernels.load()


def decide(
    rule: str,
    instance: Instance,
    profile: Profile,
    *,
    tie_breaking: TieBreaking = BY_ID,
    threshold: int | None = None,
    sat: Satisfaction | None = None,
    stop: Stop | None = None,
) -> Outcome:
    """Run the rule called ``rule``.

    Parameters
    ----------
    rule : str
        One of :data:`RULES`.
    instance, profile
        The election.
    tie_breaking : TieBreaking
    threshold : int, optional
        Minimum score for ``greedy-threshold`` (required there) and, if given, for
        ``greedy-no-skip``.
    sat : {"cost", "cardinality"}, optional
        Satisfaction; defaults to ``"cost"`` for greedy rules and for MES on approval ballots,
        ``"cardinality"`` (the points) for MES on cumulative or scoring ballots.
    stop : {"exhaustive", "overspend"}, optional
        Add1's stopping rule; defaults to ``"exhaustive"`` (pabutools), except
        ``"overspend"`` (equalshares.net) for ``mes-add1-comparison``.

    Returns
    -------
    Outcome

    Raises
    ------
    ValueError
        For an unknown rule, ``greedy-threshold`` without a threshold, Phragmén on
        non-approval ballots, or an empty profile.

    Examples
    --------
    >>> from barrio.core.pb.profile import make_profile
    >>> instance = Instance(("A", "B"), (6, 4), 10)
    >>> profile = make_profile([{0: 1}] * 3 + [{1: 1}], 2, approval=True)
    >>> decide("mes", instance, profile).selected_ids()
    ['A']
    >>> decide("greedy", instance, profile).selected_ids()
    ['A', 'B']
    """
    greedy_sat: Satisfaction = sat or "cost"
    mes_sat: Satisfaction = sat or ("cost" if profile.approval else "cardinality")
    if rule == "greedy":
        return greedy(instance, profile, GreedyParams(greedy_sat, True, None, tie_breaking))
    if rule == "greedy-no-skip":
        return greedy(instance, profile, GreedyParams(greedy_sat, False, threshold, tie_breaking))
    if rule == "greedy-threshold":
        if threshold is None:
            raise ValueError("greedy-threshold needs a threshold")
        return greedy(instance, profile, GreedyParams(greedy_sat, True, threshold, tie_breaking))
    if rule == "phragmen":
        return phragmen(instance, profile, tie_breaking)
    if rule == "mes":
        params = MesParams(sat=mes_sat, tie_breaking=tie_breaking)
    elif rule == "mes-add1":
        params = MesParams(
            sat=mes_sat, add1=True, stop=stop or "exhaustive", tie_breaking=tie_breaking
        )
    elif rule == "mes-add1-greedy":
        params = MesParams(
            sat=mes_sat,
            add1=True,
            stop=stop or "exhaustive",
            completion=True,
            tie_breaking=tie_breaking,
        )
    elif rule == "mes-add1-comparison":
        params = MesParams(
            sat=mes_sat,
            add1=True,
            stop=stop or "overspend",
            comparison="satisfaction",
            tie_breaking=tie_breaking,
        )
    else:
        raise ValueError(f"unknown rule {rule!r}; use one of {', '.join(RULES)}")
    return equal_shares(instance, profile, params)
