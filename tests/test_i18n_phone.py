"""A worker's phone (360×740 Chromium) answering in Burmese, Khmer and Arabic.

A small form with those languages goes through a real collection session: the page is in
the chosen script and direction, the bundled font draws Burmese and Khmer, the language is
stored with the record, and Burmese typed in Zawgyi is stored as Unicode with a flag.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app import sessions
from survey_app.store import formstore, records
from survey_app.text import ZAWGYI_CONVERTED
from tests.test_i18n_text import ZAWGYI_SAMPLES
from tests.xlsform_factory import write_xlsform
from xlsform.loader import load_xlsform

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LANGS = {"my": "Burmese (my)", "km": "Khmer (km)", "ar": "Arabic (ar)"}
COMMENT = {"en": "Anything else?", "my": "တခြား ပြောချင်တာ ရှိပါသလား။",
           "km": "តើមានអ្វីផ្សេងទៀតទេ?", "ar": "هل هناك شيء آخر؟"}
FAMILY = {"my": "Noto Sans Myanmar", "km": "Noto Sans Khmer"}


def _labels(texts: dict[str, str]) -> dict[str, str]:
    row = {"label::English (en)": texts["en"]}
    row.update({f"label::{name}": texts[code] for code, name in LANGS.items()})
    return row


@pytest.fixture
def three_script_session(app, live_server, tmp_path: Path):
    path = write_xlsform(
        tmp_path / "scripts.xlsx",
        [{"type": "begin group", "name": "p1", "appearance": "field-list",
          **_labels({"en": "Your views", "my": "သင့်အမြင်", "km": "យោបល់របស់អ្នក",
                     "ar": "آراؤك"})},
         {"type": "text", "name": "comment", **_labels(COMMENT)},
         {"type": "end group", "name": "p1"}],
        settings={"form_id": "i18n_scripts", "version": "1",
                  "default_language": "English (en)"})
    station = app.extensions["amplify"]
    formstore.add_form(station.store, load_xlsform(path), path.read_bytes(), path.name)
    _session, token = sessions.create_session(
        station, form_id="i18n_scripts", supplier={"name": "Factory B", "country": "MM"},
        languages=["my", "km", "ar"])
    return f"{live_server.url}/f/{token}"


def _answer(phone, url: str, lang: str, text: str) -> None:
    phone.goto(url)
    phone.click(f"button[name=lang][value={lang}]")
    phone.wait_for_selector("#f textarea, #f input[name=comment]")
    phone.fill("#f [name=comment]", text)


def _send(phone) -> None:
    phone.click("#f button.n")
    phone.wait_for_selector("#done")


def _sealed(app) -> dict:
    station = app.extensions["amplify"]
    [record] = records.list_records(station.store, records.FINAL)
    return records.read_sealed(station.store, station.keys().local_project_private, record.id)


@pytest.mark.parametrize("lang", ["my", "km"])
def test_burmese_and_khmer_pages_draw_with_the_bundled_font(app, three_script_session,
                                                            phone, lang, tmp_path):
    _answer(phone, three_script_session, lang, COMMENT[lang])
    assert phone.evaluate("document.documentElement.lang") == lang
    assert phone.evaluate("document.documentElement.dir") in ("ltr", "")
    phone.evaluate("document.fonts.ready.then(() => true)")
    assert phone.evaluate("([font, text]) => document.fonts.check(font, text)",
                          [f'16px "{FAMILY[lang]}"', COMMENT[lang]])
    loaded = phone.evaluate("f => [...document.fonts].filter(x => x.family.replace(/\"/g, '')"
                            " === f && x.status === 'loaded').length", FAMILY[lang])
    assert loaded == 1
    assert COMMENT[lang] in phone.inner_text("#f")
    phone.screenshot(path=str(tmp_path / f"phone-{lang}.png"))  # to look at by hand
    _send(phone)
    assert _sealed(app)["language"] == lang


def test_arabic_page_is_right_to_left_and_typed_text_keeps_its_direction(
        app, three_script_session, phone):
    _answer(phone, three_script_session, "ar", "نعم، 3 مرات (2024)")
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    assert phone.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert phone.get_attribute("#f [name=comment]", "dir") == "auto"
    _send(phone)
    sealed = _sealed(app)
    assert sealed["language"] == "ar"
    assert sealed["answers"]["comment"] == "نعم، 3 مرات (2024)"


def test_zawgyi_typed_on_a_burmese_phone_is_stored_as_unicode(app, three_script_session,
                                                              phone):
    zawgyi, unicode_text = ZAWGYI_SAMPLES[2].values
    _answer(phone, three_script_session, "my", zawgyi)
    _send(phone)
    sealed = _sealed(app)
    assert sealed["answers"]["comment"] == unicode_text
    assert sealed.get("text_flags") == {"comment": [ZAWGYI_CONVERTED]}
