"""Passphrases: an atomic unlock limiter that delays instead of locking out, and the
length-and-breadth rule for new passphrases."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey_app.interview.ratelimit import UNLOCK_TRIES_PER_MINUTE, AttemptLimiter
from survey_app.keys import keyring
from sync.crypto.passphrase import MIN_PASSPHRASE, check_passphrase_strength

from .conftest import PASSPHRASE
from .interview_client import FlaskBrowser, HttpBrowser, csrf_token
from .sync_kit import BRAND_PASSPHRASE, STATION_PASSPHRASE

CONCURRENT_TRIES = 24


def counting_kdf(monkeypatch) -> list[int]:
    """Count every call of the real scrypt derivation the unlock path makes."""
    real, calls = keyring.derive_kek, []
    lock = threading.Lock()

    def derive(passphrase, params):
        with lock:
            calls.append(1)
        return real(passphrase, params)

    monkeypatch.setattr(keyring, "derive_kek", derive)
    return calls


def test_concurrent_wrong_tries_reach_scrypt_at_most_the_allowed_number(app, live_server,
                                                                         monkeypatch):
    app.extensions["amplify"].lock()
    browsers = [HttpBrowser(live_server.url) for _ in range(CONCURRENT_TRIES)]
    for browser in browsers:  # each its own session and CSRF token, like separate tabs
        browser.token = csrf_token(browser.get("/unlock").text)
    calls = counting_kdf(monkeypatch)
    start, statuses = threading.Barrier(CONCURRENT_TRIES), []

    def guess(browser: HttpBrowser, number: int) -> None:
        start.wait()
        statuses.append(browser.post("/unlock", {"passphrase": f"wrong guess {number}"}).status)

    threads = [threading.Thread(target=guess, args=(b, i)) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(calls) <= UNLOCK_TRIES_PER_MINUTE
    assert sorted(statuses) == [401] * len(calls) + [429] * (CONCURRENT_TRIES - len(calls))
    refused = browsers[0].post("/unlock", {"passphrase": PASSPHRASE})
    assert refused.status == 429 and "Wait 1" in refused.text  # twelve seconds, not forever
    assert len(calls) <= UNLOCK_TRIES_PER_MINUTE


def test_after_the_limit_tries_are_spaced_and_the_right_one_gets_through():
    now = [0.0]
    limiter = AttemptLimiter(5, 60.0, clock=lambda: now[0])
    assert [limiter.begin() for _ in range(5)] == [0.0] * 5
    assert limiter.begin() == pytest.approx(12.0)
    for _ in range(11):  # an attacker retrying every second pushes nothing back
        now[0] += 1
        assert limiter.begin() > 0
    now[0] += 1
    assert limiter.begin() == 0.0  # the next try runs, twelve seconds after the last one
    now[0] += 12
    assert limiter.begin() == 0.0  # and again twelve seconds later: never locked for good
    limiter.succeeded()
    assert [limiter.begin() for _ in range(5)] == [0.0] * 5


def test_the_right_passphrase_is_delayed_not_refused_after_wrong_ones(app, client):
    station = app.extensions["amplify"]
    station.lock()
    now = [0.0]
    app.extensions["amplify.unlock_limiter"] = AttemptLimiter(5, 60.0, clock=lambda: now[0])
    browser = FlaskBrowser(client)
    for number in range(5):
        assert browser.post("/unlock", {"passphrase": f"wrong guess {number}"}).status == 401
    assert browser.post("/unlock", {"passphrase": PASSPHRASE}).status == 429
    now[0] += 12
    assert browser.post("/unlock", {"passphrase": PASSPHRASE}).path == "/interviews"
    assert station.unlocked


@pytest.mark.parametrize("passphrase", [PASSPHRASE, BRAND_PASSPHRASE, STATION_PASSPHRASE,
                                        "river mango ladder seven", "Tr4vel-light!",
                                        "ကြက်ဥ ပြုတ် သုံးလုံး", "ពាក្យសម្ងាត់វែងណាស់ណាស់ណាស"])
def test_strong_passphrases_pass(passphrase: str):
    check_passphrase_strength(passphrase)


@pytest.mark.parametrize(("passphrase", "says"), [
    ("12345678", "at least 12 characters (this one has 8)"),
    ("abcabcabcabc", "repeats"),
    ("passwordpassword", "repeats"),
    ("aaaaaaaaaaaaaaaaaaaaaaaa", "repeats"),
    ("111122223333", "at least 6 different characters"),
    ("abcdefghijklmn", "two kinds of character"),
])
def test_weak_passphrases_are_refused_with_what_to_change(passphrase: str, says: str):
    with pytest.raises(ValueError, match="passphrase") as refused:
        check_passphrase_strength(passphrase)
    assert says in str(refused.value)


@given(st.text(max_size=MIN_PASSPHRASE - 1))
def test_anything_shorter_than_the_minimum_is_refused(passphrase: str):
    with pytest.raises(ValueError, match=f"at least {MIN_PASSPHRASE} characters"):
        check_passphrase_strength(passphrase)


@given(st.lists(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=6, max_size=6,
                unique=True), st.integers(min_value=0, max_value=999))
def test_six_distinct_letters_and_a_number_always_pass(letters: list[str], number: int):
    check_passphrase_strength("".join(letters) + f" {number:03d} ok")


def test_a_weak_passphrase_on_the_first_run_page_is_refused_and_nothing_is_made(tmp_path):
    from survey_app import create_app

    app = create_app(tmp_path / "fresh", {"TESTING": True})
    try:
        browser = FlaskBrowser(app.test_client())
        browser.token = csrf_token(browser.get("/setup").text)
        page = browser.post("/setup", {"passphrase": "123456789012", "confirm": "123456789012"})
        assert page.status == 400 and "two kinds of character" in page.text
        assert not keyring.exists(tmp_path / "fresh")
    finally:
        app.extensions["amplify"].close()
