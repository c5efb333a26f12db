"""What a rule returns: the selected projects and, for every project, why it is in or out.

The explanation is data, not prose: the web app words it in each resident's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from barrio.core.pb.model import Money

Reason = Literal[
    "funded",
    "did-not-fit",
    "mes-unaffordable",
    "below-threshold",
    "stopped",
    "not-chosen",
    "no-support",
]
"""Why a project is in or out.

``funded``
    Selected.
``did-not-fit``
    Its cost was more than the budget left when its turn came (greedy rules and completions).
``mes-unaffordable``
    Under the Method of Equal Shares its supporters' remaining money could not pay for it
    (see :attr:`ProjectExplanation.supporters_money` and
    :attr:`ProjectExplanation.needed_per_supporter`), and no completion step funded it.
``below-threshold``
    Its score was under the minimum the programme set.
``stopped``
    A rule without skipping stopped at an earlier project that did not fit.
``not-chosen``
    A comparison step chose another outcome (see :attr:`Outcome.notes`).
``no-support``
    Nobody voted for it and the rule does not fund unsupported projects.
"""


@dataclass(frozen=True, slots=True)
class Share:
    """A group of supporters who paid the same amount towards a project.

    Attributes
    ----------
    voters : int
        How many voters paid.
    amount : Fraction
        What each of them paid.
    """

    voters: int
    amount: Fraction


@dataclass(frozen=True, slots=True)
class ProjectExplanation:
    """Why one project is in or out.

    Attributes
    ----------
    project_id : str
        As in the file.
    cost : int or Fraction
    votes : int
        Voters who supported it (gave it more than 0 points).
    score : int
        Its total points (equal to ``votes`` for approval ballots).
    reason : Reason
    round : int or None
        1 for the first project funded, 2 for the second, ...; ``None`` when not funded.
    stage : str or None
        Which step funded it (``"greedy"``, ``"mes"``, ``"completion"``, ``"phragmen"``,
        a pot name...), ``None`` when not funded.
    shares : tuple of Share
        Method of Equal Shares: the supporters who paid their full share, grouped by amount
        (one group for approval ballots); empty when the rule pays from a common budget.
    partial_voters : int
        Method of Equal Shares: supporters who could not pay a full share and gave all the
        money they had left.
    partial_amount : Fraction or None
        What those supporters gave in total (the shares and this sum to the cost, exactly).
    remaining_budget : int or Fraction or None
        Greedy rules: the budget left when the project's turn came.
    supporters_money : Fraction or None
        Method of Equal Shares, not funded: the money its supporters had left at the end.
    needed_per_supporter : Fraction or None
        Method of Equal Shares, not funded: the price each supporter would have had to pay
        (cost divided by the number of supporters).
    """

    project_id: str
    cost: Money
    votes: int
    score: int
    reason: Reason
    round: int | None = None
    stage: str | None = None
    shares: tuple[Share, ...] = ()
    partial_voters: int = 0
    partial_amount: Fraction | None = None
    remaining_budget: Money | None = None
    supporters_money: Fraction | None = None
    needed_per_supporter: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a rule.

    Attributes
    ----------
    rule : str
        The rule's name.
    selected : tuple of int
        Indices of the selected projects, in the order they were funded.
    total_cost : int or Fraction
        Exact total cost of the selected projects; never more than ``budget``.
    budget : int or Fraction
    explanations : tuple of ProjectExplanation
        One per project, in file order.
    voter_budget : Fraction or None
        Method of Equal Shares: the per-voter budget of the final run (more than
        ``budget / voters`` after Add1).
    notes : tuple of (str, str)
        Further facts, such as the comparison step's vote counts.
    """

    rule: str
    selected: tuple[int, ...]
    total_cost: Money
    budget: Money
    explanations: tuple[ProjectExplanation, ...]
    voter_budget: Fraction | None = None
    notes: tuple[tuple[str, str], ...] = ()

    def selected_ids(self) -> list[str]:
        """Return the ids of the selected projects, in the order they were funded."""
        return [self.explanations[p].project_id for p in self.selected]
