"""Answer text: NFC, Zawgyi detected and converted to Unicode, label fallback to English."""

from __future__ import annotations

import unicodedata

import pytest

from survey_app.text import (
    ZAWGYI_CONVERTED,
    canonical_code,
    fallback_label,
    language_code,
    normalise_answer,
    normalise_answers,
    zawgyi_probability,
)

# Zawgyi byte sequences written by hand: Zawgyi puts the e-vowel (U+1031) before the
# consonant, uses U+1039 as the visible killer (asat), U+103A/U+103D as medials and
# U+1060.. for stacked consonants. Each pair: (Zawgyi as a phone types it, Unicode).
ZAWGYI_SAMPLES = [
    pytest.param(  # "school"
        "\u1031\u1000\u103a\u102c\u1004\u1039\u1038",
        "\u1000\u103b\u1031\u102c\u1004\u103a\u1038", id="school"),
    pytest.param(  # "there is a trade union"
        "\u1021\u101c\u102f\u1015\u1039\u101e\u1019\u102c\u1038 \u101e\u1019\u1002\u1062 "
        "\u101b\u103d\u102d\u1015\u102b\u101e\u100a\u1039",
        "\u1021\u101c\u102f\u1015\u103a\u101e\u1019\u102c\u1038 \u101e\u1019\u1002\u1039\u1002 "
        "\u101b\u103e\u102d\u1015\u102b\u101e\u100a\u103a", id="union-exists"),
    pytest.param(  # "they do not let us join the union"
        "\u1000\u103a\u103c\u1014\u1039\u1019\u1010\u102d\u102f\u1094\u1000\u102d\u102f "
        "\u101e\u1019\u1002\u1062\u101d\u1004\u1039\u1001\u103c\u1004\u1039\u1037 "
        "\u1019\u1031\u1015\u1038\u1015\u102b",
        "\u1000\u103b\u103d\u1014\u103a\u1019\u1010\u102d\u102f\u1037\u1000\u102d\u102f "
        "\u101e\u1019\u1002\u1039\u1002\u101d\u1004\u103a\u1001\u103d\u1004\u1037\u103a "
        "\u1019\u1015\u1031\u1038\u1015\u102b", id="not-allowed-to-join"),
]


@pytest.mark.parametrize("zawgyi,unicode_text", ZAWGYI_SAMPLES)
def test_the_detector_sees_zawgyi_and_not_unicode(zawgyi, unicode_text):
    assert zawgyi_probability(zawgyi) > 0.95
    assert zawgyi_probability(unicode_text) < 0.05


@pytest.mark.parametrize("zawgyi,unicode_text", ZAWGYI_SAMPLES)
def test_zawgyi_answer_is_stored_as_unicode_with_a_flag(zawgyi, unicode_text):
    text, flags = normalise_answer(zawgyi, "my")
    assert text == unicode_text
    assert flags == (ZAWGYI_CONVERTED,)


@pytest.mark.parametrize("zawgyi,unicode_text", ZAWGYI_SAMPLES)
def test_unicode_burmese_is_left_as_typed(zawgyi, unicode_text):
    assert normalise_answer(unicode_text, "my") == (unicode_text, ())


def test_zawgyi_typed_on_a_page_in_another_language_is_still_converted():
    zawgyi, unicode_text = ZAWGYI_SAMPLES[1].values
    assert normalise_answer(zawgyi, "en") == (unicode_text, (ZAWGYI_CONVERTED,))


def test_text_with_no_myanmar_script_has_zero_zawgyi_probability():
    assert zawgyi_probability("Yes, there is a union.") == 0.0
    assert normalise_answer("", "my") == ("", ())


@pytest.mark.parametrize("typed,stored", [
    ("Cafe\u0301", "Caf\u00e9"),  # e + combining acute → é
    ("Vie\u0323\u0302t", "Vi\u1ec7t"),  # Vietnamese stacked marks in any order → one letter
    ("\u0915\u093c", "\u0915\u093c"),  # Hindi QA stays decomposed: a composition exclusion
    ("\u1780\u17b6", "\u1780\u17b6"),  # Khmer is already NFC
])
def test_answers_are_normalised_to_nfc(typed, stored):
    text, flags = normalise_answer(typed, "vi")
    assert text == stored
    assert unicodedata.is_normalized("NFC", text)
    assert flags == ()


def test_xlsform_language_names_give_our_codes():
    assert language_code("Khmer (km)") == "km"
    assert language_code("km") == "km"
    assert canonical_code("Chinese (zh)") == "zh"
    assert canonical_code("Chinese (Simplified) (zh-Hans)") == "zh"
    assert canonical_code("default") == "default"
    assert canonical_code("Klingon (tlh)") == "tlh"


def test_fallback_label_prefers_the_language_then_english():
    texts = {"English (en)": "Is there a union?", "Khmer (km)": "តើមានសហជីពទេ?",
             "Burmese (my)": "", "Arabic (ar)": None}
    assert fallback_label(texts, "km") == ("តើមានសហជីពទេ?", "km")
    assert fallback_label(texts, "my") == ("Is there a union?", "en")
    assert fallback_label(texts, "ar") == ("Is there a union?", "en")
    assert fallback_label({"default": "Untagged"}, "km") == ("Untagged", "default")
    assert fallback_label({"Spanish (es)": "Hola"}, "km") == ("Hola", "es")
    assert fallback_label({}, "km") == ("", None)
    assert fallback_label("Same in every language", "km") == ("Same in every language", "km")


def test_normalise_answers_flags_each_converted_question():
    zawgyi, unicode_text = ZAWGYI_SAMPLES[0].values
    answers = {"comment": zawgyi, "other": "Cafe\u0301", "topics": ["wages", "hours"],
               "count": 3}
    cleaned, flags = normalise_answers(answers, "my")
    assert cleaned == {"comment": unicode_text, "other": "Caf\u00e9",
                       "topics": ["wages", "hours"], "count": 3}
    assert flags == {"comment": [ZAWGYI_CONVERTED]}
