"""Sync: move finalised, anonymised records from stations into a brand's central dataset.

Station side: anonymise → seal → bundle (signed by the station). Central side
(``central``): verify → decrypt → validate → merge, idempotently by record id.
"""
