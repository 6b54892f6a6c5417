"""The final submit of the built-in worker form: every shown page is checked, the answers
cleaned, anonymised and sealed, and the form's logic is still worked out only once."""

from __future__ import annotations

import pytest

from survey_app import sessions
from tests.test_collect_pages import finals, post_page, walk_to_last


@pytest.fixture
def open_session(app):
    station = app.extensions["amplify"]
    return sessions.create_session(station, form_id="amplify_worker",
                                   supplier={"name": "Factory A", "country": "KH"},
                                   max_responses=3)


def test_the_final_submit_works_out_the_form_logic_once(app, client, open_session,
                                                        monkeypatch):
    from xlsform import logic

    _session, token = open_session
    last = walk_to_last(client, token)
    calls = []
    resolve = logic._resolve
    monkeypatch.setattr(logic, "_resolve", lambda *args: calls.append(1) or resolve(*args))
    response, _data = post_page(client, last.get_data(as_text=True),
                                {"change_wish": "since 2019, call 012 345 678"})
    assert response.status_code == 200 and "data-receipt" in response.get_data(as_text=True)
    assert len(finals(app)) == 1
    assert len(calls) == 1
