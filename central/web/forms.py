"""The brand app's web forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..access import ROLES
from ..notes import STATUSES
from ..redflags import ROUTES


class LoginForm(FlaskForm):
    name = StringField("User name", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class ButtonForm(FlaskForm):
    """A form that is only a button (close a round, sign out): the CSRF token is its body."""


class DecisionForm(FlaskForm):
    supplier_id = HiddenField(validators=[DataRequired()])
    factory_id = HiddenField(validators=[DataRequired()])
    decision = HiddenField(validators=[DataRequired()])


class UserForm(FlaskForm):
    name = StringField("User name", validators=[DataRequired(), Length(max=40)])
    role = SelectField("Role", choices=list(ROLES))
    password = PasswordField("Password (12 characters or more)",
                             validators=[DataRequired(), Length(max=200)])


class NoteForm(FlaskForm):
    text = TextAreaField("What was agreed or noted", validators=[DataRequired(), Length(max=2000)])
    route = SelectField("Action route", choices=[
        (code, f"{code}: {meaning}") for code, meaning in ROUTES.items()])
    due = StringField("Due (YYYY-MM-DD, optional)", validators=[Optional(), Length(max=10)])


class NoteStatusForm(FlaskForm):
    status = SelectField("Status", choices=list(STATUSES))
