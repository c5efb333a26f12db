"""Tests of barrio.core.dedupe: worked examples, properties, FEBRL3 against known truth."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from barrio.core.dedupe import (
    RECORD_COLUMNS,
    DedupeSettings,
    TrainedModel,
    dedupe_within,
    generate_registry,
    link_new,
    prepare_records,
    splink_settings,
    train_model,
    true_pairs,
)
from barrio.core.dedupe.febrl import (
    febrl_dataset_path,
    febrl_records,
    febrl_true_pairs,
    read_febrl,
)
from barrio.core.dedupe.normalise import (
    fold_text,
    normalise_document_number,
    normalise_name,
    normalise_phone,
    phonetic_key,
)

# One worker trains the shared model once for the whole module.
pytestmark = pytest.mark.xdist_group("dedupe")


@pytest.fixture(scope="module")
def model() -> TrainedModel:
    """A model trained on a synthetic registry of 6,000 records."""
    return train_model(generate_registry(6000, seed=11))


def person(record_id: str, **fields: Any) -> dict[str, Any]:
    """A record of Yusmary Pérez González with some fields changed."""
    record = {
        "record_id": record_id,
        "given_names": "Yusmary",
        "family_name_1": "Pérez",
        "family_name_2": "González",
        "sex": "F",
        "birth_date": "1990-03-21",
        "nationality": "VE",
        "document_type": "PASSPORT",
        "document_number": "123456789",
        "document_country": "VE",
        "phone": "987654321",
        "unit_code": "U0001",
    }
    record.update(fields)
    return record


def pair_probability(matches: Any, a: str, b: str) -> float:
    """The reported match probability of two records, 0 when not reported."""
    pairs = matches.pairs
    hit = pairs[
        ((pairs["record_id_l"] == a) & (pairs["record_id_r"] == b))
        | ((pairs["record_id_l"] == b) & (pairs["record_id_r"] == a))
    ]
    return float(hit["match_probability"].iloc[0]) if len(hit) else 0.0


def same_cluster(matches: Any, a: str, b: str) -> bool:
    clusters = matches.clusters.set_index("record_id")["cluster_id"]
    return bool(clusters[a] == clusters[b])


# --- Worked examples -------------------------------------------------------------------


def test_yusmary_and_yusmari_are_one_person(model: TrainedModel) -> None:
    """A transliterated name, no second surname, another document and phone still match."""
    records = pd.DataFrame(
        [
            person("a"),
            person(
                "b",
                given_names="YUSMARI",
                family_name_1="PEREZ",
                family_name_2=None,
                document_type="CPP",
                document_number="001234567",
                document_country="PE",
                phone="+51 912 345 678",
            ),
        ]
    )
    matches = dedupe_within(records, model=model)
    assert same_cluster(matches, "a", "b")
    assert pair_probability(matches, "a", "b") >= DedupeSettings().threshold


def test_same_common_name_and_different_birth_dates_are_two_people(
    model: TrainedModel,
) -> None:
    """Two María García with other birth dates, documents and phones do not match."""
    records = pd.DataFrame(
        [
            person("a", given_names="María", family_name_1="García", family_name_2="López"),
            person(
                "b",
                given_names="Maria",
                family_name_1="Garcia",
                family_name_2="Lopez",
                birth_date="1984-11-02",
                document_number="987654321",
                phone="955555555",
                unit_code="U0002",
            ),
        ]
    )
    matches = dedupe_within(records, model=model)
    assert not same_cluster(matches, "a", "b")
    assert pair_probability(matches, "a", "b") < DedupeSettings().review_threshold


def test_siblings_sharing_phone_place_and_surnames_are_two_people(model: TrainedModel) -> None:
    """Children of one household share both family names, phone and unit, not the person."""
    records = pd.DataFrame(
        [
            person("a", given_names="Camila", birth_date="2012-03-07", document_number=None),
            person(
                "b", given_names="Anyelina Lucía", birth_date="2017-10-14", document_number=None
            ),
        ]
    )
    assert not same_cluster(dedupe_within(records, model=model), "a", "b")


def test_same_document_is_a_match_whatever_the_model_says(model: TrainedModel) -> None:
    """Equal document type, number and country is the deterministic rule: probability 1."""
    records = pd.DataFrame(
        [
            person("a"),
            person(
                "b",
                given_names="Rosa",
                family_name_1="Quispe",
                birth_date="1950-01-01",
                document_number="12.345.6789",
                phone=None,
                unit_code="U0400",
            ),
        ]
    )
    matches = dedupe_within(records, model=model)
    row = matches.pairs.iloc[0]
    assert row["document_match"]
    assert row["match_probability"] == 1.0
    assert row["model_probability"] < 0.5
    assert same_cluster(matches, "a", "b")


def test_pairs_explain_each_comparison(model: TrainedModel) -> None:
    """Each pair carries the partial match weight of every comparison, and no values."""
    records = pd.DataFrame([person("a"), person("b", phone=None)])
    pairs = dedupe_within(records, model=model).pairs
    weights = [c for c in pairs.columns if c.startswith("mw_")]
    assert weights == [
        "mw_given_names",
        "mw_family_names",
        "mw_birth_date",
        "mw_document",
        "mw_phone",
        "mw_unit_code",
        "mw_sex",
        "mw_nationality",
    ]
    assert pairs.loc[0, "mw_phone"] == 0  # a missing value is no evidence
    assert "yusmary" not in pairs.to_string().lower()


def test_every_record_is_in_one_cluster_named_by_its_smallest_id(model: TrainedModel) -> None:
    registry = generate_registry(400, seed=5)
    matches = dedupe_within(registry, model=model)
    clusters = matches.clusters
    assert sorted(clusters["record_id"]) == sorted(registry["record_id"])
    smallest = clusters.groupby("cluster_id")["record_id"].min()
    assert (smallest.index == smallest.to_numpy()).all()
    assert set(matches.duplicate_clusters()["cluster_id"]) <= set(clusters["cluster_id"])


# --- Incremental linking --------------------------------------------------------------


def test_link_new_finds_people_already_registered(model: TrainedModel) -> None:
    """A batch is linked to the registry and within itself, never registry to registry."""
    registry = generate_registry(3000, seed=7)
    truth = true_pairs(registry)
    new, registered = registry.iloc[:200], registry.iloc[200:]
    matches = link_new(new, registered, model=model)
    pairs = matches.pairs
    new_ids = set(new["record_id"])
    assert set(pairs["record_id_l"]) <= new_ids
    between = pairs[pairs["against_registered"]]
    assert not set(between["record_id_r"]) & new_ids
    expected = {p for p in truth if (p[0] in new_ids) != (p[1] in new_ids)}
    linked = pairs[pairs["match_probability"] >= matches.threshold]
    found = {
        tuple(sorted(p)) for p in zip(linked["record_id_l"], linked["record_id_r"], strict=True)
    }
    assert len(found & expected) >= 0.9 * len(expected)
    assert new_ids <= set(matches.clusters["record_id"])


def test_link_new_refuses_an_id_both_new_and_registered(model: TrainedModel) -> None:
    records = pd.DataFrame([person("a"), person("b")])
    with pytest.raises(ValueError, match="record_id 'a' is both new and registered"):
        link_new(records, records.iloc[:1], model=model)


def test_the_same_settings_compile_for_spark() -> None:
    """A national registry runs the same settings on Spark: splink writes its SQL."""
    spark = splink_settings().get_settings("spark")
    conditions = [level.sql_condition for c in spark.comparisons for level in c.comparison_levels]
    assert any("jaro_winkler(`given_1_l`, `given_1_r`)" in sql for sql in conditions)
    rules = [rule.blocking_rule_sql for rule in spark._blocking_rules_to_generate_predictions]
    assert rules[0] == "l.`document_number` = r.`document_number`"


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["phone", "sex"]), "lack the columns: sex, phone"),
        (lambda f: f.assign(record_id=["a", "a"]), "record_id 'a' is repeated"),
        (lambda f: f.assign(record_id=["a", None]), "record_id is missing in row 1"),
        (lambda f: f.assign(birth_date=["1990-01-01", "1990-02-30"]), "record b: invalid birth"),
        (lambda f: f.assign(sex=["F", "perhaps"]), "record b: unknown sex: use F, M or X"),
    ],
)
def test_bad_records_are_refused_with_the_reason(change: Any, message: str) -> None:
    """The message names the record and the field, never a personal value."""
    records = change(pd.DataFrame([person("a"), person("b")]))
    with pytest.raises(ValueError, match=message) as raised:
        prepare_records(records)
    assert "1990-02-30" not in str(raised.value)
    assert "perhaps" not in str(raised.value)


def test_too_few_records_to_train_are_refused() -> None:
    with pytest.raises(ValueError, match="too few records to train"):
        train_model(pd.DataFrame([person("a"), person("b", document_number="1")]))


@pytest.mark.parametrize(
    "kwargs", [{"threshold": 0.4}, {"review_threshold": 0}, {"prior_recall": 1.5}, {"threads": 0}]
)
def test_bad_settings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"threshold|prior_recall|positive"):
        DedupeSettings(**kwargs)


def test_training_is_reproducible() -> None:
    """The same records, in the same order, with the same seed give the same model."""
    registry = generate_registry(2000, seed=12)
    quick = DedupeSettings(u_max_pairs=100_000)
    assert train_model(registry, quick).to_json() == train_model(registry, quick).to_json()


def test_runs_that_train_their_own_model_are_reproducible() -> None:
    """Deduplicating or linking without a model trains one on the way, as train_model does:
    the same records give the same probabilities, to the last digit."""
    registry = generate_registry(2000, seed=12)
    quick = DedupeSettings(u_max_pairs=100_000)
    first, second = dedupe_within(registry, quick), dedupe_within(registry, quick)
    pd.testing.assert_frame_equal(first.pairs, second.pairs, check_exact=True)
    new, registered = registry.iloc[:200], registry.iloc[200:]
    first, second = link_new(new, registered, quick), link_new(new, registered, quick)
    pd.testing.assert_frame_equal(first.pairs, second.pairs, check_exact=True)


def test_model_round_trips_through_json_and_holds_no_values(model: TrainedModel) -> None:
    text = model.to_json()
    assert TrainedModel.from_json(text) == model
    assert "yusmary" not in text.lower()
    assert "garcia" not in text.lower()
    for bad in ("{", '{"unique_id_column_name": "id"}'):
        with pytest.raises(ValueError, match="model"):
            TrainedModel.from_json(bad)


# --- Nothing personal on disk or in logs --------------------------------------------------


def test_a_run_writes_no_file_and_logs_no_value(
    model: TrainedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    caplog.set_level(logging.DEBUG)
    records = pd.DataFrame([person("a"), person("b", given_names="Yusmari")])
    dedupe_within(records, model=model)
    link_new(records.iloc[:1], records.iloc[1:], model=model)
    assert list(tmp_path.iterdir()) == []
    assert not os.path.exists(tmp_path / ".tmp")
    assert "usmar" not in caplog.text.lower()
    assert "987654321" not in caplog.text


# --- Properties --------------------------------------------------------------------------

names = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@given(names)
def test_normalisers_are_idempotent(value: str) -> None:
    for normalise in (fold_text, normalise_name, normalise_phone, normalise_document_number):
        once = normalise(value)
        assert normalise(once) == once


@given(st.lists(st.one_of(st.none(), names, st.from_regex(r"\+?[0-9 .()-]{0,14}")), max_size=8))
@example(["\u209d"])  # unknown to Python 3.11's Unicode tables, decomposed by Arrow's
def test_column_normalisation_equals_the_scalar_functions(values: list[str | None]) -> None:
    """prepare_records normalises phones and documents column-wise as the functions do."""
    frame = pd.DataFrame(
        [person(str(i), phone=v, document_number=v) for i, v in enumerate(values)],
        columns=list(RECORD_COLUMNS),
    )
    prepared = prepare_records(frame).astype(object)
    prepared = prepared.where(prepared.notna(), None)
    expected_phones = [normalise_phone(v.strip() or None) if v else None for v in values]
    expected_numbers = [normalise_document_number(v) if v and v.strip() else None for v in values]
    assert prepared["phone"].tolist() == expected_phones
    assert prepared["document_number"].tolist() == expected_numbers


WITHOUT_ACCENTS = str.maketrans("áéíóúñü", "aeiounu")


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóúñü ", max_size=20))
def test_names_differing_only_in_accents_and_case_share_a_key(value: str) -> None:
    plain = value.translate(WITHOUT_ACCENTS)
    folded = normalise_name(value.upper())
    assert folded == normalise_name(value) == normalise_name(plain)
    assert folded == normalise_name(fold_text(value))
    if folded:  # the key is made from the normalised name, so it is shared too
        assert phonetic_key(folded.replace(" ", "")) == phonetic_key(
            str(normalise_name(plain)).replace(" ", "")
        )


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.randoms(use_true_random=False))
def test_record_order_does_not_change_the_clusters(model: TrainedModel, random: Any) -> None:
    registry = generate_registry(200, seed=3)
    order = list(range(len(registry)))
    random.shuffle(order)
    first = dedupe_within(registry, model=model)
    second = dedupe_within(registry.iloc[order], model=model)
    pd.testing.assert_frame_equal(first.clusters, second.clusters)
    pd.testing.assert_frame_equal(first.pairs, second.pairs)


# --- Synthetic registry and FEBRL3 ----------------------------------------------------------


def test_synthetic_registry_is_seeded_and_has_the_duplicates_asked() -> None:
    registry = generate_registry(2000, duplicate_share=0.3, seed=9)
    assert registry.equals(generate_registry(2000, duplicate_share=0.3, seed=9))
    assert not registry.equals(generate_registry(2000, duplicate_share=0.3, seed=10))
    assert list(registry.columns[: len(RECORD_COLUMNS)]) == list(RECORD_COLUMNS)
    assert registry["person_id"].nunique() == 1400
    assert registry["record_id"].is_unique
    prepare_records(registry)  # valid records


def test_febrl3_precision_and_recall() -> None:
    """FEBRL3 (5,000 records, 6,538 true pairs): precision at least 0.99, recall 0.97."""
    febrl = read_febrl(febrl_dataset_path("dataset3.csv"))
    truth = febrl_true_pairs(febrl)
    matches = dedupe_within(febrl_records(febrl))
    linked = matches.pairs[matches.pairs["match_probability"] >= matches.threshold]
    found = {
        tuple(sorted(p)) for p in zip(linked["record_id_l"], linked["record_id_r"], strict=True)
    }
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    assert precision >= 0.99, precision
    assert recall >= 0.97, recall
