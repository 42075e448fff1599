from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from sendtrack.forms import AppSelect, BaseForm, GovukDateField, text_field
from sendtrack.models import AuditAction


class AuditSearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form that changes nothing

    child = text_field("Child's UPN or surname", 100)
    user = text_field("User's email address", 254)
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
