"""The phone-number matcher runs only on text with a phone-like run of six or more digits;
what the scrubber removes is the same as when it ran on every text with four digits."""

from __future__ import annotations

import re
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from sync import scrub

DIGITS = "0123456789০১২৩৪৫৬৭৮৯٠١٢٣٤٥٦٧٨٩"
PIECES = st.one_of(
    st.text(alphabet=DIGITS, min_size=1, max_size=12),
    st.sampled_from([" ", "-", ".", "/", "(", ")", "+", " - ", "  ", ", ", "x", "ext. "]),
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
