"""The interpreter's session screens: this laptop only, QR codes, poster, live counts."""

from __future__ import annotations

import re
from pathlib import Path

from survey_app import sessions


def csrf_from(html: str) -> str:
    return re.search(r'name="~csrf"[^>]*value="([^"]+)"', html).group(1)


def create(client) -> str:
    page = client.get("/sessions").get_data(as_text=True)
    response = client.post("/sessions", data={
        "~csrf": csrf_from(page), "form_id": "amplify_worker",
        "supplier_name": "Riverside Apparel", "supplier_country": "BD",
        "languages": ["en", "es"], "max_responses": "25", "hours": "4"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_phones_cannot_reach_the_session_screens(client):
    assert client.get("/sessions").status_code == 200
    far = {"REMOTE_ADDR": "192.168.43.20"}
    assert client.get("/sessions", environ_base=far).status_code == 404
    assert client.get("/sessions/counts", environ_base=far).status_code == 404


def test_open_a_session_show_codes_and_poster(app, client):
    session_id = create(client)
    station = app.extensions["amplify"]
    session = sessions.get_session(station.store, session_id)
    assert session.languages == ("en", "es") and session.max_responses == 25
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    token = sessions.session_token(station, session_id)
    assert f"/f/{token}" in page and page.count("<svg") == 1
    listing = client.get("/sessions").get_data(as_text=True)
    table = listing[listing.index("<table"):listing.index("</table>")]
    assert "Riverside" not in table and session_id in table

    wifi = client.post(f"/sessions/{session_id}", data={
        "~csrf": csrf_from(page), "ssid": "FactoryHotspot",
        "wifi_password": "s3cret-wifi-pass"}).get_data(as_text=True)
    assert wifi.count("<svg") == 2 and "FactoryHotspot" in wifi
    assert "s3cret-wifi-pass" not in wifi

    for size in ("A4", "A5"):
        poster = client.post(f"/sessions/{session_id}/poster", data={
            "~csrf": csrf_from(page), "size": size, "ssid": "FactoryHotspot",
            "wifi_password": "s3cret-wifi-pass"})
        html = poster.get_data(as_text=True)
        assert poster.status_code == 200 and html.count("<svg") == 2
        assert f"poster-{size}.css" in html and "Scan the first code" in html
        assert "<style" not in html and "<script" not in html
        css = client.get(f"/sessions/poster-{size}.css")
        assert css.mimetype == "text/css" and f"size: {size}" in css.get_data(as_text=True)
    station.close()
    for path in Path(station.home).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"s3cret-wifi-pass" not in data and b"Riverside" not in data


def test_counts_are_numbers_only_and_close_works(app, client):
    session_id = create(client)
    counts = client.get(f"/sessions/{session_id}/counts").get_json()
    assert counts == {"id": session_id, "started": 0, "completed": 0, "status": "open"}
    assert client.get("/sessions/counts").get_json() == [counts]
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    closed = client.post(f"/sessions/{session_id}/close",
                         data={"~csrf": csrf_from(page)})
    assert closed.status_code == 302
    assert client.get(f"/sessions/{session_id}/counts").get_json()["status"] == "closed"


def test_bad_input_keeps_the_form_with_a_message(client):
    page = client.get("/sessions").get_data(as_text=True)
    response = client.post("/sessions", data={
        "~csrf": csrf_from(page), "form_id": "amplify_worker", "supplier_name": "",
        "max_responses": "10", "hours": "4"})
    assert response.status_code == 400
    assert "supplier name: required" in response.get_data(as_text=True)


def test_locked_station_shows_counts_but_no_codes(app, client):
    session_id = create(client)
    app.extensions["amplify"].lock()
    assert client.get("/sessions").status_code == 200
    assert client.get(f"/sessions/{session_id}").status_code == 302
    assert client.get(f"/sessions/{session_id}/counts").status_code == 200
