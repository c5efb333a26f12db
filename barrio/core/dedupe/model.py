"""The splink model of people: comparisons, blocking rules and training rules.

Everything here is written with splink's comparison and blocking-rule libraries, which
splink turns into the SQL of the backend it runs on: the same :func:`splink_settings`
serve DuckDB (embedded, the default) and Spark (a national registry, see
``docs/deduplication.md``). The columns compared are those of
:func:`barrio.core.dedupe.prepare_records`.

Comparisons, each from the strongest agreement to disagreement:

``given_names``
    equal; same first given name; the first given names sound alike in Spanish
    (``given_key``); alike (Jaro-Winkler ≥ 0.9 or one edit apart); written in the
    place of the first family name; two typos apart (Jaro-Winkler ≥ 0.8 or two edits);
``family_names``
    both equal; both sound alike in any order (swapped, accents, transliterated); one
    equal and the other alike (Jaro-Winkler ≥ 0.9 or one edit apart); both alike; first
    equal and
    the second missing on one side; first alike and the second missing; first equal
    and the second different; one sounds alike in any place; first alike; written in
    the place of the given name;
``birth_date``
    equal; one character apart; within a month; within a year;
``document``
    type, number and issuing country equal; number equal; same type and number one edit
    apart (Levenshtein 1, or Jaro-Winkler ≥ 0.95 for two digits swapped); same type,
    another number; documents of different types;
``phone``
    equal; one digit apart; different;
``unit_code``, ``sex``, ``nationality``
    equal, or not.

The u probabilities of phone and place are fixed (:data:`HOUSEHOLD_U`), not estimated:
members of a household share them, and family names too. There are no term-frequency
adjustments: they would make a batch of forty records weigh names by their frequency in
that batch alone, and a table of name frequencies is itself personal data.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

__all__ = [
    "PREDICTION_RULES",
    "TRAINING_RULES",
    "UNIQUE_ID",
    "comparisons",
    "splink_settings",
]

UNIQUE_ID: Final = "record_id"

#: Fixed u probabilities of phone and place. Estimated from random pairs they would be
#: tiny (two random people rarely share a phone), and siblings -- who also share both
#: family names -- would look like one person. These are their shares among different
#: people who look alike enough to be compared: people of one household or building.
HOUSEHOLD_U: Final[dict[str, float]] = {"phone": 0.03, "phone_edit": 0.003, "unit_code": 0.15}


def _given_names() -> cl.CustomComparison:
    swapped = cll.Or(
        cll.ColumnsReversedLevel("given_1", "family_name_1"),
        cll.ColumnsReversedLevel("family_name_1", "given_1"),
    )
    return cl.CustomComparison(
        output_column_name="given_names",
        comparison_levels=[
            cll.NullLevel("given_names"),
            cll.ExactMatchLevel("given_names"),
            cll.ExactMatchLevel("given_1").configure(label_for_charts="Same first given name"),
            cll.ExactMatchLevel("given_key").configure(label_for_charts="Sounds alike"),
            _alike("given_1").configure(label_for_charts="First given name alike"),
            swapped.configure(label_for_charts="Given and family name swapped"),
            cll.Or(
                cll.JaroWinklerLevel("given_1", 0.8), cll.LevenshteinLevel("given_1", 2)
            ).configure(label_for_charts="First given name two typos apart"),
            cll.ElseLevel(),
        ],
    )


def _alike(column: str) -> Any:
    """Jaro-Winkler at least 0.9 or one edit apart: a typo.

    Levenshtein, not Damerau-Levenshtein: DuckDB computes it five times faster, and
    Jaro-Winkler already forgives two letters transposed.
    """
    return cll.Or(cll.JaroWinklerLevel(column, 0.9), cll.LevenshteinLevel(column, 1))


def _family_names() -> cl.CustomComparison:
    f1, f2 = "family_name_1", "family_name_2"
    k1, k2 = "family_key_1", "family_key_2"
    return cl.CustomComparison(
        output_column_name="family_names",
        comparison_levels=[
            cll.NullLevel(f1),
            cll.And(cll.ExactMatchLevel(f1), cll.ExactMatchLevel(f2)).configure(
                label_for_charts="Both family names equal"
            ),
            cll.Or(
                cll.And(cll.ExactMatchLevel(k1), cll.ExactMatchLevel(k2)),
                cll.ColumnsReversedLevel(k1, k2, symmetrical=True),
            ).configure(label_for_charts="Both family names sound alike, in any order"),
            cll.Or(
                cll.And(cll.ExactMatchLevel(f1), _alike(f2)),
                cll.And(_alike(f1), cll.ExactMatchLevel(f2)),
            ).configure(label_for_charts="One family name equal, the other alike"),
            cll.And(_alike(f1), _alike(f2)).configure(label_for_charts="Both alike"),
            cll.And(cll.ExactMatchLevel(f1), cll.NullLevel(f2)).configure(
                label_for_charts="First equal, second missing"
            ),
            cll.And(
                cll.Or(cll.ExactMatchLevel("family_key_1"), _alike(f1)), cll.NullLevel(f2)
            ).configure(label_for_charts="First alike, second missing"),
            cll.ExactMatchLevel(f1).configure(label_for_charts="First equal, second differs"),
            cll.Or(
                cll.ExactMatchLevel(k1),
                cll.ExactMatchLevel(k2),
                cll.ColumnsReversedLevel(k1, k2),
                cll.ColumnsReversedLevel(k2, k1),
            ).configure(label_for_charts="One family name sounds alike, in any place"),
            _alike(f1).configure(label_for_charts="First alike, second differs"),
            cll.Or(
                cll.ColumnsReversedLevel("given_1", f1), cll.ColumnsReversedLevel(f1, "given_1")
            ).configure(label_for_charts="Given and family name swapped"),
            cll.ElseLevel(),
        ],
    )


def _document() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="document",
        comparison_levels=[
            cll.NullLevel("document_number"),
            cll.ExactMatchLevel("document_key").configure(
                label_for_charts="Same type, number and country"
            ),
            cll.ExactMatchLevel("document_number"),
            cll.And(
                cll.ExactMatchLevel("document_type"),
                cll.Or(
                    cll.LevenshteinLevel("document_number", 1),
                    cll.JaroWinklerLevel("document_number", 0.95),
                ),
            ).configure(label_for_charts="Same type, number one typo apart"),
            cll.ExactMatchLevel("document_type").configure(
                label_for_charts="Same type, another number"
            ),
            cll.ElseLevel(),
        ],
    )


def _birth_date() -> cl.DateOfBirthComparison:
    return cl.DateOfBirthComparison(
        "birth_date",
        input_is_string=False,
        datetime_thresholds=[1, 1],
        datetime_metrics=["month", "year"],
    )


def _household(level: Any, u: float) -> Any:
    """A level whose u probability is fixed at its value among people of one household."""
    return level.configure(u_probability=u, fix_u_probability=True)


def _phone() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone"),
            _household(cll.ExactMatchLevel("phone"), HOUSEHOLD_U["phone"]),
            _household(cll.LevenshteinLevel("phone", 1), HOUSEHOLD_U["phone_edit"]),
            _household(cll.ElseLevel(), 1 - HOUSEHOLD_U["phone"] - HOUSEHOLD_U["phone_edit"]),
        ],
    )


def _unit_code() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="unit_code",
        comparison_levels=[
            cll.NullLevel("unit_code"),
            _household(cll.ExactMatchLevel("unit_code"), HOUSEHOLD_U["unit_code"]),
            _household(cll.ElseLevel(), 1 - HOUSEHOLD_U["unit_code"]),
        ],
    )


def comparisons() -> list[Any]:
    """The splink comparisons of the people model, in a fixed order.

    Returns
    -------
    list of splink comparison creators
        Given names, family names, birth date, document, phone, unit, sex, nationality.

    Examples
    --------
    >>> [c.create_output_column_name() for c in comparisons()][:4]
    ['given_names', 'family_names', 'birth_date', 'document']
    """
    return [
        _given_names(),
        _family_names(),
        _birth_date(),
        _document(),
        _phone(),
        _unit_code(),
        cl.ExactMatch("sex"),
        cl.ExactMatch("nationality"),
    ]


#: Blocking rules generating the candidate pairs: a pair is compared when any rule holds.
#: Each is an equality of one or two columns, so blocks stay small and every realistic
#: duplicate satisfies at least one (see ``docs/deduplication.md`` for the recall measured).
PREDICTION_RULES: Final[tuple[BlockingRuleCreator, ...]] = (
    block_on("document_number"),
    block_on("family_key_1", "birth_date"),
    block_on("given_key", "birth_date"),
    block_on("given_key", "family_key_1", "unit_code"),
    block_on("phone"),
    block_on("birth_date", "unit_code"),
    block_on("family_key_2", "birth_date"),
)

#: Blocking rules of the expectation-maximisation sessions estimating the m probabilities;
#: together they leave every comparison out of at least one session.
TRAINING_RULES: Final[tuple[BlockingRuleCreator, ...]] = (
    block_on("family_key_1", "birth_date"),
    block_on("given_key", "document_number"),
    block_on("phone", "birth_year"),
)


def splink_settings(
    *, link_type: Literal["dedupe_only", "link_only", "link_and_dedupe"] = "dedupe_only"
) -> SettingsCreator:
    """The splink settings of the people model, for any splink backend.

    Parameters
    ----------
    link_type : str, default "dedupe_only"
        splink's link type; ``dedupe_only`` finds duplicates among the records given.

    Returns
    -------
    splink.SettingsCreator
        Comparisons, prediction blocking rules, ``record_id`` as unique id; no
        column values are kept in the predictions (only ids, agreement levels and weights).

    Examples
    --------
    >>> settings = splink_settings()
    >>> settings.unique_id_column_name, len(settings.comparisons)
    ('record_id', 8)
    """
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name=UNIQUE_ID,
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=list(PREDICTION_RULES),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[],
        probability_two_random_records_match=1e-5,
    )
