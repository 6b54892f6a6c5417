"""What a worker's thumb meets on a 320 px phone: Exit always in reach, Back inside the
form, typed Burmese in the bundled font, a visible "sending" state."""

from __future__ import annotations

import json

import pytest

from tests.test_collect_browser import answer_page, click_next, past_consent, session_url

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
__all__ = ["session_url"]  # the fixture, shared

EXIT_IN_REACH = """() => {
  const exit = document.querySelector('#x button'), r = exit.getBoundingClientRect();
  const inside = r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
  const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  const next = document.querySelector('#f button.n').getBoundingClientRect();
  const bar = document.querySelector('#x').getBoundingClientRect();
  const covers = next.top < bar.bottom && next.bottom > bar.top && next.top >= 0;
  return inside && hit === exit && !covers;
}"""


def test_exit_is_one_tap_away_at_every_scroll_position_at_320px(phone, session_url, tmp_path):
    phone.set_viewport_size({"width": 320, "height": 640})
    url, _session = session_url
    phone.goto(url)
    phone.click("button[name=lang][value=en]")
    tallest = 0
    for number in range(30):
        if phone.locator("#done").count():
            break
        answer_page(phone)
        height = phone.evaluate("document.documentElement.scrollHeight")
        for fraction in (0, 0.5, 1):
            phone.evaluate("f => scrollTo(0, f * document.documentElement.scrollHeight)",
                           fraction)
            assert phone.evaluate(EXIT_IN_REACH), f"page {number}, scrolled {fraction}"
        if height > tallest:
            tallest = height
            phone.screenshot(path=str(tmp_path / "exit-320-bottom.png"))
        click_next(phone)
    assert phone.locator("#done").count() == 1 and tallest > 640
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320


def test_back_goes_to_the_previous_page_and_keeps_what_was_typed(phone, session_url):
    past_consent(phone, session_url)
    url, _session = session_url
    phone.check("#f input[name=gender] >> nth=1")
    chosen = phone.eval_on_selector("#f input[name=gender]:checked", "e => e.value")
    phone.go_back()
    phone.wait_for_selector("#f input[name=consent]")
    assert phone.locator("#f input[name=consent]:checked").count() == 1
    assert phone.url == url
    for state in phone.evaluate("() => [JSON.stringify(history.state)]"):
        assert "r" not in json.loads(state or "{}")
    click_next(phone)
    phone.wait_for_selector("#f input[name=gender]")
    assert phone.eval_on_selector("#f input[name=gender]:checked", "e => e.value") == chosen


def test_the_page_back_button_and_the_phone_back_stay_in_step(phone, session_url):
    past_consent(phone, session_url)
    answer_page(phone)
    click_next(phone)
    phone.click("#f button.b")
    phone.wait_for_selector("#f input[name=gender]")
    phone.go_back()
    phone.wait_for_selector("#f input[name=consent]")


def test_burmese_typing_fields_use_the_bundled_font(phone, session_url):
    url, _session = session_url
    phone.goto(url)
    phone.click("button[name=lang][value=my]")
    phone.wait_for_selector("#f")
    family = phone.evaluate("""() => {
      const t = document.createElement('textarea');
      document.querySelector('#f').appendChild(t);
      return getComputedStyle(t).fontFamily; }""")
    assert family.startswith('"Noto Sans Myanmar"')


def test_a_slow_send_shows_sending_on_the_button(phone, session_url):
    past_consent(phone, session_url)
    answer_page(phone)
    label = phone.inner_text("#f button.n")
    phone.context.set_offline(True)
    click_next(phone, wait=False)
    phone.wait_for_selector("#f button.n[aria-busy=true]")
    assert phone.inner_text("#f button.n") != label
    assert "Sending" in phone.inner_text("#f button.n")
    phone.context.set_offline(False)
