"""Storage: one SQLite file in the home folder, through sqlite-utils.

* ``db``         connections and pragmas (WAL, synchronous=FULL, foreign keys).
* ``migrations`` the schema as an ordered list of steps, each applied once.
* ``writer``     the single writer thread: durable group commits, acknowledged after fsync.
* ``records``    interview records: encrypted drafts, sealed finalised records, the vault.
* ``suppliers``  supplier details, encrypted, and sealed copies for each project.
* ``formstore``  questionnaires as loaded (form_id, version, definition, original file).
"""

from .db import Store

__all__ = ["Store"]
