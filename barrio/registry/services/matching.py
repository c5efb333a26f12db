"""The probabilistic matcher (``barrio.core.dedupe``: splink on an embedded DuckDB) over a
programme's people.

Personal values are decrypted here, in the worker's memory only, into a plain data frame
keyed by member id; the engine returns pairs of ids and probabilities. Nothing personal is
written to disk or to a log, and nothing personal comes back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
    rows = [
        _record_row(str(member.pk), member, member.household.unit.code)
        for member in members.iterator(chunk_size=2000)
    ]
    return pd.DataFrame(rows)


def _record_row(record_id: str, member: Any, unit_code: str) -> dict[str, Any]:
    """One person (a stored member or a record of a file) as the engine's record, with its
    first document; the values stay in memory."""
    documents = member.documents.all() if hasattr(member.documents, "all") else member.documents
    document = next(iter(documents), None)
    return {
        "record_id": record_id,
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
        "unit_code": unit_code,
    }


def batch_probably_registered(
    programme: Programme, people: list[tuple[Any, str]]
) -> tuple[set[int], str]:
    """Which people of an import batch the matcher finds already registered in ``programme``.

    ``people`` are ``(member record, unit code)`` pairs of the batch, not yet written. The
    engine links them to the programme's registered people with splink's incremental linking
    (``barrio.core.dedupe.link_new``), training on both sets; returns the positions in
    ``people`` with a pair at or above the threshold, and, when the engine could not run
    (too few people to train), an empty set and the reason.
    """
    from barrio.core.dedupe import DedupeSettings, link_new

    registered = people_frame(programme)
    if registered.empty or not people:
        return set(), "nobody registered yet"
    batch = pd.DataFrame(
        [_record_row(f"new-{i}", member, unit) for i, (member, unit) in enumerate(people)]
    )
    try:
        matches = link_new(batch, registered, DedupeSettings())
    except ValueError as error:
        logger.warning("The matcher did not link a batch for %s: %s", programme.slug, error)
        return set(), str(error)
    found = set()
    for row in matches.pairs.itertuples(index=False):
        for record_id in (str(row.record_id_l), str(row.record_id_r)):
            if record_id.startswith("new-"):
                found.add(int(record_id.removeprefix("new-")))
    return found, ""


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
