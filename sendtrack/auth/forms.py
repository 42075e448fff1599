from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from sendtrack.forms import BaseForm, text_field


class SignInForm(BaseForm):
    email = text_field("Email address", 254, "Enter your email address")
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password"), Length(max=500)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(BaseForm):
    code = text_field("Code", 40, "Enter the code")
    submit = SubmitField("Continue", widget=GovSubmitInput())
