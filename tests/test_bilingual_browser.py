"""The bilingual interview in real Chromium: side by side on a tablet, stacked on a phone.

An interpreter reading English interviews an Arabic-speaking worker with the built-in
worker questionnaire. Screenshots are saved under /tmp for a person to look at.
"""

from __future__ import annotations

import pytest

from .conftest import PASSPHRASE

TABLET = {"width": 1024, "height": 768}
SCREENSHOTS = "/tmp/amplify-bilingual-{}.png"

# Where the text of an element actually ends up inside its box (the text's own rectangle).
TEXT_PLACEMENT = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const text = range.getBoundingClientRect(), box = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  return {direction: style.direction, textLeft: text.left, textRight: text.right,
          boxLeft: box.left, boxRight: box.right};
}"""


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport=TABLET, has_touch=True, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def start_arabic_interview(page, base_url: str) -> None:
    """Through the screens: questionnaire, respondent's language, supplier; then the
    interpreter picks English in the bar."""
    page.goto(base_url + "/interviews/new")  # each browser unlocks for itself
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.click("button[type=submit]")
    page.wait_for_url("**/interviews/new")
    page.check("input[name=form_id][value=amplify_worker]")
    page.select_option("#language", "ar")
    page.fill("#supplier_name", "Anatolia Tekstil")
    page.fill("#supplier_country", "TR")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/page/**")
    page.select_option("#interface-lang", "en")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator(".interview-page.is-bilingual").count() == 1


def label_columns(page, question: str):
    legend = page.locator(f"#q-{question} legend")
    return (legend.locator(".col-interpreter"), legend.locator(".col-respondent"))


def test_tablet_shows_the_two_languages_side_by_side(live_server, tablet):
    start_arabic_interview(tablet, live_server.url)
    english, arabic = label_columns(tablet, "safe_place")
    assert english.get_attribute("lang") == "en" and english.get_attribute("dir") == "ltr"
    assert arabic.get_attribute("lang") == "ar" and arabic.get_attribute("dir") == "rtl"
    left, right = english.bounding_box(), arabic.bounding_box()
    assert abs(left["y"] - right["y"]) < 4  # one row
    assert left["x"] + left["width"] <= right["x"]  # English first, no overlap
    assert left["width"] > 300 and right["width"] > 300  # both readable, not squeezed
    placed = arabic.evaluate(TEXT_PLACEMENT)
    assert placed["direction"] == "rtl"
    assert abs(placed["textRight"] - placed["boxRight"]) < 2  # right-aligned
    assert placed["textLeft"] > placed["boxLeft"] + 20
    english_placed = english.evaluate(TEXT_PLACEMENT)
    assert english_placed["direction"] == "ltr"
    assert abs(english_placed["textLeft"] - english_placed["boxLeft"]) < 2
    # Choices too: "Yes" next to "نعم", on the same line as the radio button.
    choice = tablet.locator("#q-safe_place label.c").first
    yes, naam = choice.locator(".col-interpreter"), choice.locator(".col-respondent")
    assert yes.inner_text() == "Yes" and naam.inner_text() == "نعم"
    assert abs(yes.bounding_box()["y"] - naam.bounding_box()["y"]) < 4
    tablet.screenshot(path=SCREENSHOTS.format("tablet"), full_page=True)
    # One input per question, and answering works as on the one-language page.
    tablet.locator("#q-safe_place input[value=yes]").check()
    assert tablet.locator("#q-consent").is_visible()  # logic.js still shows what applies


def test_phone_width_stacks_each_pair(live_server, phone):
    start_arabic_interview(phone, live_server.url)
    english, arabic = label_columns(phone, "safe_place")
    top, bottom = english.bounding_box(), arabic.bounding_box()
    assert bottom["y"] >= top["y"] + top["height"] - 1  # Arabic under English
    assert abs(top["x"] - bottom["x"]) < 2 and abs(top["width"] - bottom["width"]) < 2
    placed = arabic.evaluate(TEXT_PLACEMENT)
    assert abs(placed["textRight"] - placed["boxRight"]) < 2
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing sticks out sideways
    phone.screenshot(path=SCREENSHOTS.format("phone"), full_page=True)
