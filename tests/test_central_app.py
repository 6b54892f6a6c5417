"""The brand app on a real home: routes and roles, rounds, the disclosure door, sessions.

One world (tests/central_kit.py) merged through a real bundle serves the whole module.
"""

from __future__ import annotations

import re
import time

import pytest

from central import access, create_app, dataset, disclosure, release, rounds
from central.web.guard import ANYONE

from .central_kit import ROLES, USER_PASSWORD, K, build

NUMBER = re.compile(r'class="num fig[^"]*">\s*(\d+)\s*<')


@pytest.fixture(scope="module")
def brand(tmp_path_factory):
    return build(tmp_path_factory.mktemp("brand"))


@pytest.fixture(scope="module")
def app(brand):
    return create_app(brand.home, {"TESTING": True})


def sign_in(app, role: str, password: str = USER_PASSWORD):
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"csrf_token": token, "name": role,
                                           "password": password})
    return client, response


def csrf_token(client, path: str = "/") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text).group(1)


def all_rounds(brand) -> list[rounds.Round]:
    with dataset.reading(brand.home) as conn:
        return rounds.list_rounds(conn)


def close_all(brand) -> None:
    with dataset.transaction(brand.home) as conn:
        release.close_rounds(conn, rounds.list_rounds(conn), "test")


def test_every_route_declares_who_may_use_it(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) is None]
    assert undeclared == []


def _example_url(rule, brand) -> str:
    item = all_rounds(brand)[0]
    with dataset.reading(brand.home) as conn:
        response_id = conn.execute("SELECT id FROM responses LIMIT 1").fetchone()[0]
    values = {"round_id": item.id, "response_id": response_id, "name": "nobody-here",
              "filename": "central.css", "factory_id": item.factory_id, "note_id": 1}
    return rule.build({name: values[name] for name in rule.arguments})[1]


def test_walk_every_route_as_every_role_and_as_nobody(app, brand):
    clients = {role: sign_in(app, role)[0] for role in ROLES}
    clients[None] = app.test_client()
    for rule in app.url_map.iter_rules():
        allowed = app.view_functions[rule.endpoint].allowed_roles
        url = _example_url(rule, brand)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role, client in clients.items():
                status = client.open(url, method=method).status_code
                where = f"{method} {url} as {role or 'nobody'}"
                if ANYONE in allowed or role in allowed:
                    assert status not in (401, 403), where
                elif role is None:
                    assert status in (302, 401), where
                else:
                    assert status == 403, where


def test_open_rounds_show_nothing_until_a_steward_closes_them(app, brand):
    viewer, _ = sign_in(app, "viewer")
    item = next(r for r in all_rounds(brand) if r.factory_name == "Over Ltd"
                and r.form_id == "amplify_worker")
    if item.closed:
        pytest.skip("another test closed the rounds first")
    page = viewer.get(f"/rounds/{item.id}")
    assert "nothing of it is shown" in page.text and not NUMBER.findall(page.text)
    with dataset.reading(brand.home) as conn, pytest.raises(disclosure.NotReleased):
        disclosure.round_figures(conn, item)
    steward, _ = sign_in(app, "steward")
    token = csrf_token(steward, f"/rounds/{item.id}")
    assert steward.post(f"/rounds/{item.id}/close", data={"csrf_token": token}).status_code == 302
    assert "Respondents in the group" in viewer.get(f"/rounds/{item.id}").text
    assert any(e["action"] == "round closed" and e["target"] == item.id
               for e in access.audit_log(brand.home))


def test_no_page_shows_a_count_from_fewer_than_k(app, brand):
    close_all(brand)
    for role in ROLES:
        client, _ = sign_in(app, role)
        pages = ["/", "/rounds", "/suppliers", "/ledger", "/projects", "/stations"]
        pages += [f"/rounds/{item.id}" for item in all_rounds(brand)]
        for path in pages:
            text = client.get(path).text
            for value in NUMBER.findall(text):  # stated positions are marked "num stated"
                assert not 0 < int(value) < K, (role, path, value)


def test_a_group_under_k_is_fewer_than_k_and_one_at_k_is_shown(app, brand):
    close_all(brand)
    viewer, _ = sign_in(app, "viewer")
    by_name = {(r.factory_name, r.form_id): r for r in all_rounds(brand)}
    under = viewer.get(f"/rounds/{by_name['Under Ltd', 'amplify_worker'].id}").text
    assert f"respondents: fewer than {K}" in under
    exact = viewer.get(f"/rounds/{by_name['Exact Ltd', 'amplify_worker'].id}").text
    assert f"respondents: {K}" in exact


def test_representatives_without_consent_appear_only_across_suppliers(brand):
    close_all(brand)
    by_name = {(r.factory_name, r.form_id): r for r in all_rounds(brand)}
    with dataset.reading(brand.home) as conn:
        over = disclosure.round_figures(conn, by_name["Over Ltd", "amplify_representative"])
        exact = disclosure.round_figures(conn, by_name["Exact Ltd", "amplify_representative"])
        pooled = disclosure.pooled_representatives(
            conn, brand.world.project_id, "amplify_representative", "2026-Q4")
    union = {f.question: f for f in over}["union_present"]
    assert union.total.value == 0  # four reps at Over Ltd, none consented: none shown there
    consented = {f.question: f for f in exact}["union_present"]
    assert consented.kind == "stated" and consented.total.value == 1
    pooled_union = {f.question: f for f in pooled}["union_present"]
    assert pooled_union.total.value == 4 or pooled_union.total.hidden
    assert pooled_union.total.hidden  # four is fewer than k: hidden across suppliers too


def test_management_is_a_stated_position_not_hidden_by_k(brand):
    close_all(brand)
    item = next(r for r in all_rounds(brand) if r.form_id == "amplify_management")
    with dataset.reading(brand.home) as conn:
        union = {f.question: f for f in disclosure.round_figures(conn, item)}["union_present"]
    assert union.kind == "stated" and union.note == disclosure.STATED
    assert dict(zip((a for a, _ in union.answers), (c.value for c in union.cells),
                    strict=True))["yes"] == 1


def test_record_level_data_is_the_stewards_alone_and_logged(app, brand):
    with dataset.reading(brand.home) as conn:
        response_id = conn.execute("SELECT id FROM responses LIMIT 1").fetchone()[0]
    for role in ("viewer", "analyst", "admin"):
        client, _ = sign_in(app, role)
        assert client.get(f"/records/{response_id}").status_code == 403
    steward, _ = sign_in(app, "steward")
    page = steward.get(f"/records/{response_id}")
    assert page.status_code == 200 and "audit log" in page.text
    entry = access.audit_log(brand.home)[0]
    assert (entry["user"], entry["action"], entry["target"]) == \
        ("steward", "record access", response_id)


def test_login_is_throttled_per_account_and_logged(app, brand):
    access.add_user(brand.home, "throttled", "viewer", USER_PASSWORD)
    for _ in range(5):
        assert sign_in(app, "throttled", "wrong password here")[1].status_code == 401
    client, response = sign_in(app, "throttled")  # the right one must wait too
    assert response.status_code == 401 and "try again in" in response.text
    other, ok = sign_in(app, "viewer")  # another account is not slowed
    assert ok.status_code == 302
    refused = [e for e in access.audit_log(brand.home) if e["action"] == "login refused"]
    assert any(e["user"] == "throttled" for e in refused)
    assert all(USER_PASSWORD not in str(e) for e in access.audit_log(brand.home))


def test_session_cookie_flags_logout_and_idle_timeout(app, brand):
    client, response = sign_in(app, "viewer")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    secure_client = app.test_client()
    page = secure_client.get("/login", base_url="https://localhost")
    token = re.search(r'value="([^"]+)"', page.text.split('name="csrf_token"')[1]).group(1)
    over_https = secure_client.post("/login", base_url="https://localhost", data={
        "csrf_token": token, "name": "viewer", "password": USER_PASSWORD},
        headers={"Referer": "https://localhost/login"})  # as Referrer-Policy same-origin sends
    assert "Secure" in over_https.headers["Set-Cookie"]
    assert client.get("/rounds").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = time.time() - 31 * 60
    assert client.get("/rounds").status_code == 302  # idle: back to the login page
    client, _ = sign_in(app, "viewer")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert client.get("/rounds").status_code == 302


def test_a_new_password_ends_open_sessions(app, brand):
    access.add_user(brand.home, "rotated", "viewer", USER_PASSWORD)
    client, _ = sign_in(app, "rotated")
    assert client.get("/").status_code == 200
    access.set_password(brand.home, "rotated", "another long password 2")
    assert client.get("/").status_code == 302


def test_forms_need_their_csrf_token_and_pages_carry_the_strict_headers(app, brand):
    steward, _ = sign_in(app, "steward")
    item = all_rounds(brand)[0]
    assert steward.post(f"/rounds/{item.id}/close").status_code == 400
    page = steward.get("/rounds")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script" not in page.text and "style=" not in page.text


def test_admin_adds_and_removes_users_in_the_app(app, brand):
    admin, _ = sign_in(app, "admin")
    token = csrf_token(admin, "/admin/users")
    added = admin.post("/admin/users", data={"csrf_token": token, "name": "newcomer",
                                             "role": "analyst", "password": "x"})
    assert added.status_code == 422 and "12 characters" in added.text
    assert admin.post("/admin/users", data={"csrf_token": token, "name": "newcomer",
                                            "role": "analyst",
                                            "password": USER_PASSWORD}).status_code == 302
    assert access.get_user(brand.home, "newcomer").role == "analyst"
    assert admin.post("/admin/users/newcomer/remove",
                      data={"csrf_token": token}).status_code == 302
    assert access.get_user(brand.home, "newcomer") is None


def test_hostile_supplier_names_are_escaped(app, brand):
    with dataset.transaction(brand.home) as conn:
        conn.execute("UPDATE factories SET name = ? WHERE name = 'Exact Ltd'",
                     ['<script>alert(1)</script>\u202eLtd'])
    try:
        viewer, _ = sign_in(app, "viewer")
        text = viewer.get("/suppliers").text + viewer.get("/rounds").text
        assert "<script>alert(1)" not in text and "&lt;script&gt;" in text
    finally:
        with dataset.transaction(brand.home) as conn:
            conn.execute("UPDATE factories SET name = 'Exact Ltd' WHERE name LIKE '<script>%'")


def test_the_sign_in_page_speaks_dutch_to_a_dutch_browser(app):
    dutch = app.test_client().get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    assert '<html lang="nl">' in dutch.text and "Aanmelden" in dutch.text
    english = app.test_client().get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in english.text and "Sign in" in english.text


def test_the_dutch_catalog_translates_every_string_of_the_brand_app():
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    repo = Path(__file__).resolve().parent.parent
    method_map = [("central/**.py", "python"),
                  ("central/templates/**.html", "jinja2.ext:babel_extract")]
    found = {message for _, _, message, *_ in extract_from_dir(repo, method_map)
             if isinstance(message, str)}
    with (repo / "translations/nl/LC_MESSAGES/central.po").open("rb") as handle:
        dutch = {m.id: m.string for m in read_po(handle) if m.id}
    assert found and not sorted(m for m in found if not dutch.get(m))
