"""XLSForm -> form model, expressions and page logic (see loader.load_xlsform).

The loader (pyxform, openpyxl: ~0.2 s to import) is imported on first use of
``load_xlsform``/``load_xlsform_bytes``, so a process that only reads stored forms (the
station serving phones, most commands) never pays for it.
"""

from typing import Any

from .errors import FormError
from .model import Choice, FormDefinition, Page, Question, Repeat, label_in

__all__ = [
    "Choice",
    "FormDefinition",
    "FormError",
    "Page",
    "Question",
    "Repeat",
    "label_in",
    "load_xlsform",
    "load_xlsform_bytes",
]
_LOADER_NAMES = ("load_xlsform", "load_xlsform_bytes")


def __getattr__(name: str) -> Any:
    if name in _LOADER_NAMES:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
