"""Forms for the register, the child record, APDR cycles and moves. Lengths match the columns
so over-long text is refused on the field rather than by the database."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from sendtrack.forms import (
    BaseForm,
    SubmissionToken,
    VersionField,
    area_field,
    date_field,
    money_field,
    options,
    radios,
    select,
    text_field,
)
from sendtrack.models import NeedCode, NextStep, Progress, SenStatus, Sex

LONG_TEXT = 10000
NEED_CHOICES = [("", "None")] + [(n.value, f"{n.label} ({n.value})") for n in NeedCode]
YEAR_CHOICES = [("", "Use the year group from the date of birth"), ("-1", "Nursery")] + [
    ("0", "Reception")
] + [(str(y), f"Year {y}") for y in range(1, 15)]  # fmt: skip
PROVISION_TYPES = [
    "Small-group intervention",
    "One-to-one support",
    "Specialist teaching",
    "Speech and language therapy",
    "Occupational therapy",
    "Emotional and wellbeing support",
    "Equipment or resources",
    "Other",
]


class WholeNumberField(StringField):
    """A whole number in a text box, with GOV.UK messages; keeps what was typed."""

    widget = GovTextInput()

    def __init__(
        self, label: str = "", validators: Any = None, *, low: int = 0, high: int = 10000, **kw: Any
    ):
        super().__init__(label, validators, **kw)
        self.low, self.high = low, high

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = (valuelist[0] or "").strip().replace(",", "")
        self.raw_data = [valuelist[0]]
        self.data = None
        if not text:
            return
        if not text.lstrip("-").isdigit() or len(text) > 7:
            raise ValueError(f"{self.label.text} must be a whole number")
        value = int(text)
        if value < self.low or value > self.high:
            raise ValueError(f"{self.label.text} must be between {self.low} and {self.high}")
        self.data = value


class PupilForm(SubmissionToken, BaseForm):
    version = HiddenField()
    legal_forename = text_field("First name", 100, "Enter the child's first name")
    legal_surname = text_field("Last name", 100, "Enter the child's last name")
    preferred_forename = text_field(
        "Preferred first name (optional)", 100, description="If different from the legal name"
    )
    preferred_surname = text_field("Preferred last name (optional)", 100)
    date_of_birth = date_field(
        "Date of birth",
        required="Enter the child's date of birth",
        description="For example, 27 3 2017",
    )
    sex = radios("Sex", [(s.value, s.label) for s in Sex], required="Choose the child's sex")
    upn = StringField(
        "UPN (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=30, message="Enter a valid UPN")],
        description="13 characters, for example A123456789012. Many early-years children "
        "have none yet.",
    )
    setting_id = select("School or setting", required="Choose the school or setting")
    sen_status = radios(
        "SEN status",
        [
            (SenStatus.SEN_SUPPORT.value, "SEN support (K)"),
            (SenStatus.EHC_PLAN.value, "EHC plan (E)"),
        ],
        required="Choose the child's SEN status",
    )
    status_since = date_field("Date the status began", required="Enter the date the status began")
    primary_need = select("Primary need", optional="Choose a need from the list")
    secondary_need = select("Secondary need", optional="Choose a need from the list")
    other_need = select("Other need", optional="Choose a need from the list")
    looked_after = BooleanField("The child is looked after (in care)", widget=GovCheckboxInput())
    parents_informed_date = date_field(
        "Date parents were told about SEN support (optional)", "Date parents were told"
    )
    panel_consent = BooleanField(
        "Parents consent to the child being discussed at a multi-agency panel",
        widget=GovCheckboxInput(),
    )
    panel_consent_date = date_field("Date consent was given")
    panel_consent_recorded_by = text_field("Consent recorded by", 120)
    year_group_override = select(
        "Year group taught in",
        YEAR_CHOICES,
        optional="Choose a year group from the list",
        description="Only for a child taught out of their year group",
    )
    year_group_override_reason = area_field("Why the child is taught out of their year group", 500)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in (self.primary_need, self.secondary_need, self.other_need):
            f.choices = options(NEED_CHOICES)

    def validate_primary_need(self, field: Field) -> None:
        if (self.secondary_need.data or self.other_need.data) and not field.data:
            raise ValidationError("Choose the primary need before a secondary need")

    def validate_panel_consent_date(self, field: Field) -> None:
        if self.panel_consent.data and field.data is None and not field.errors:
            raise ValidationError("Enter the date consent was given")

    def validate_panel_consent_recorded_by(self, field: Field) -> None:
        if self.panel_consent.data and not field.data:
            raise ValidationError("Enter who recorded the consent")


class StatusForm(BaseForm):
    version = VersionField()
    status = radios(
        "New SEN status",
        [(s.value, f"{s.label} ({s.value})") for s in SenStatus],
        required="Choose the new SEN status",
    )
    start_date = date_field(
        "Date the new status starts", required="Enter the date the new status starts"
    )
    reason = area_field("Reason (optional)", 500)
    submit = SubmitField("Change status", widget=GovSubmitInput())


class AssessForm(BaseForm):
    version = HiddenField()
    needs_summary = area_field("Summary of needs", LONG_TEXT)
    assessments_used = area_field("Assessments and tools used", LONG_TEXT)
    child_views = area_field("The child's views", LONG_TEXT)
    parent_views = area_field("The parents' views", LONG_TEXT)
    submit = SubmitField("Save assessment", widget=GovSubmitInput())


class DatesForm(BaseForm):
    version = HiddenField()
    start_date = date_field("Start date", required="Enter the start date")
    review_date = date_field("Review date", required="Enter the review date")
    submit = SubmitField("Save dates", widget=GovSubmitInput())

    def validate_review_date(self, field: Field) -> None:
        start = self.start_date.data
        if field.data and start and field.data < start:
            raise ValidationError("The review date must be the same as or after the start date")


class OutcomeForm(SubmissionToken, BaseForm):
    version = HiddenField()
    description = TextAreaField(
        "Outcome",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the outcome"),
            Length(max=2000, message="Outcome must be 2000 characters or fewer"),
        ],
        description="What the child will be able to do, for example 'Read 40 common words'",
    )
    success_criteria = area_field("How you will know it has been achieved", 2000)
    submit = SubmitField("Save outcome", widget=GovSubmitInput())


class ProvisionForm(SubmissionToken, BaseForm):
    version = HiddenField()
    description = text_field("What the provision is", 500, "Enter what the provision is")
    provision_type = select(
        "Type",
        [("", "Choose a type")] + [(t, t) for t in PROVISION_TYPES],
        optional="Choose a type from the list",
    )
    frequency = text_field("How often", 100, description="For example, 3 times a week")
    group_size = WholeNumberField("Group size", low=1, high=40, description="1 for one-to-one")
    delivered_by = select("Delivered by", optional="Choose a staff role from the list")
    minutes_per_week = WholeNumberField("Minutes per week", low=0, high=3000)
    weeks = WholeNumberField("Number of weeks", low=0, high=52)
    manual_cost = money_field(
        "Yearly cost (optional)",
        "Yearly cost",
        description="Leave blank to cost it from the staff role's unit rate. Enter an amount "
        "for anything else, such as equipment or a bought-in service.",
    )
    submit = SubmitField("Save provision", widget=GovSubmitInput())


class RemoveForm(BaseForm):
    version = HiddenField()
    submit = SubmitField("Remove", widget=GovSubmitInput())


class ReviewForm(BaseForm):
    version = HiddenField()
    reviewed_on = date_field("Date of the review", required="Enter the date of the review")
    impact_notes = area_field("Impact of the support", LONG_TEXT)
    next_step = radios(
        "Next step", [(s.value, s.label) for s in NextStep], required="Choose the next step"
    )
    submit = SubmitField("Record the review", widget=GovSubmitInput())


PROGRESS_CHOICES = [(p.value, p.label) for p in Progress]


class NextCycleForm(SubmissionToken, BaseForm):
    copy_outcomes = BooleanField("Copy the outcomes", widget=GovCheckboxInput())
    copy_provisions = BooleanField("Copy the provisions and their costs", widget=GovCheckboxInput())
    submit = SubmitField("Start the cycle", widget=GovSubmitInput())


class TransferForm(BaseForm):
    version = VersionField()
    to_setting_id = select(
        "Setting the child has moved to", required="Choose the setting the child has moved to"
    )
    moved_on = date_field("Date of the move", required="Enter the date of the move")
    note = area_field("Note (optional)", 2000)
    submit = SubmitField("Move the record", widget=GovSubmitInput())


class TransferInForm(BaseForm):
    to_setting_id = select("Your setting the child has joined", required="Choose your setting")
    upn = StringField(
        "UPN", widget=GovTextInput(),
        validators=[Optional(), Length(max=30, message="Enter a valid UPN")],
    )  # fmt: skip
    legal_forename = text_field("Legal first name", 100)
    legal_surname = text_field("Legal last name", 100)
    date_of_birth = date_field("Date of birth")
    moved_on = date_field("Date the child joined")
    confirm = BooleanField("I confirm this child has joined my setting", widget=GovCheckboxInput())
    submit = SubmitField("Find the child", widget=GovSubmitInput())

    def validate_upn(self, field: Field) -> None:
        named = self.legal_forename.data and self.legal_surname.data and self.date_of_birth.data
        if not field.data and not named and not self.date_of_birth.errors:
            raise ValidationError("Enter the UPN, or the first name, last name and date of birth")


class RegisterFilterForm(BaseForm):
    class Meta:
        csrf = False

    setting = HiddenField()
    q = text_field("Name or UPN", 100)
    need = select("Need")
    year = select("Year group")
    status = select("SEN status")
    review = select("Review")
    sort = select("Sort by")
    page = StringField()
