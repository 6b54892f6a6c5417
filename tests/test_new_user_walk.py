"""Issue 12's new-user walk again, with a form this project has not seen.

The form is pyxform's ``group.xlsx`` from ../shared/xlsforms (two pages: a family name, then
the father's phone number and age), with Burmese, Khmer and Arabic label columns added here
the way a partner would add them. Everything runs against the station's own server on
127.0.0.1 in Debian's Chromium: a phone walk with Back, screenshots at 320 px in the three
languages (no sideways scrolling, Exit on screen, no text drawn as boxes), a locked station
with scrub names, an interview started before the brand's project is imported, and the same
factory typed twice. No page of any walk may answer 404 (a missing favicon did).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from survey_app import held, sessions
from survey_app.store import formstore, records, suppliers
from tests.conftest import PASSPHRASE, SHARED_XLSFORMS
from tests.sync_kit import CANARY_NAME, amplify, central
from xlsform import load_xlsform

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SOURCE = SHARED_XLSFORMS / "pyxform_example_xls" / "group.xlsx"
FORM_ID = "group"
# Our own translations of the form's four labels, in the form's column style.
ADDED = {
    "label:Burmese (my)": {
        "family_name": "သင့်မိသားစုအမည်က ဘာလဲ။", "father": "ဖခင်",
        "phone_number": "သင့်ဖခင်၏ ဖုန်းနံပါတ်က ဘာလဲ။", "age": "သင့်ဖခင် အသက်ဘယ်လောက်လဲ။"},
    "label:Khmer (km)": {
        "family_name": "តើនាមត្រកូលរបស់អ្នកជាអ្វី?", "father": "ឪពុក",
        "phone_number": "តើលេខទូរស័ព្ទរបស់ឪពុកអ្នកជាអ្វី?",
        "age": "តើឪពុករបស់អ្នកអាយុប៉ុន្មាន?"},
    "label:Arabic (ar)": {
        "family_name": "ما اسم عائلتك؟", "father": "الأب",
        "phone_number": "ما رقم هاتف والدك؟", "age": "كم عمر والدك؟"},
}
TYPED = {"my": "မောင်မောင်", "km": "សុខា", "ar": "حسن"}
# The bundled web fonts draw their scripts; Chromium names them by the family in the file.
WEB_FONT_SCRIPTS = {"Noto Sans Myanmar": (0x1000, 0x109F), "Noto Sans Khmer": (0x1780, 0x17FF)}
PHONE_320 = {"width": 320, "height": 640}

# Every element with text of its own gets a number, so DevTools can be asked about each.
MARK_TEXT = """() => {
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('[hidden]') || !el.getClientRects().length) continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
    const typed = (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') ? el.value : '';
    const text = (own + typed).trim();
    if (text) { el.dataset.probe = found.length; found.push(text); }
  }
  return found;
}"""
FITS_320 = """() => {
  const exit = document.querySelector('#x button').getBoundingClientRect();
  return {scrollWidth: document.documentElement.scrollWidth, width: innerWidth,
          exitInside: exit.top >= 0 && exit.bottom <= innerHeight && exit.left >= 0
                      && exit.right <= innerWidth};
}"""


def _unseen_form(folder: Path) -> Path:
    """group.xlsx with three language columns added; the English column stays as it was."""
    path = folder / SOURCE.name  # the form id is the file name: "group"
    shutil.copyfile(SOURCE, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["survey"]
    header = [cell.value for cell in sheet[1]]
    name_column = header.index("name")
    for offset, (column, texts) in enumerate(ADDED.items()):
        sheet.cell(row=1, column=len(header) + 1 + offset, value=column)
        for row in sheet.iter_rows(min_row=2):
            name = row[name_column].value
            if name in texts:
                sheet.cell(row=row[0].row, column=len(header) + 1 + offset, value=texts[name])
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def form_file(tmp_path_factory) -> Path:
    if not SOURCE.exists():
        pytest.skip(f"external XLSForm corpus not found at {SHARED_XLSFORMS}")
    return _unseen_form(tmp_path_factory.mktemp("unseen"))


@pytest.fixture
def station(app, form_file):
    station = app.extensions["amplify"]
    formstore.add_form(station.store, load_xlsform(form_file), form_file.read_bytes(),
                       form_file.name)
    return station


@pytest.fixture
def failures():
    """Every response of 400 or more any page of the test got (a missing favicon was one)."""
    return []


def _watch(page, failures: list) -> None:
    page.on("response", lambda response: response.status >= 400 and failures.append(
        (response.status, response.url)))


@pytest.fixture
def phone_320(browser, failures):
    context = browser.new_context(viewport=PHONE_320, is_mobile=True, has_touch=True)
    page = context.new_page()
    _watch(page, failures)
    yield page
    context.close()


@pytest.fixture
def laptop(browser, failures):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    _watch(page, failures)
    yield page
    context.close()


def _fonts_of(page, probe: int) -> list[dict]:
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector",
                            {"nodeId": root, "selector": f'[data-probe="{probe}"]'})["nodeId"]
        return session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        session.detach()


def _covers(font: dict, char: str) -> bool:
    """Whether the font Chromium drew with has a glyph for ``char`` (else it drew a box)."""
    if font["isCustomFont"]:
        low, high = WEB_FONT_SCRIPTS.get(font["familyName"], (0, -1))
        return low <= ord(char) <= high
    found = subprocess.run(["fc-list", f":family={font['familyName']}:charset={ord(char):x}",
                            "family"], capture_output=True, text=True, check=True).stdout
    return bool(found.strip())


def _boxes(page) -> list[tuple[str, str]]:
    """Characters on the page that no font drawing their element has: (text, character)."""
    missing = []
    for probe, text in enumerate(page.evaluate(MARK_TEXT)):
        fonts = _fonts_of(page, probe)
        for char in sorted(set(text) - set(" \n\t\u200b\u200c\u200d")):
            if ord(char) > 0x7F and not any(_covers(font, char) for font in fonts):
                missing.append((text, char))
    return missing


def _open(phone, url: str, lang: str) -> None:
    phone.goto(f"{url}?lang={lang}")
    assert phone.get_attribute("button[name=lang] >> nth=0", "value") == lang  # offered first
    phone.click(f"button[name=lang][value={lang}]")
    phone.wait_for_selector("#f")


def _next(phone) -> None:
    phone.evaluate("() => { document.body.dataset.old = '1'; }")
    phone.click("#f button.n")
    phone.wait_for_function("() => document.body && !document.body.dataset.old")


@pytest.mark.parametrize("lang", ["my", "km", "ar"])
def test_each_page_at_320px_fits_keeps_exit_on_screen_and_draws_no_boxes(
        station, live_server, phone_320, failures, lang, tmp_path):
    _session, token = sessions.create_session(station, form_id=FORM_ID,
                                              supplier={"name": "Lotus Apparel", "country": "MM"})
    _open(phone_320, f"{live_server.url}/f/{token}", lang)
    assert ADDED[next(c for c in ADDED if c.endswith(f"({lang})"))]["family_name"] in \
        phone_320.inner_text("#f")
    assert phone_320.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    phone_320.fill("#f [name=family_name]", TYPED[lang])  # typed text, in the same font
    for page_name in ("p1", "father"):
        phone_320.evaluate("document.fonts.ready.then(() => true)")
        shot = tmp_path / f"phone-320-{lang}-{page_name}.png"
        phone_320.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 2000
        fits = phone_320.evaluate(FITS_320)
        assert fits["scrollWidth"] <= fits["width"] == 320, (page_name, fits)
        assert fits["exitInside"], page_name
        assert _boxes(phone_320) == [], page_name
        if page_name == "p1":
            _next(phone_320)
            phone_320.wait_for_selector("#f [name=age]")
    assert failures == []


def test_a_phone_walk_with_back_keeps_what_was_typed(station, live_server, phone_320, failures):
    session, token = sessions.create_session(station, form_id=FORM_ID,
                                             supplier={"name": "Lotus Apparel", "country": "MM"})
    url = f"{live_server.url}/f/{token}"
    _open(phone_320, url, "my")
    phone_320.fill("#f [name=family_name]", TYPED["my"])
    _next(phone_320)
    phone_320.fill("#f [name=age]", "52")
    phone_320.go_back()  # the phone's own Back: the previous page of the form, not away
    phone_320.wait_for_selector("#f [name=family_name]")
    assert phone_320.input_value("#f [name=family_name]") == TYPED["my"]
    assert phone_320.url.startswith(url)
    _next(phone_320)
    phone_320.wait_for_selector("#f [name=age]")
    assert phone_320.input_value("#f [name=age]") == "52"  # kept while on the other page
    _next(phone_320)
    assert phone_320.locator("#done").count() == 1
    [record] = records.list_records(station.store, records.FINAL)
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record.id)
    assert sealed["answers"]["family_name"] == TYPED["my"]
    assert str(sealed["answers"]["age"]) == "52"
    assert sessions.get_session(station.store, session.id).completed == 1
    assert failures == []


def _unlock(laptop, base_url: str, then: str = "/interviews/new") -> None:
    laptop.goto(base_url + then)
    laptop.fill("input[name=passphrase]", PASSPHRASE)
    laptop.click("button[type=submit]")
    laptop.wait_for_url("**" + then)


def test_a_locked_station_with_scrub_names_holds_the_answers_until_unlocked(
        station, live_server, phone_320, laptop, failures):
    session, token = sessions.create_session(
        station, form_id=FORM_ID, supplier={"name": "Lotus Apparel", "country": "MM"},
        scrub_names=[CANARY_NAME])
    station.lock()  # the idle lock: nobody at the laptop
    _open(phone_320, f"{live_server.url}/f/{token}", "en")
    phone_320.fill("#f [name=family_name]", f"my name is {CANARY_NAME}, ask me")
    _next(phone_320)
    _next(phone_320)
    assert phone_320.locator("#done").count() == 1  # the worker is done either way
    assert records.list_records(station.store, records.FINAL) == []
    assert held.waiting(station, session.id) == 1

    laptop.goto(live_server.url + "/sessions")
    assert "1 answer sent while the station was locked waits for the unlock" in \
        laptop.inner_text("#held")
    _unlock(laptop, live_server.url)
    assert "sealed" in laptop.inner_text("main")
    [record] = records.list_records(station.store, records.FINAL)
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record.id)
    kept = sealed["answers"]["family_name"]
    assert kept.startswith("my name is") and CANARY_NAME not in kept  # scrubbed, not dropped
    assert held.waiting(station) == 0
    assert failures == []


def _start(laptop, form_id: str, supplier: str, country: str) -> str:
    laptop.goto(laptop.url.split("/interviews", 1)[0] + "/interviews/new")
    laptop.check(f"input[name=form_id][value={form_id}]")
    laptop.fill("#supplier_name", supplier)
    laptop.fill("#supplier_country", country)
    laptop.get_by_role("button", name="Start").click()
    laptop.wait_for_url("**/page/**")
    return laptop.inner_text("main")


def test_the_same_factory_typed_twice_is_one_supplier(station, live_server, laptop, failures):
    _unlock(laptop, live_server.url)
    _start(laptop, FORM_ID, "Lotus Apparel", "MM")
    _start(laptop, FORM_ID, "  lotus   APPAREL ", "mm")
    known = suppliers.all_suppliers(station.store, station.keys().records)
    assert [s["name"] for s in known] == ["Lotus Apparel"]
    for screen in ("/interviews/new", "/sessions"):  # each picker shows it once
        laptop.goto(live_server.url + screen)
        assert laptop.locator("label.choice", has_text="Lotus Apparel").count() == 1, screen
    assert failures == []


def test_an_interview_started_before_the_project_import_reaches_the_brand_project(
        station, live_server, laptop, failures, form_file, tmp_path, home):
    _unlock(laptop, live_server.url)
    started = _start(laptop, FORM_ID, "Lotus Apparel", "MM")
    assert "no brand project on this laptop" in started
    central_home, project_file = tmp_path / "brand", tmp_path / "project.json"
    central("init", "--home", central_home)
    made = central("project", "create", "--home", central_home, "--name", "Unseen",
                   "--form", form_file, "--out", project_file).stdout
    project_id = made.split("Project ", 1)[1].split(" ", 1)[0]
    amplify("project", "import", "--home", home, project_file,
            passphrase=PASSPHRASE)  # another process, while the station runs

    laptop.fill("[name=family_name]", "Thida")
    laptop.get_by_role("button", name="Next").click()
    laptop.wait_for_selector("[name=age]")
    laptop.fill("[name=age]", "61")
    laptop.get_by_role("button", name="Finalise").click()
    laptop.wait_for_url("**/interviews")
    assert "no brand project on this laptop" in laptop.inner_text("main")  # still local

    moved = amplify("project", "adopt", "--home", home, project_id, passphrase=PASSPHRASE).stdout
    assert "1 record(s) moved" in moved
    [record] = records.list_records(station.store, records.FINAL)
    assert record.project_id == project_id
    laptop.goto(live_server.url + "/interviews/new")  # new interviews now go to the brand
    assert "no brand project on this laptop" not in _start(laptop, FORM_ID, "Lotus Apparel",
                                                            "MM")
    assert failures == []
