"""Benchmark: cast 100,000 ballots through the service layer, then decide the vote.

Each database is measured in its own process, on a fresh, migrated database: SQLite (a file
in a temporary directory) always, and PostgreSQL when ``DATABASE_URL`` names one (a test
database ``bench_<name>`` is created next to it and dropped afterwards). For each:

(a) ``ballot_cast`` for N residents of a colonia (approval ballots, up to 3 of 20 projects,
    drawn with a fixed seed), one call per ballot as the ballot page and the API make it —
    permission, period and limit checks, the voter row under its uniqueness constraint, the
    anonymous ballot and its choices, each in its own transaction. The reference, in the same
    run, is a plain bulk insert of the same rows (voters, ballots, choices) in one
    transaction, rolled back: the ratio says what the checks and one transaction per ballot
    cost beyond writing the rows.
(b) the vote, filled up to M ballots (``--allocation-ballots``, default 100,000) by a bulk
    insert of the ballots beyond N, is closed and decided end to end (``allocation_run_create``:
    read the ballots as arrays, run the rule, fingerprint the inputs, store the run and one
    explained result per project), for greedy and for the Method of Equal Shares, against
    the engine's own time inside it.

Run: ``python bench/bench_voting.py [--quick] [--ballots N] [--allocation-ballots M]``
(``--quick``: 5,000 of each). Casting 100,000 ballots one by one takes a while: on a busy
2-core machine ``--ballots 20000`` gives the rate in a few minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROJECTS = 20
MAX_CHOICES = 3


def ballots_of(count: int, seed: int = 8) -> list[list[int]]:
    """``count`` approval ballots: positions (0..PROJECTS-1) of 1 to 3 distinct projects,
    drawn with a popularity that falls with the position, so that rules disagree."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, PROJECTS + 1)
    weights /= weights.sum()
    sizes = rng.integers(1, MAX_CHOICES + 1, size=count)
    return [
        sorted(int(p) for p in rng.choice(PROJECTS, size=int(size), replace=False, p=weights))
        for size in sizes
    ]


def setup_database(engine: str) -> Any:
    """Configure Django for ``engine`` and create a fresh, migrated test database."""
    if engine == "sqlite":
        os.environ["BARRIO_VAR_DIR"] = tempfile.mkdtemp(prefix="barrio-bench-")
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "barrio.settings"
    # The proposals' e-mails when the vote opens: kept in memory, not printed.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.db import connection

    if engine == "postgres":  # apart from the test suite's test_<name>, which may be in use
        connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return connection


def make_vote(count: int) -> tuple[Any, Any, Any, list[Any], list[Any]]:
    """A world (see the participation tests), an open approval vote over Guerrero with 20
    approved projects, and ``count`` residents of Guerrero (bulk-created)."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from barrio.accounts.models import Role, RoleGrant
    from barrio.participation.tests.factories import build_world
    from barrio.participation.tests.vote_factories import GUERRERO, open_vote

    world = build_world()
    costs = [(10 + 7 * n % 40) * 1_000_000 for n in range(PROJECTS)]
    election = open_vote(world, costs=costs, max_choices=MAX_CHOICES, rule="greedy")
    pot = election.pots.get()
    items = list(pot.items.order_by("position"))
    from django.contrib.auth.hashers import make_password

    unusable = make_password(None)  # residents who never sign in with a password here
    User.objects.bulk_create(
        (User(username=f"voter{n}@bench.example", password=unusable) for n in range(count)),
        batch_size=5000,
    )
    users = list(User.objects.filter(username__endswith="@bench.example").order_by("pk"))
    expires = timezone.localdate() + dt.timedelta(days=30)
    RoleGrant.objects.bulk_create(
        (
            RoleGrant(
                user=user,
                role=Role.RESIDENT,
                programme=world.programme,
                unit=world.colonias[GUERRERO],
                expires_on=expires,
            )
            for user in users
        ),
        batch_size=5000,
    )
    return world, election, pot, items, users


def bulk_ballots(
    pot: Any, items: list[Any], users: list[Any], ballots: list[list[int]], *, keep: bool
) -> float:
    """Seconds to bulk-insert voters, ballots and choices in one transaction; rolled back
    unless ``keep``."""
    from django.db import transaction
    from django.utils import timezone

    from barrio.bulk import bulk_insert
    from barrio.participation.models import Ballot, BallotChoice, Voter
    from barrio.participation.models.votes import random_ballot_id
    from barrio.participation.services.ballots import new_receipt

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        ids = [random_ballot_id() for _ in ballots]
        bulk_insert(
            Voter,
            ["pot", "user", "channel", "ballot_ref", "voted_at"],
            ((pot.pk, user.pk, "online", "", now) for user in users),
        )
        bulk_insert(Ballot, ["id", "pot", "receipt"], ((i, pot.pk, new_receipt()) for i in ids))
        bulk_insert(
            BallotChoice,
            ["ballot", "item", "value"],
            (
                (ballot_id, items[p].pk, 1)
                for ballot_id, chosen in zip(ids, ballots, strict=True)
                for p in chosen
            ),
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(not keep)
    return elapsed


def measure(engine: str, count: int, total: int) -> dict[str, Any]:
    """Run the benchmark on one database: ``count`` ballots cast through the service, the
    vote filled up to ``total`` ballots by bulk insert and decided; return the figures."""
    connection = setup_database(engine)
    try:
        from django.db.models import Count
        from django.utils import timezone

        from barrio.participation.models import Ballot, BallotChoice, Election, Voter
        from barrio.participation.services import (
            Choice,
            RunSpec,
            allocation_run_create,
            ballot_cast,
            vote_close,
        )

        total = max(total, count)
        world, election, pot, items, users = make_vote(total)
        with connection.cursor() as cursor:  # statistics, as a live database has them
            cursor.execute("ANALYZE")
        ballots = ballots_of(total)
        reference = bulk_ballots(pot, items, users[:count], ballots[:count], keep=False)
        assert not Voter.objects.exists()
        started = time.perf_counter()
        for user, chosen in zip(users[:count], ballots[:count], strict=True):
            ballot_cast(actor=user, pot=pot, choices=[Choice(items[p].proposal_id) for p in chosen])
        cast = time.perf_counter() - started
        bulk_ballots(pot, items, users[count:], ballots[count:], keep=True)
        assert Voter.objects.filter(pot=pot).count() == total
        assert Ballot.objects.filter(pot=pot).count() == total
        stored = dict(
            BallotChoice.objects.values_list("item")
            .annotate(n=Count("id"))
            .values_list("item", "n")
        )
        expected: dict[int, int] = {}
        for chosen in ballots:
            for p in chosen:
                expected[items[p].pk] = expected.get(items[p].pk, 0) + 1
        assert stored == expected, "the stored count differs from the ballots cast"
        Election.objects.filter(pk=election.pk).update(closes_at=timezone.now())
        election.refresh_from_db()
        vote_close(actor=world.manager, election=election)
        runs = {}
        for rule in ("greedy", "mes"):
            started = time.perf_counter()
            run = allocation_run_create(
                actor=world.manager, election=election, spec=RunSpec(rule=rule)
            )
            runs[rule] = {
                "seconds": time.perf_counter() - started,
                "engine": run.seconds,
                "funded": run.results.filter(funded=True).count(),
                "voters": run.voter_count,
            }
        rows = 2 * count + sum(len(b) for b in ballots[:count])
        return {
            "engine": connection.vendor,
            "ballots": count,
            "total": total,
            "rows": rows,
            "cast": cast,
            "reference": reference,
            "runs": runs,
        }
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def report(figures: dict[str, Any]) -> None:
    n, cast, reference = figures["ballots"], figures["cast"], figures["reference"]
    print(
        f"{figures['engine']}: {n:,} ballots through ballot_cast in {cast:.1f} s = "
        f"{n / cast:,.0f} ballots/s; reference bulk insert of the same {figures['rows']:,} rows "
        f"{reference:.2f} s = {n / reference:,.0f} ballots/s; ratio {cast / reference:.1f}x"
    )
    for rule, run in figures["runs"].items():
        print(
            f"{figures['engine']}: allocation run '{rule}' of the {run['voters']:,}-ballot vote "
            f"end to end {run['seconds']:.2f} s (engine alone {run['engine']:.3f} s, ratio "
            f"{run['seconds'] / max(run['engine'], 1e-9):.1f}x); {run['funded']} projects funded"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 ballots")
    parser.add_argument("--ballots", type=int, default=100_000, help="cast through the service")
    parser.add_argument(
        "--allocation-ballots",
        type=int,
        default=100_000,
        help="ballots of the vote decided (those beyond --ballots are bulk-inserted)",
    )
    parser.add_argument("--engine", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = 5_000 if args.quick else args.ballots
    total = 5_000 if args.quick else args.allocation_ballots
    if args.engine:  # one database, in this process: print the figures as JSON
        print(json.dumps(measure(args.engine, count, total)))
        return
    engines = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        engines.append("postgres")
    else:
        print("PostgreSQL: not measured (set DATABASE_URL=postgres://… to include it).")
    for engine in engines:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--engine",
                engine,
                "--ballots",
                str(count),
                "--allocation-ballots",
                str(total),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
            raise SystemExit(f"The {engine} benchmark failed.")
        report(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
