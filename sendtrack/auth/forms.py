from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from sendtrack.forms import BaseForm


class SignInForm(BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password"), Length(max=500)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(BaseForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the code"), Length(max=40)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
