"""Tests of barrio.core.review (the committee's aggregate) and barrio.core.assembly."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barrio.core.assembly import QuorumRule, Tally, approves, quorum_required
from barrio.core.review import Criterion, Score, aggregate, member_totals

CHECKLIST = [
    Criterion("feasibility", 3, 5),
    Criterion("tenure", 1, 1),
    Criterion("impact", 2, 10),
]


@st.composite
def committee_scores(draw: st.DrawFn) -> list[Score]:
    """Scores of up to 10 members, each scoring some criteria within their scales."""
    members = draw(st.integers(min_value=1, max_value=10))
    scores = []
    for member in range(members):
        for criterion in CHECKLIST:
            if draw(st.booleans()):
                value = draw(st.integers(min_value=0, max_value=criterion.scale_max))
                scores.append(Score(f"m{member}", criterion.code, value))
    return scores


def test_worked_example_of_two_members() -> None:
    """Feasibility 5 and 4 of 5 (0.9), tenure 1 of 1, impact 6 of 10: 100 × 4.9 / 6."""
    scores = [
        Score("a", "feasibility", 5),
        Score("b", "feasibility", 4),
        Score("a", "tenure", 1),
        Score("b", "impact", 6),
    ]
    assert (
        aggregate(CHECKLIST, scores)
        == Fraction(100) * (3 * Fraction(9, 10) + 1 + 2 * Fraction(6, 10)) / 6
    )
    assert member_totals(CHECKLIST, scores) == {
        "a": Fraction(100) * (3 + 1) / 4,
        "b": Fraction(100) * (3 * Fraction(4, 5) + 2 * Fraction(6, 10)) / 5,
    }


def test_an_unscored_criterion_does_not_count_as_zero() -> None:
    assert aggregate(CHECKLIST, [Score("a", "tenure", 1)]) == 100


@pytest.mark.parametrize(
    ("criteria", "scores", "message"),
    [
        (CHECKLIST, [Score("a", "impact", 11)], "outside 0–10"),
        (CHECKLIST, [Score("a", "impact", -1)], "outside 0–10"),
        (CHECKLIST, [Score("a", "beauty", 1)], "unknown criterion"),
        (CHECKLIST, [Score("a", "tenure", 1), Score("a", "tenure", 0)], "twice"),
        ([Criterion("x", 0, 5)], [], "weight"),
        ([Criterion("x", 1, 0)], [], "highest score"),
        ([Criterion("x", 1, 5), Criterion("x", 1, 5)], [], "listed twice"),
    ],
)
def test_bad_input_names_the_problem(criteria, scores, message) -> None:
    with pytest.raises(ValueError, match=message):
        aggregate(criteria, scores)


@given(committee_scores())
def test_the_aggregate_stays_between_0_and_100(scores: list[Score]) -> None:
    value = aggregate(CHECKLIST, scores)
    if not scores:
        assert value is None
    else:
        assert value is not None
        assert 0 <= value <= 100
    assert all(0 <= total <= 100 for total in member_totals(CHECKLIST, scores).values())


@given(committee_scores(), st.randoms(use_true_random=False))
def test_the_order_of_members_and_scores_does_not_matter(scores: list[Score], rng) -> None:
    shuffled = list(scores)
    rng.shuffle(shuffled)
    assert aggregate(CHECKLIST, shuffled) == aggregate(CHECKLIST, scores)


@given(committee_scores(), st.data())
def test_a_higher_score_of_one_member_never_lowers_the_aggregate(scores, data) -> None:
    if not scores:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(scores) - 1))
    chosen = scores[index]
    scale = next(c.scale_max for c in CHECKLIST if c.code == chosen.criterion)
    higher = data.draw(st.integers(min_value=chosen.value, max_value=scale))
    raised = [*scores[:index], Score(chosen.member, chosen.criterion, higher), *scores[index + 1 :]]
    before, after = aggregate(CHECKLIST, scores), aggregate(CHECKLIST, raised)
    assert before is not None
    assert after is not None
    assert after >= before


def test_quorum_takes_the_stricter_of_minimum_and_share() -> None:
    assert quorum_required(QuorumRule(min_attendees=10, share=Fraction(1, 2), base=30)) == 15
    assert quorum_required(QuorumRule()) == 1


@pytest.mark.parametrize(
    "rule",
    [QuorumRule(min_attendees=-1), QuorumRule(base=-3), QuorumRule(share=Fraction(-1, 2))],
)
def test_a_bad_quorum_rule_is_refused(rule) -> None:
    with pytest.raises(ValueError, match=r"negative|between"):
        quorum_required(rule)


@given(
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 200),
    st.integers(1, 60),
)
def test_votes_above_attendance_are_refused_and_no_quorum_never_approves(
    votes_for, against, abstentions, attendance, required
) -> None:
    tally = Tally(votes_for, against, abstentions)
    if tally.total > attendance:
        with pytest.raises(ValueError, match="votes were cast"):
            approves(tally, attendance=attendance, required=required)
        return
    result = approves(tally, attendance=attendance, required=required)
    if attendance < required or votes_for <= against:
        assert result is False
    else:
        assert result is True
