from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from sendtrack.forms import AppSelect, BaseForm, GovukDateField
from sendtrack.models import AuditAction


class AuditSearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form that changes nothing

    child = StringField(
        "Child's UPN or surname", widget=GovTextInput(), validators=[Optional(), Length(max=100)]
    )
    user = StringField(
        "User's email address", widget=GovTextInput(), validators=[Optional(), Length(max=254)]
    )
    action = SelectField(
        "Action",
        widget=AppSelect(),
        choices=[SelectChoice("", "Any action")]
        + [SelectChoice(a.value, a.value.replace("_", " ")) for a in AuditAction],
        validators=[Optional()],
    )
    date_from = GovukDateField("From", subject="The from date", validators=[Optional()])
    date_to = GovukDateField("To", subject="The to date", validators=[Optional()])
    submit = SubmitField("Search", widget=GovSubmitInput())
