"""The phone-number matcher runs only on text with a phone-like run of six or more digits;
what the scrubber removes is the same as when it ran on every text with four digits."""

from __future__ import annotations

import re
from unittest import mock

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import phonenumberutil

from sync import scrub

DIGITS = "0123456789০১২৩৪৫৬৭৮৯٠١٢٣٤٥٦٧٨٩၀၁၂၃၄၅၆၇၈၉០១២៣៤៥៦៧៨៩０１２３"
# Every character phonenumbers' matcher accepts between the digits of one number (its
# character class holds ranges, so it is read by matching each character).
_MATCHER_CLASS = re.compile(f"[{phonenumberutil._VALID_PUNCTUATION}]")
MATCHER_PUNCTUATION = "".join(c for c in map(chr, range(0x3000 + 0xd000))
                              if _MATCHER_CLASS.fullmatch(c))
PIECES = st.one_of(
    st.text(alphabet=DIGITS, min_size=1, max_size=12),
    st.sampled_from([" ", "-", ".", "/", "(", ")", "+", " - ", "  ", ", ", "x", "ext. "]),
    st.text(alphabet=MATCHER_PUNCTUATION, min_size=1, max_size=3),
    st.sampled_from(["since", "taka", "call", "Rahima", "EMP-", "tel", "ខ្មែរ", "মোবাইল",
                     "+880", "+855", "017", "012 345", "@mail.com", "a.b@c.org"]),
)
TEXTS = st.lists(PIECES, max_size=14).map("".join)
ALWAYS = re.compile("")


def _as_before(text: str) -> str:
    with mock.patch.object(scrub, "PHONE_LIKE", ALWAYS):
        return scrub.scrub(text)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_gating_the_phone_matcher_changes_nothing_removed(text):
    assert scrub.scrub(text) == _as_before(text)


def test_short_numbers_skip_the_matcher_and_phone_numbers_do_not():
    for text in ("since 2019", "8000 taka", "3 times in 2024, 1500 workers"):
        assert not scrub.PHONE_LIKE.search(scrub.ascii_digits(text))
        assert scrub.scrub(text) == text
    for text in ("call 017 1148 3927", "+855 12 345 678", "০১৭১১-৪৮৩৯২৭"):
        assert scrub.PHONE_LIKE.search(scrub.ascii_digits(text))
        assert scrub.REMOVED in scrub.scrub(text)


def test_the_gate_lets_every_separator_of_the_matcher_through():
    """A separator phonenumbers accepts but the gate did not (the full-width dot) let
    "012．345．678" skip the matcher and keep a Cambodian number whole."""
    assert len(MATCHER_PUNCTUATION) > 20
    separator = re.compile(scrub.PHONE_SEPARATOR)
    assert [c for c in MATCHER_PUNCTUATION if not separator.fullmatch(c)] == []
    for text in ("call 012\uff0e345\uff0e678", "+855\uff0e12\uff0e345\uff0e678"):
        assert scrub.REMOVED in scrub.scrub(text) == _as_before(text)


@pytest.mark.parametrize("region", scrub.DEFAULT_REGIONS)
def test_no_valid_number_of_a_region_is_shorter_than_six_digits(region):
    """The gate's six: a number the matcher calls valid (Leniency.VALID) has a national
    number of one of the region's possible lengths (local-only lengths are not valid)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert min(metadata.general_desc.possible_length) >= 6
