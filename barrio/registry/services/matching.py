"""The probabilistic matcher (``barrio.core.dedupe``: splink on an embedded DuckDB) over a
programme's people.

Personal values are decrypted here, in the worker's memory only, into a plain data frame
keyed by member id; the engine returns pairs of ids and probabilities. Nothing personal is
written to disk or to a log, and nothing personal comes back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from barrio.registry.models import AdjudicationTask, Household, Member
from barrio.registry.services.adjudication import Pair

if TYPE_CHECKING:
    from barrio.accounts.models import Programme

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatcherResult:
    """The matcher's pairs (ids and probabilities) and, when it could not run, why."""

    pairs: list[Pair]
    skipped: str = ""


def people_frame(programme: Programme) -> pd.DataFrame:
    """The people of ``programme``'s active households as the engine's records (one row per
    member, its first document), decrypted in memory."""
    members = (
        Member.objects.filter(
            household__programme=programme, household__status=Household.Status.ACTIVE
        )
        .select_related("household__unit")
        .prefetch_related("documents")
        .order_by("pk")
    )
    rows = []
    for member in members.iterator(chunk_size=2000):
        document = next(iter(member.documents.all()), None)
        rows.append(
            {
                "record_id": str(member.pk),
                "given_names": member.given_names,
                "family_name_1": member.family_name_1,
                "family_name_2": member.family_name_2 or None,
                "sex": {"female": "F", "male": "M"}.get(member.sex, "X"),
                "birth_date": member.birth_date.isoformat() if member.birth_date else None,
                "nationality": member.nationality,
                "document_type": document.type.upper() if document else None,
                "document_number": document.number if document else None,
                "document_country": document.issuing_country if document else None,
                "phone": member.phone or None,
                "unit_code": member.household.unit.code,
            }
        )
    return pd.DataFrame(rows)


def matcher_pairs(programme: Programme) -> MatcherResult:
    """Run the matcher within ``programme``; its pairs at or above the review threshold.

    A registry too small to train the model (it needs thousands of people and some shared
    documents) gives no pairs and says so; the exact rule still applies.
    """
    from barrio.core.dedupe import DedupeSettings, dedupe_within

    frame = people_frame(programme)
    if len(frame) < 2:
        return MatcherResult([], "fewer than two people")
    try:
        matches = dedupe_within(frame, DedupeSettings())
    except ValueError as error:
        # The engine's messages name no value (e.g. "too few records to train").
        logger.warning("The matcher did not run for %s: %s", programme.slug, error)
        return MatcherResult([], str(error))
    pairs = [
        Pair(
            int(row.record_id_l),
            int(row.record_id_r),
            float(row.match_probability),
            AdjudicationTask.Rule.EXACT_DOCUMENT
            if bool(row.document_match)
            else AdjudicationTask.Rule.MATCHER,
        )
        for row in matches.pairs.itertuples(index=False)
    ]
    return MatcherResult(pairs)
