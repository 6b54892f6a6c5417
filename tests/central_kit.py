"""A brand world with groups just under, at and just over k, merged through real bundles.

Three suppliers on one station (plus a second station's copy of one of them):

* ``Under Ltd``  4 workers (k − 1 with k = 5)
* ``Exact Ltd``  5 workers, one representative with consent to share, management
* ``Over Ltd``   6 workers, four representatives without consent to share

Every record is finalised through the station's one finalise path, exported into a
bundle with ``amplify export --round 2026-Q4`` and merged with ``amplify central merge``.
Users, one per role, share :data:`USER_PASSWORD`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from central import access

from .sync_kit import (
    World,
    add_station,
    add_supplier,
    amplify,
    central,
    finalise,
    make_world,
    open_station,
)

K = 5
ROUND = "2026-Q4"
USER_PASSWORD = "correct horse battery staple"
ROLES = ("viewer", "analyst", "steward", "admin")
SUPPLIERS = {"under": ("Under Ltd", "BD", "BD2026UNDER01", 4),
             "exact": ("Exact Ltd", "BD", "BD2026EXACT01", 5),
             "over": ("Over Ltd", "KH", "", 6)}
UNION_ANSWERS = ("yes", "no", "yes", "dont_know", "yes", "no")
SELECTION = ("secret_ballot", "appointed", "appointed", "show_of_hands", "appointed",
             "appointed")


@dataclass
class BrandWorld:
    world: World
    station: Path
    bundle: Path

    @property
    def home(self) -> Path:
        return self.world.central_home


def worker_answers(i: int) -> dict:
    return {"safe_place": "yes", "consent": "yes", "gender": "woman" if i % 2 else "man",
            "union_present": UNION_ANSWERS[i], "committee_present": "yes",
            "rep_selection": SELECTION[i], "interference_seen": "yes" if i < 2 else "no",
            "interference_types": ["threats"] if i < 2 else []}


def rep_answers(consent: bool) -> dict:
    return {"safe_place": "yes", "consent": "yes", "share_consent": "yes" if consent else "no",
            "union_present": "yes", "rep_selection": "secret_ballot"}


MANAGEMENT_ANSWERS = {"safe_place": "yes", "consent": "yes", "respondent_role": "hr",
                      "union_present": "yes", "rep_selection": "secret_ballot"}


_TEMPLATE: BrandWorld | None = None


def build(root: Path) -> BrandWorld:
    """The world in ``root``: built once per test process, then copied (a few MB)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        template = Path(tempfile.mkdtemp(prefix="amplify-brand-template-"))
        atexit.register(shutil.rmtree, template, ignore_errors=True)
        _TEMPLATE = _build(template)
    source = _TEMPLATE.world.root
    shutil.copytree(source, root, dirs_exist_ok=True)
    world = replace(_TEMPLATE.world, root=root,
                    central_home=root / _TEMPLATE.world.central_home.relative_to(source),
                    project_file=root / _TEMPLATE.world.project_file.relative_to(source),
                    stations=[root / s.relative_to(source) for s in _TEMPLATE.world.stations])
    return BrandWorld(world, root / _TEMPLATE.station.relative_to(source),
                      root / _TEMPLATE.bundle.relative_to(source))


def _build(root: Path) -> BrandWorld:
    world = make_world(root, forms=("worker", "representative", "management"))
    home = add_station(world, "station1")
    station = open_station(home)
    try:
        ids = {key: add_supplier(station, world.project_id, name, country, os_id)
               for key, (name, country, os_id, _) in SUPPLIERS.items()}
        for key, (_, _, _, workers) in SUPPLIERS.items():
            for i in range(workers):
                finalise(station, "amplify_worker", worker_answers(i), supplier_id=ids[key])
        finalise(station, "amplify_representative", rep_answers(True), mode="interview",
                 supplier_id=ids["exact"])
        for _ in range(4):
            finalise(station, "amplify_representative", rep_answers(False), mode="interview",
                     supplier_id=ids["over"])
        finalise(station, "amplify_management", MANAGEMENT_ANSWERS, mode="interview",
                 supplier_id=ids["exact"])
    finally:
        station.close()
    bundle = root / "round.bundle"
    amplify("export", "--home", home, "--project", world.project_id, "--round", ROUND,
            "--out", bundle)
    central("merge", "--home", world.central_home, bundle)
    for role in ROLES:
        access.add_user(world.central_home, role, role, USER_PASSWORD)
    return BrandWorld(world, home, bundle)
