"""Forms for the administration screens."""

from __future__ import annotations

from collections.abc import Callable

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    FileField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from sendtrack.forms import (
    AppSelect,
    BaseForm,
    MoneyField,
    SubmissionToken,
    VersionField,
    area_field,
    entered,
    optional_choice,
    options,
    radios,
    text_field,
)
from sendtrack.models import Phase, Role


def whole_number(message: str, low: int, high: int) -> Callable[[object, object], None]:
    """A whole number typed in a text box, checked here rather than by IntegerField, whose
    own message ("Not a valid integer value") is not GOV.UK wording and which overflows on
    huge numbers."""

    def check(_form: object, field: object) -> None:
        raw = (getattr(field, "data", "") or "").strip()
        if not raw.isdigit() or len(raw) > 6 or not low <= int(raw) <= high:
            raise ValidationError(message)

    return check


class SearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search that changes nothing

    q = text_field("Search", 100)
    submit = SubmitField("Search", widget=GovSubmitInput())


class SettingSearchForm(SearchForm):
    phase = SelectField(
        "Phase",
        widget=AppSelect(),
        choices=options([("", "Any phase")] + [(p.value, p.label) for p in Phase]),
        validate_choice=False,
        validators=[Optional()],
    )
    cluster = SelectField("Cluster", widget=AppSelect(), validate_choice=False)


class UserSearchForm(SearchForm):
    role = SelectField(
        "Role",
        widget=AppSelect(),
        choices=options([("", "Any role")] + [(r.value, r.label) for r in Role]),
        validate_choice=False,
        validators=[Optional()],
    )


class ClusterForm(SubmissionToken, BaseForm):
    version = VersionField()
    name = text_field("Name", 120, "Enter the cluster's name")
    quorum = StringField(
        "Quorum",
        widget=GovTextInput(),
        description="How many panel members must be present for the panel to decide",
        validators=[
            DataRequired("Enter the quorum"),
            whole_number("Quorum must be a whole number from 1 to 50", 1, 50),
        ],
    )
    submit = SubmitField("Save cluster", widget=GovSubmitInput())


class BudgetForm(BaseForm):
    financial_year = text_field(
        "Financial year", 7, "Enter the financial year", description="April to March, like 2026-27"
    )
    allocation = MoneyField(
        "Delegated budget",
        subject="The delegated budget",
        validators=[entered("Enter the delegated budget")],
    )
    submit = SubmitField("Save budget", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    """A confirmation page's one button (deactivate, reactivate)."""

    version = VersionField()
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class SettingForm(SubmissionToken, BaseForm):
    version = VersionField()
    urn = text_field(
        "URN",
        20,
        "Enter the URN",
        description="The 6-digit unique reference number from Get information about schools",
    )
    name = text_field("Name", 200, "Enter the setting's name")
    phase = radios("Phase", [(p.value, p.label) for p in Phase], required="Choose the phase")
    cluster_id = SelectField(
        "Cluster",
        widget=AppSelect(),
        validate_choice=False,
        validators=[optional_choice("Choose a cluster from the list")],
    )
    submit = SubmitField("Save setting", widget=GovSubmitInput())


ROLE_CHOICES = options(
    [
        (Role.LA_OFFICER.value, "LA officer (the whole area)"),
        (Role.ADMIN.value, "Administrator (everything, plus user accounts)"),
    ]
)


class UserForm(BaseForm):
    version = VersionField()
    name = text_field("Full name", 120, "Enter the person's full name")
    senco_urns = area_field(
        "SENCO of these settings (URNs)",
        2000,
        description="The 6-digit URN of each setting, separated by spaces or commas",
    )
    lead_clusters = SelectMultipleField(
        "Area SEND Lead of these clusters",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        validators=[Optional()],
    )
    panel_clusters = SelectMultipleField(
        "Panel member of these clusters",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        validators=[Optional()],
    )
    area_roles = SelectMultipleField(
        "Area-wide roles",
        widget=GovCheckboxesInput(),
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[Optional()],
    )
    submit = SubmitField("Save user", widget=GovSubmitInput())


class NewUserForm(SubmissionToken, UserForm):
    email = text_field("Email address", 254, "Enter the email address")
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        description="12 characters or more. Tell the person by phone, not by email",
        validators=[DataRequired("Enter a password"), Length(max=500)],
    )

    def validate_email(self, field: StringField) -> None:
        value = field.data or ""
        local, _, domain = value.partition("@")
        if not local or "." not in domain or " " in value:
            raise ValidationError(
                "Enter an email address in the correct format, like name@example.org"
            )


class PasswordForm(BaseForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="12 characters or more. The person's sessions end when you save",
        validators=[DataRequired("Enter a new password"), Length(max=500)],
    )
    submit = SubmitField("Reset password", widget=GovSubmitInput())


class UnitRateForm(SubmissionToken, BaseForm):
    version = VersionField()
    staff_role = text_field("Staff role", 100, "Enter the staff role")
    hourly_rate = MoneyField(
        "Hourly rate", subject="The hourly rate", validators=[entered("Enter the hourly rate")]
    )
    submit = SubmitField("Save rate", widget=GovSubmitInput())


class LocalAuthorityForm(BaseForm):
    version = VersionField()
    name = text_field("Council name", 120, "Enter the council's name")
    la_code = text_field(
        "LA code (optional)", 3, description="The 3-digit DfE local authority number, as in UPNs"
    )
    follow_up_window_months = StringField(
        "Follow-up window in months",
        widget=GovTextInput(),
        description="How long after early support the tracker waits before counting an "
        "EHC needs assessment request as avoided",
        validators=[
            DataRequired("Enter the follow-up window"),
            whole_number(
                "The follow-up window must be a whole number of months from 1 to 60", 1, 60
            ),
        ],
    )
    suppression_threshold = StringField(
        "Small-number suppression threshold",
        widget=GovTextInput(),
        description="Figures below this number are hidden in published statistics",
        validators=[
            DataRequired("Enter the suppression threshold"),
            whole_number("The suppression threshold must be a whole number from 0 to 100", 0, 100),
        ],
    )
    notional_sen_threshold = MoneyField(
        "Notional SEN budget threshold per pupil",
        subject="The notional SEN budget threshold",
        validators=[entered("Enter the notional SEN budget threshold")],
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())


class ImportForm(BaseForm):
    kind = radios("What does the file hold?", required="Choose what the file holds")
    file = FileField("CSV file", widget=GovFileInput())
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmImportForm(BaseForm):
    # The SHA-256 of the file previewed: the import applies only a file with this digest.
    sha256 = HiddenField()
    submit = SubmitField("Confirm import", widget=GovSubmitInput())


class RestrictionForm(BaseForm):
    version = HiddenField()
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[DataRequired("Enter the reason"), Length(max=500)],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
