"""Anonymisation before sealing, on the built-in forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.store.projects import Project
from sync.anonymise import PSEUDONYM, anonymise, normalise_identity
from sync.scrub import DEFAULT_REGIONS, MIN_DIGITS, REMOVED, scrub
from xlsform.loader import load_xlsform

FORMS = Path(__file__).resolve().parent.parent / "forms"
LOCAL = Project("local-x", "Local", "local", b"k" * 32, (), True)
BRAND = Project("prj-x", "Brand", "brand", b"k" * 32, ("amplify_worker",), False)
KEY = b"p" * 32


@pytest.fixture(scope="module")
def worker():
    return load_xlsform(FORMS / "worker.xlsx")


@pytest.fixture(scope="module")
def rep():
    return load_xlsform(FORMS / "representative.xlsx")


@pytest.mark.parametrize("text", [
    "call ০১৭১১-৪৮৩৯২৭ tonight",           # Bengali digits
    "رقمي ٠١٢٣٤٥٦٧٨٩ شكرا",               # Arabic-Indic digits
    "ផ្ញើ ០១២៣៤៥៦៧៨ ទៅ",                  # Khmer digits, no spaces between words
    "phone +880 1711-483927 ok",
    "Tel: (012) 345 678",
    "mail canary.person@example.org now",
    "my card EMP-48213 was taken",
    "ID 19901234567890",
])
def test_scrub_removes_numbers_and_addresses_in_any_script(text):
    cleaned = scrub(text)
    assert REMOVED in cleaned
    assert not any(ch.isdecimal() and ch not in "0123456789" for ch in cleaned)
    assert "@" not in cleaned and "48213" not in cleaned and "483927" not in cleaned


@pytest.mark.parametrize("region", DEFAULT_REGIONS)
def test_no_whole_phone_number_is_shorter_than_the_digit_gate(region):
    """scrub skips the phone matcher below MIN_DIGITS digits: phonenumbers' own metadata
    must agree that no number it could call valid in that region is that short."""
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert min(metadata.general_desc.possible_length) >= MIN_DIGITS


def test_scrub_keeps_years_and_small_numbers_and_words():
    text = "since 2019 we met 3 times about quality"
    assert scrub(text, names=["Ali"]) == text


def test_scrub_removes_listed_names_and_their_parts_ignoring_case():
    text = "Rahima Begum told us; later rahima left. Begum-ji too. ក្រូចឆ្មាសុខា"
    cleaned = scrub(text, names=["Rahima Begum", "សុខា"])
    assert "ahima" not in cleaned.lower() and "Begum" not in cleaned and "សុខា" not in cleaned


def test_identifying_quasi_and_free_text_rules(worker):
    answers = {"gender": "woman", "age_band": "34", "tenure_band": "1_3",
               "change_wish": "call 01711483927", "union_present": "yes", "nope": "x"}
    local = anonymise(worker, answers, LOCAL, mode="self", context={})
    assert local.kept["gender"] == "woman" and "age_band" not in local.kept
    assert local.kept["change_wish"] == f"call {REMOVED}"
    assert "nope" not in local.kept and PSEUDONYM not in local.kept
    brand = anonymise(worker, answers, BRAND, mode="self", context={})
    assert "change_wish" not in brand.kept and brand.kept["union_present"] == "yes"


def test_representative_gets_pseudonym_in_interview_mode_only(rep):
    answers = {"rep_name": "  Rahima  BEGUM ", "rep_phone": "০১৭১১৪৮৩৯২৭", "rep_role": "other_rep"}
    first = anonymise(rep, answers, BRAND, mode="interview", context={"pseudonym_key": KEY})
    assert first.identifying == {"rep_name": "  Rahima  BEGUM ", "rep_phone": "০১৭১১৪৮৩৯২৭"}
    assert "rep_name" not in first.kept and "rep_phone" not in first.kept
    again = anonymise(rep, {"rep_name": "rahima begum"}, BRAND, mode="interview",
                      context={"pseudonym_key": KEY})
    assert first.kept[PSEUDONYM] == again.kept[PSEUDONYM]
    other_key = anonymise(rep, answers, BRAND, mode="interview",
                          context={"pseudonym_key": b"q" * 32})
    assert other_key.kept[PSEUDONYM] != first.kept[PSEUDONYM]
    selfmode = anonymise(rep, answers, BRAND, mode="self", context={"pseudonym_key": KEY})
    assert PSEUDONYM not in selfmode.kept
    nokey = anonymise(rep, answers, BRAND, mode="interview", context={})
    assert PSEUDONYM not in nokey.kept


def test_identity_normalisation_links_phone_spellings():
    assert normalise_identity("+880 1711-483927") == normalise_identity("০১৭১১৪৮৩৯২৭")
    assert normalise_identity("Rahima  Begum") == normalise_identity("rahima begum")


def test_exact_times_become_days(worker):
    from sync.anonymise import _coarse_time

    assert _coarse_time("datetime", "2026-01-31T14:05:09+06:00") == "2026-01-31"
    assert _coarse_time("calculate", "2026-01-31 14:05:09") == "2026-01-31"
    assert _coarse_time("time", "14:05:09") == "14:05"
