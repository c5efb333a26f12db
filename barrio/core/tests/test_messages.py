"""The SMS length counter and the placeholder rules: worked examples and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barrio.core.messages import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    placeholders,
    render,
    sms_length,
    unknown_placeholders,
)

basic = st.text(alphabet=sorted(GSM7_BASIC), max_size=500)
gsm = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=500)
anything = st.text(max_size=300)


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "gsm7", 0, 0),
        ("a" * 160, "gsm7", 160, 1),
        ("a" * 161, "gsm7", 161, 2),
        ("a" * 306, "gsm7", 306, 2),
        ("a" * 307, "gsm7", 307, 3),
        ("€" * 80, "gsm7", 160, 1),  # the euro sign counts two
        ("a" * 159 + "€", "gsm7", 161, 2),
        ("Hola {}[]~|^\\", "gsm7", 21, 1),
        ("á" * 70, "ucs2", 70, 1),
        ("á" * 71, "ucs2", 71, 2),
        ("Pago listo 👍", "ucs2", 13, 1),  # an emoji is two UTF-16 units
        ("ç", "ucs2", 1, 1),  # only the capital Ç is in the GSM alphabet
    ],
)
def test_worked_examples(text, encoding, units, segments):
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_an_escape_pair_is_never_split_between_segments():
    # 152 plain characters then a euro: 154 septets do not fit the first part's 153.
    assert sms_length("a" * 152 + "€" + "a" * 140).segments == 2
    assert sms_length("a" * 152 + "€" + "a" * 152).segments == 3


@given(basic)
def test_basic_alphabet_counts_one_septet_each(text):
    length = sms_length(text)
    assert length.encoding == "gsm7"
    assert length.units == len(text)
    expected = 0 if not text else 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    assert length.segments == expected


@given(gsm)
def test_extension_characters_count_two(text):
    length = sms_length(text)
    assert length.units == len(text) + sum(ch in GSM7_EXTENSION for ch in text)
    assert length.segments * length.per_segment >= length.units


@given(anything, st.characters())
def test_a_longer_text_never_takes_fewer_segments(text, extra):
    assert sms_length(text + extra).segments >= sms_length(text).segments


@given(anything)
def test_any_character_outside_gsm_switches_to_ucs2(text):
    length = sms_length(text)
    outside = any(ch not in GSM7_BASIC and ch not in GSM7_EXTENSION for ch in text)
    assert (length.encoding == "ucs2") == outside
    if outside:
        assert length.units == len(text.encode("utf-16-le")) // 2
        assert length.segments >= 1


@pytest.mark.parametrize(
    "text", ["{0}", "{amount!r}", "{a.b}", "{given_name", "name}", "{{given_name}}", "{ x }"]
)
def test_braces_that_are_not_placeholders_are_refused(text):
    with pytest.raises(ValueError, match="Brace"):
        placeholders(text)


def test_unknown_placeholders_and_rendering_without_format():
    with pytest.raises(ValueError, match="Brace"):
        unknown_placeholders("{__class__}", {"given_name"})  # not a placeholder at all
    assert unknown_placeholders("{given_name} {secret}", {"given_name"}) == ("secret",)
    assert render("{a}{b}{a}", {"a": "1", "b": "{a}"}) == "1{a}1"
    with pytest.raises(ValueError, match="No value"):
        render("{a}{b}", {"a": "1"})


@given(st.dictionaries(st.sampled_from(["given_name", "amount", "date"]), anything, min_size=3))
def test_rendering_puts_each_value_once_verbatim(values):
    text = "Hola {given_name}: {amount} el {date}."
    assert render(text, values) == (
        f"Hola {values['given_name']}: {values['amount']} el {values['date']}."
    )
