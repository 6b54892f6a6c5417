"""Logs hold no address, token or typed value; every response carries the strict headers."""

from __future__ import annotations

import logging

from survey_app.security import NoValuesFormatter, RedactAddresses, redact


def test_redact_removes_addresses_and_tokens():
    line = "Client disconnected while serving /f/Xy3_kPq9aZ-12AbCdEf/page from 192.168.4.23"
    cleaned = redact(line)
    assert "192.168" not in cleaned and "Xy3_kPq9aZ" not in cleaned
    assert "/f/[token]" in cleaned and "[address]" in cleaned
    assert "fe80::1c2b:3d4e" not in redact("peer fe80::1c2b:3d4e:5f60:7a8b")


def test_log_records_lose_addresses_and_exception_messages(tmp_path):
    path = tmp_path / "log.txt"
    handler = logging.FileHandler(path)
    handler.addFilter(RedactAddresses())
    handler.setFormatter(NoValuesFormatter("%(message)s"))
    log = logging.getLogger("amplify.test.security")
    log.addHandler(handler)
    try:
        log.warning("request from %s", "10.0.0.7")
        typed = "Canary Answer Value"
        try:
            int(typed)
        except ValueError:
            log.exception("page failed")
    finally:
        log.removeHandler(handler)
        handler.close()
    text = path.read_text()
    assert "10.0.0.7" not in text and "Canary Answer Value" not in text
    assert "page failed" in text and "ValueError" in text


def test_every_response_has_strict_headers(client):
    response = client.get("/unlock")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_wal_is_emptied_when_the_station_locks(app):
    station = app.extensions["amplify"]
    from survey_app.store import suppliers

    suppliers.create_supplier(station.store, station.keys().records,
                              suppliers.clean_details("Some Factory"))
    wal = station.home / "amplify.db-wal"
    assert wal.exists() and wal.stat().st_size > 0
    station.lock()
    assert wal.stat().st_size == 0


def test_phone_requests_get_no_cookie_session_and_cannot_start_one(app):
    from flask import request

    with app.test_request_context("/f/sometoken/page", method="POST"):
        phone = app.session_interface.open_session(app, request)
        assert app.session_interface.is_null_session(phone)
        try:
            phone["x"] = 1
        except RuntimeError:
            pass
        else:
            raise AssertionError("a phone request could write a session cookie")
    with app.test_request_context("/sessions/"):
        interpreter = app.session_interface.open_session(app, request)
        interpreter["x"] = 1  # the interpreter's screens keep their signed session
        assert interpreter.modified
