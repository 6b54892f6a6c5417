"""The files Amplify ships beside its code: built-in questionnaires and interface catalogs.

In the repository ``forms/`` and ``translations/`` stay at the top level, where translators
and form authors find them; this package holds two symbolic links to them. A wheel copies
the links' targets into the package (see ``[tool.setuptools.package-data]``), so the same
lookup, :func:`folder`, finds them in a checkout, an editable install and an installed
wheel. Neither the station (``survey_app``) nor the brand side (``central``) needs the
other to reach them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def folder(name: str) -> Path:
    """A shipped folder by name (``"forms"``, ``"translations"``), as a real path.

    Resolved, so in a checkout it is the top-level folder itself (``amplify translations
    extract`` reads the code beside it).
    """
    path = Path(str(resources.files(__name__) / name)).resolve()
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is missing: amplify_resources/{name} is not installed")
    return path


FORMS = folder("forms")
TRANSLATIONS = folder("translations")
