"""The panel pack build form: names or initials."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SubmitField
from wtforms.validators import ValidationError

from sendtrack.forms import BaseForm

CHOICES = [
    SelectChoice("named", "Names, UPN and date of birth (full pack)"),
    SelectChoice("pseudonymised", "Initials only: no UPN, date of birth or addresses"),
]


def _chosen(_form: object, field: RadioField) -> None:
    if field.data not in ("named", "pseudonymised"):
        raise ValidationError("Choose whether the pack shows children's names or initials")


class BuildPackForm(BaseForm):
    identities = RadioField(
        "What should the pack show about each child?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=CHOICES,
        validators=[_chosen],
    )
    submit = SubmitField("Build the pack", widget=GovSubmitInput())

    @property
    def pseudonymised(self) -> bool:
        return self.identities.data == "pseudonymised"
