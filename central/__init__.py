"""The brand side of sync: the central home, its keys, projects, merge and HTTP inbox.

* ``keys``    the brand's X25519 encryption pair and Ed25519 signing pair, wrapped.
* ``dataset`` the central SQLite file (opens in Datasette): schema and wide views.
* ``merge``   verify → decrypt → validate → upsert, one transaction per bundle.
* ``server``  ``POST /api/bundles``: the same merge over HTTP.
"""
