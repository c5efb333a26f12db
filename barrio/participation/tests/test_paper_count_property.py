"""Online ballots, paper sheets and stations' totals count as recomputing from what is stored."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from barrio.participation.models import BallotChoice, PaperTally
from barrio.participation.selectors.votes import pot_election
from barrio.participation.services import Choice, ballot_cast, paper_entry_import
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.paper_factories import (
    officials,
    sheet_rows,
    station,
    table,
)
from barrio.participation.tests.vote_factories import open_vote, residents

VOTERS = 8
PROJECTS = 3
# An approval ballot of up to two of three projects (a paper sheet may be blank).
online = st.lists(st.sets(st.integers(0, 2), min_size=1, max_size=2), max_size=VOTERS)
sheets = st.lists(st.sets(st.integers(0, 2), max_size=2), max_size=10)
totals = st.lists(st.integers(0, 6), min_size=PROJECTS, max_size=PROJECTS)


class PaperCountTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.election = open_vote(cls.world, costs=[10_000, 20_000, 30_000])
        cls.pot = cls.election.pots.get()
        cls.ids = [item.proposal_id for item in cls.pot.items.order_by("position")]
        cls.refs = [item.proposal.reference for item in cls.pot.items.order_by("position")]
        cls.voters = residents(cls.world, VOTERS)
        cls.people = officials(cls.world, 2)
        cls.sheet_station = station(cls.world, cls.election, cls.people, code="M-01")
        cls.count_station = station(cls.world, cls.election, cls.people, code="M-02")

    def enter_twice(self, made, kind, rows):
        with tempfile.TemporaryDirectory() as folder:
            path = table(Path(folder), rows)
            for person in self.people:
                paper_entry_import(actor=person, station=made, pot=self.pot, kind=kind, path=path)

    @settings(max_examples=15, deadline=None)
    @given(online, sheets, totals)
    def test_the_count_is_what_is_stored(self, cast, paper, given_totals):
        for voter, ballot in zip(self.voters, cast, strict=False):
            ballot_cast(actor=voter, pot=self.pot, choices=[Choice(self.ids[p]) for p in ballot])
        if paper:
            values = [[1 if p in sheet else 0 for p in range(PROJECTS)] for sheet in paper]
            self.enter_twice(self.sheet_station, "sheets", sheet_rows(self.election, values))
        sheet_count = max(*given_totals, (sum(given_totals) + 1) // 2, 1)  # up to 2 a sheet
        self.enter_twice(
            self.count_station,
            "counts",
            [["station", "sheets", *self.refs], ["M-02", sheet_count, *given_totals]],
        )
        data = pot_election(self.pot)
        # What was cast, sheet by sheet and total by total…
        expected = Counter(p for ballot in [*cast, *paper] for p in ballot)
        assert data.profile.votes().tolist() == [
            expected[p] + given_totals[p] for p in range(PROJECTS)
        ]
        filled = sum(1 for sheet in paper if sheet)
        assert data.ballots == len(cast) + filled + sheet_count
        # …is what recomputing from the stored rows gives.
        stored = Counter(BallotChoice.objects.values_list("item__proposal_id", flat=True))
        counted = Counter()
        for tally in PaperTally.objects.filter(kind="counts"):
            counted.update({int(k): v for k, v in tally.counts.items()})
        assert data.profile.votes().tolist() == [stored[i] + counted[i] for i in self.ids]
