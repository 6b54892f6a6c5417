"""XLSForm -> form model, expressions and page logic (see loader.load_xlsform)."""

from .errors import FormError
from .loader import load_xlsform, load_xlsform_bytes
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
