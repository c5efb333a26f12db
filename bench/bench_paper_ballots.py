"""Benchmark: import 100,000 paper ballot sheets of one polling station by double entry.

Two officials each send the same CSV table of sheets (one row per sheet, up to two of three
projects ticked); the second entry is compared with the first, sheet by sheet, and every
agreeing sheet is stored as an anonymous ballot. Each entry is read and checked against the
ballot's rules in full before anything is stored.

The reference, measured in the same run, is writing the same ballots and choices alone with
``barrio.bulk.bulk_insert`` (what storing costs with no reading, checking or comparing): the
ratio says what the double entry costs beyond storing. The run's allocation (greedy) over
the imported ballots is timed too.

Runs on SQLite in a temporary folder, or on the database of ``DATABASE_URL`` when it is set
(a fresh test database is created there and dropped at the end).

Run: ``python bench/bench_paper_ballots.py [--quick] [--sheets N]``.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 sheets")
    args = parser.parse_args()
    count = 5_000 if args.quick else args.sheets

    workdir = tempfile.mkdtemp(prefix="barrio-bench-")
    os.environ["BARRIO_VAR_DIR"] = workdir
    os.environ["DJANGO_SETTINGS_MODULE"] = "barrio.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # groups' e-mails
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    # On PostgreSQL (DATABASE_URL), work in a fresh test database, dropped at the end.
    old = setup_databases(verbosity=0, interactive=False)
    try:
        run(count, workdir, connection.vendor)
    finally:
        teardown_databases(old, verbosity=0)


def run(count: int, workdir: str, vendor: str) -> None:
    from barrio.bulk import bulk_insert
    from barrio.participation.models import Ballot, BallotChoice, PaperTally
    from barrio.participation.services import (
        allocation_run_create,
        paper_entry_import,
        vote_close,
    )
    from barrio.participation.tests.factories import build_world
    from barrio.participation.tests.paper_factories import paper_vote, sheet_rows, table

    world = build_world()
    election, station, officials = paper_vote(world)
    pot = election.pots.get()
    rng = random.Random(8)
    patterns = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (0, 0, 0)]
    sheets = [rng.choice(patterns) for _ in range(count)]
    path = table(Path(workdir), sheet_rows(election, sheets), "papel.csv")
    filled = [s for s in sheets if any(s)]
    choices = sum(sum(s) for s in filled)
    print(
        f"input: {count:,} sheets ({len(filled):,} filled, {choices:,} ticks), "
        f"{path.stat().st_size / 1e6:.1f} MB CSV, database {vendor}"
    )

    # Reference: store the same ballots and choices directly, then remove them.
    items = list(pot.items.order_by("position").values_list("pk", flat=True))
    started = time.perf_counter()
    ids = [secrets.randbits(62) + 1 for _ in filled]
    bulk_insert(
        Ballot,
        ["id", "pot", "receipt"],
        ((i, pot.pk, f"R{n}") for n, i in enumerate(ids)),
    )
    bulk_insert(
        BallotChoice,
        ["ballot", "item", "value"],
        ((i, items[j], 1) for i, s in zip(ids, filled, strict=True) for j, v in enumerate(s) if v),
    )
    reference = time.perf_counter() - started
    BallotChoice.objects.all().delete()
    Ballot.objects.all().delete()

    started = time.perf_counter()
    paper_entry_import(actor=officials[0], station=station, pot=pot, kind="sheets", path=path)
    first = time.perf_counter() - started
    started = time.perf_counter()
    _entry, tally = paper_entry_import(
        actor=officials[1], station=station, pot=pot, kind="sheets", path=path
    )
    second = time.perf_counter() - started
    assert tally is not None
    assert tally.status == PaperTally.Status.COUNTED
    assert Ballot.objects.filter(pot=pot).count() == len(filled)
    assert BallotChoice.objects.count() == choices

    election = vote_close(actor=world.manager, election=election, now=election.closes_at)
    started = time.perf_counter()
    allocation = allocation_run_create(actor=world.manager, election=election)
    decided = time.perf_counter() - started
    assert allocation.voter_count == len(filled)

    total = first + second
    print(f"reference: bulk insert of the ballots and choices alone {reference:.2f} s")
    print(f"first entry (read + check + keep):          {first:.2f} s")
    print(
        f"second entry (read + check + compare + count): {second:.2f} s "
        f"(ratio {second / reference:.1f} × the reference)"
    )
    print(
        f"double entry in all: {total:.2f} s, {count / total:,.0f} sheets per second "
        f"(ratio {total / reference:.1f} × the reference)"
    )
    print(f"allocation run (greedy) over the {len(filled):,} ballots: {decided:.2f} s")


if __name__ == "__main__":
    main()
