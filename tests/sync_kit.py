"""Shared steps for the sync tests: real homes, the real `amplify` CLI, real crypto.

A *world* is a central home ``C`` with one project, and any number of stations that
imported it and are trusted. Records are finalised through ``finalise_record``, the
one path both the interview screens and the phone form use.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from central.dataset import DATA_TABLES, dataset_path
from survey_app.finalise import finalise_record
from survey_app.station import Station
from survey_app.store import projects, records, suppliers
from survey_app.store.records import RecordMeta

REPO = Path(__file__).resolve().parent.parent
FORMS = REPO / "forms"
BRAND_PASSPHRASE = "brand passphrase for tests"
STATION_PASSPHRASE = "station passphrase for tests"
PROJECT_PASSPHRASE = "4444-5555-6666-7777"

# Canary identities: none of these may appear in a bundle, the central dataset or a log.
CANARY_NAME = "Canaryname Rahimabegum"
CANARY_PHONE_BENGALI = "০১৭১১-৪৮৩৯২৭"
CANARY_PHONE_ARABIC = "٠١٢٣٤٥٦٧٨٩"
CANARY_EMAIL = "canary.person@example.org"
CANARY_EMPLOYEE_ID = "EMP-48213"


def env(passphrase: str = STATION_PASSPHRASE, **extra: str) -> dict[str, str]:
    values = {**os.environ, "AMPLIFY_PASSPHRASE": passphrase, "AMPLIFY_KDF_LOG2_N": "12",
              "AMPLIFY_PROJECT_PASSPHRASE": PROJECT_PASSPHRASE}
    values.update(extra)
    return values


def amplify(*args: str, passphrase: str = STATION_PASSPHRASE, check: bool = True,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "survey_app.cli", *map(str, args)],
                            capture_output=True, text=True, env=env(passphrase), cwd=cwd)
    if check and result.returncode != 0:
        raise AssertionError(f"amplify {' '.join(map(str, args))} failed:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def table_digest(path: Path) -> str:
    """SHA-256 over every row of every data table of a central dataset, in key order."""
    import sqlite3

    digest = hashlib.sha256()
    conn = sqlite3.connect(path)
    try:
        for table in DATA_TABLES:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()


def central(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return amplify("central", *args, passphrase=BRAND_PASSPHRASE, check=check)


@dataclass
class World:
    root: Path
    central_home: Path
    project_file: Path
    project_id: str
    stations: list[Path] = field(default_factory=list)

    def digest(self) -> str:
        return table_digest(dataset_path(self.central_home))

    def db(self):
        import sqlite3

        return sqlite3.connect(dataset_path(self.central_home))

    def count(self, sql: str, *args) -> int:
        conn = self.db()
        try:
            return conn.execute(sql, args).fetchone()[0]
        finally:
            conn.close()


def make_world(root: Path, forms: tuple[str, ...] = ("worker", "representative"),
               free_text: bool = False) -> World:
    c_home = root / "central"
    central("init", "--home", c_home)
    project_file = root / "project.json"
    extra = ["--free-text"] if free_text else []
    form_args = [a for name in forms for a in ("--form", FORMS / f"{name}.xlsx")]
    out = central("project", "create", "--home", c_home, "--name", "FoA test", *form_args,
                  "--out", project_file, *extra).stdout
    project_id = out.split("Project ", 1)[1].split(" ", 1)[0]
    return World(root, c_home, project_file, project_id)


def add_station(world: World, name: str, trust: bool = True) -> Path:
    home = world.root / name
    amplify("init", "--home", home)
    amplify("project", "import", "--home", home, world.project_file)
    if trust:
        identity = world.root / f"{name}.json"
        amplify("station", "id", "--home", home, "--out", identity)
        central("trust", "--home", world.central_home, "--label", name, identity)
    world.stations.append(home)
    return home


def open_station(home: Path) -> Station:
    station = Station(home)
    station.unlock(STATION_PASSPHRASE)
    return station


def add_supplier(station: Station, project_id: str, name: str = "Canary Garments Ltd",
                 country: str = "BD", os_id: str = "BD2019123ABC456") -> str:
    details = suppliers.clean_details(name, country, os_id)
    supplier_id = suppliers.create_supplier(station.store, station.keys().records, details)
    project = projects.get_project(station.store, project_id)
    suppliers.seal_for_project(station.store, station.sealer, supplier_id, project_id,
                               project.public_key, details)
    return supplier_id


def finalise(station: Station, form_id: str, answers: dict, *, mode: str = "self",
             supplier_id: str | None = None, context: dict | None = None,
             record_id: str | None = None, revision: int = 1, language: str = "en") -> str:
    form = station.form(form_id)
    project = projects.project_for_form(station.store, form_id)
    meta = RecordMeta(id=record_id or records.new_record_id(), form_id=form_id,
                      form_version=form.version, project_id=project.id, mode=mode,
                      language=language, status=records.DRAFT, supplier_id=supplier_id,
                      session_id=None, day="", seq=0, revision=revision)
    context = dict(context or {})
    if mode == "interview":
        key = projects.pseudonym_key(station.keys().extra, project.id)
        context.setdefault("pseudonym_key", key)
    return finalise_record(station, meta, form, answers, context).id


WORKER_ANSWERS = {
    "safe_place": "yes", "consent": "yes", "gender": "woman", "age_band": "25_34",
    "tenure_band": "1_3", "contract_type": "permanent", "know_right_join": "yes",
    "union_present": "yes", "rep_selection": "secret_ballot",
    "interference_seen": "yes", "interference_types": ["threats", "watching"],
    "worker_meetings_12m": "3",
    "change_wish": f"Ask {CANARY_NAME} or call {CANARY_PHONE_BENGALI}, mail {CANARY_EMAIL}",
    "other_comments": f"ID {CANARY_EMPLOYEE_ID}, phone {CANARY_PHONE_ARABIC}",
}

REP_ANSWERS = {
    "safe_place": "yes", "consent": "yes", "share_consent": "yes", "contact_ok": "yes",
    "rep_name": CANARY_NAME, "rep_phone": CANARY_PHONE_BENGALI, "rep_role": "shop_steward",
    "union_present": "yes", "cba_topics": ["wages", "hours"], "meetings_12m": "4",
    "rep_comments": f"{CANARY_NAME} was threatened, call {CANARY_PHONE_ARABIC}",
}


def canaries() -> list[bytes]:
    """Every canary in the encodings it could appear in."""
    values = [CANARY_NAME, "Rahimabegum", CANARY_PHONE_BENGALI, CANARY_PHONE_ARABIC,
              CANARY_EMAIL, CANARY_EMPLOYEE_ID, "01711483927", "0123456789", "48213"]
    found = []
    for value in values:
        found += [value.encode("utf-8"), value.encode("utf-16-le"),
                  value.casefold().encode("utf-8")]
    return found


def all_bytes(folder: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
