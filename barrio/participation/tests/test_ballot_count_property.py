"""Any sequence of valid ballots counts the same as recomputing from the stored ballots."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from barrio.participation.selectors.votes import pot_election
from barrio.participation.services import Choice, ballot_cast
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import open_vote, residents

VOTERS = 12

# A ballot: up to 3 distinct projects (of 4) with 1 to 4 points each (10 points to spread).
ballots = st.lists(
    st.dictionaries(st.integers(0, 3), st.integers(1, 3), min_size=1, max_size=3),
    min_size=1,
    max_size=VOTERS,
)


class BallotCountTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        election = open_vote(
            cls.world,
            costs=[10_000, 20_000, 30_000, 40_000],
            ballot_kind="cumulative",
            points=10,
            max_choices=None,
            rule="mes",
        )
        cls.pot = election.pots.get()
        cls.ids = [item.proposal_id for item in cls.pot.items.order_by("position")]
        cls.voters = residents(cls.world, VOTERS)

    @settings(max_examples=30, deadline=None)
    @given(ballots)
    def test_stored_ballots_give_the_count_of_the_ballots_cast(self, cast):
        for voter, ballot in zip(self.voters, cast, strict=False):
            choices = [Choice(self.ids[p], points) for p, points in ballot.items()]
            ballot_cast(actor=voter, pot=self.pot, choices=choices)
        data = pot_election(self.pot)
        votes, scores = Counter(), Counter()
        for ballot in cast:
            for p, points in ballot.items():
                votes[p] += 1
                scores[p] += points
        assert data.ballots == len(cast)
        assert data.profile.num_voters == len(cast)
        assert data.profile.votes().tolist() == [votes[p] for p in range(4)]
        assert data.profile.scores().tolist() == [scores[p] for p in range(4)]
        assert data.instance.project_ids == tuple(str(i) for i in self.ids)
        # The merged profile has one row per distinct ballot.
        distinct = {tuple(sorted(b.items())) for b in cast}
        assert data.profile.num_ballots == len(distinct)
