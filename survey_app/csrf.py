"""CSRF protection for every form (Flask-WTF's CSRFProtect).

The worker pages in ``collect`` carry their own token, derived from the collection
session and the response (no cookie), and are exempted here by that blueprint.
"""

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    csrf.init_app(app)
