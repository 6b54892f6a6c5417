"""Flask-WTF forms of the interpreter's screens (each carries a CSRF token).

The questionnaire pages are not WTForms forms: ``questionnaire.page_questions`` and the
one question macro draw them, ``posted.posted_answers`` reads their posts.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from ..keys.keyring import MIN_PASSPHRASE

NEW_SUPPLIER = "new"


class SetupForm(FlaskForm):
    passphrase = PasswordField(_l("New passphrase"), validators=[
        InputRequired(_l("Enter a passphrase.")),
        Length(min=MIN_PASSPHRASE, message=_l("The passphrase needs at least %(n)d characters.",
                                               n=MIN_PASSPHRASE))])
    confirm = PasswordField(_l("Type it again"), validators=[
        InputRequired(_l("Type the passphrase a second time.")),
        EqualTo("passphrase", message=_l("The two passphrases are not the same."))])


class UnlockForm(FlaskForm):
    passphrase = PasswordField(_l("Passphrase"),
                               validators=[InputRequired(_l("Enter the passphrase."))])


class PostOnlyForm(FlaskForm):
    """A button that changes something (lock, delete): only its CSRF token."""


class NewInterviewForm(FlaskForm):
    form_id = RadioField(_l("Questionnaire"),
                         validators=[InputRequired(_l("Choose a questionnaire."))])
    language = SelectField(_l("Language of the person you interview"),
                           validators=[InputRequired(_l("Choose a language."))])
    supplier = RadioField(_l("Supplier (factory)"), default=NEW_SUPPLIER,
                          validators=[InputRequired(_l("Choose a supplier or add a new one."))])
    supplier_name = StringField(_l("Supplier name"),
                                validators=[Optional(), Length(max=200)])
    supplier_country = StringField(_l("Country (two-letter code, for example KH)"),
                                   validators=[Optional(), Length(max=2)])
    supplier_os_id = StringField(_l("Open Supply Hub ID (optional)"),
                                 validators=[Optional(), Length(max=32)])
    scrub_names = TextAreaField(_l("Names to remove from free text (optional, one per line)"))
