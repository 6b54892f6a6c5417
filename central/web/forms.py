"""The brand app's web forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..access import ROLES


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
