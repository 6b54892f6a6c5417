"""Suppliers as one factory: several stations' copies of a factory are counted once."""

from __future__ import annotations

import re

from central import create_app, dataset, factories, rounds

from .central_kit import USER_PASSWORD, worker_answers
from .sync_kit import (
    add_station,
    add_supplier,
    amplify,
    central,
    finalise,
    make_world,
    open_station,
)


def _collect(world, station_home, suppliers: list[tuple[str, str, str]], name: str) -> None:
    station = open_station(station_home)
    try:
        for supplier_name, country, os_id in suppliers:
            supplier_id = add_supplier(station, world.project_id, supplier_name, country, os_id)
            for i in range(3):
                finalise(station, "amplify_worker", worker_answers(i), supplier_id=supplier_id)
    finally:
        station.close()
    bundle = world.root / f"{name}.bundle"
    amplify("export", "--home", station_home, "--project", world.project_id, "--round",
            "2026-Q4", "--out", bundle)
    central("merge", "--home", world.central_home, bundle)


def test_copies_sharing_an_os_id_are_one_factory_and_same_names_wait_for_a_steward(tmp_path):
    world = make_world(tmp_path, forms=("worker",))
    first, second = add_station(world, "first"), add_station(world, "second")
    _collect(world, first, [("Shared Knit Ltd", "BD", "BD2026SHARED1"),
                            ("Lotus Garments", "KH", "")], "first")
    _collect(world, second, [("Shared Knit (Dhaka)", "BD", "bd2026shared1 "),
                             ("LOTUS  garments", "KH", "")], "second")
    with dataset.reading(world.central_home) as conn:
        assert conn.execute("SELECT count(*) FROM suppliers").fetchone()[0] == 4
        assert conn.execute("SELECT count(DISTINCT factory_id) FROM suppliers").fetchone()[0] == 3
        shared = [r for r in rounds.list_rounds(conn) if r.country == "BD"]
        assert len(shared) == 1 and shared[0].respondents == 6  # one round, both stations
        (proposal,) = factories.proposals(conn)
    assert {proposal.supplier_name, proposal.factory_name} == {"Lotus Garments",
                                                               "LOTUS  garments"}

    from central import access, disclosure, release

    with dataset.transaction(world.central_home) as conn:  # release everything first
        release.close_rounds(conn, rounds.list_rounds(conn), "steward")
        own = conn.execute("SELECT factory_id FROM suppliers WHERE id = ?",
                           [proposal.supplier_id]).fetchone()[0]
    lotus_ids = {own, proposal.factory_id}
    with dataset.reading(world.central_home) as conn:
        assert lotus_ids <= {e.factory_id for e in disclosure.released(conn)}

    access.add_user(world.central_home, "steward", "steward", USER_PASSWORD)
    client = create_app(world.central_home, {"TESTING": True}).test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"csrf_token": token, "name": "steward",
                                "password": USER_PASSWORD})
    matches = client.get("/suppliers/matches").text
    assert "LOTUS" in matches
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', matches).group(1)
    answer = client.post("/suppliers/matches", data={
        "csrf_token": token, "supplier_id": proposal.supplier_id,
        "factory_id": proposal.factory_id, "decision": "confirm"})
    assert answer.status_code == 302
    with dataset.reading(world.central_home) as conn:
        assert conn.execute("SELECT count(DISTINCT factory_id) FROM suppliers").fetchone()[0] == 2
        assert factories.proposals(conn) == []
        lotus = [r for r in rounds.list_rounds(conn) if r.country == "KH"]
        assert len(lotus) == 1 and lotus[0].respondents == 6
    assert any(e["action"] == "supplier joined" for e in access.audit_log(world.central_home))
    with dataset.reading(world.central_home) as conn:  # no figure of either part survives
        left = {e.factory_id for e in disclosure.released(conn)}
        lotus = [r for r in rounds.list_rounds(conn) if r.country == "KH"]
    assert not left & lotus_ids
    assert not lotus[0].closed and "joined" in lotus[0].note


def test_factory_ids_are_deterministic_and_names_compare_loosely():
    assert factories.factory_id_for("s1", "bd2026x ") == factories.factory_id_for("s2", "BD2026X")
    assert factories.factory_id_for("s1", "") != factories.factory_id_for("s2", "")
    assert factories.normal_name("LOTUS  garments!") == factories.normal_name("Lotus Garments")
