"""``manage.py deduplicate --programme SLUG [--report FILE.csv]``: find probable duplicates."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from barrio.accounts.selectors import programme_get
from barrio.registry.services import Pair, adjudication_tasks_open, exact_document_pairs
from barrio.registry.services.matching import matcher_pairs


def clusters(pairs: list[tuple[int, int, float]]) -> dict[int, tuple[int, float]]:
    """Connected components of the pairs: each record's cluster (its smallest id) and the
    best probability linking it."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[int, float] = {}
    for a, b, probability in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        best[a] = max(best.get(a, 0.0), probability)
        best[b] = max(best.get(b, 0.0), probability)
    return {record: (find(record), best[record]) for record in best}


class Command(BaseCommand):
    help = (
        "Find the probable duplicates of a programme's people (the exact document rule and "
        "the splink matcher of barrio.core.dedupe) and open an adjudication task "
        "for each pair never asked before. --report writes record id, cluster id and match "
        "probability (ids only: nothing personal) to a CSV file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True)
        parser.add_argument("--report", type=Path, help="CSV file for the clusters.")
        parser.add_argument(
            "--exact-only", action="store_true", help="Only the exact document rule."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        programme = programme_get(slug=options["programme"])
        if programme is None:
            raise CommandError(f"No programme {options['programme']}.")
        # The exact rule (blind index), then the matcher; a pair both found keeps the higher
        # probability.
        found_by: dict[tuple[int, int], Pair] = {}
        result = matcher_pairs(programme) if not options["exact_only"] else None
        for pair in [*exact_document_pairs(programme), *(result.pairs if result else [])]:
            key = (min(pair.member_a, pair.member_b), max(pair.member_a, pair.member_b))
            if key not in found_by or found_by[key].probability < pair.probability:
                found_by[key] = pair
        pairs = list(found_by.values())
        if result is not None and result.skipped:
            self.stderr.write(f"The matcher did not run ({result.skipped}); exact rule only.")
        opened = adjudication_tasks_open(programme=programme, pairs=pairs)
        found = clusters([(p.member_a, p.member_b, p.probability) for p in pairs])
        if options["report"]:
            with options["report"].open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["record_id", "cluster_id", "match_probability"])
                for record, (cluster, probability) in sorted(found.items()):
                    writer.writerow([record, cluster, f"{probability:.4f}"])
        self.stdout.write(
            f"{len(pairs)} pairs in {len({c for c, _ in found.values()})} clusters; "
            f"{opened} new adjudication tasks."
        )
