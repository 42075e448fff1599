"""Forms for Reception Transition Funding: applying, deciding, following up, budget, bands."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from sendtrack.forms import (
    BaseForm,
    SubmissionToken,
    VersionField,
    date_field,
    money_field,
    radios,
    select,
    text_field,
)
from sendtrack.models import NeedCode, RtfDecision, Sex, WouldRequestEhcna

LONG_TEXT = 5000


NEED_CHOICES = [("", "None")] + [(n.value, f"{n.label} ({n.value})") for n in NeedCode]


class ApplicationForm(SubmissionToken, BaseForm):
    reception_year = radios(
        "Which September does the child start Reception?",
        required="Choose the September the child starts Reception",
    )
    legal_forename = text_field("First name", 100, "Enter the child's first name")
    legal_surname = text_field("Last name", 100, "Enter the child's last name")
    date_of_birth = date_field(
        "Date of birth", required="Enter the date of birth", description="For example, 27 3 2023"
    )
    sex = radios("Sex", [(s.value, s.label) for s in Sex], required="Choose the child's sex")
    upn = text_field(
        "UPN (optional)",
        20,
        description="Many children have no unique pupil number before Reception",
    )
    cohort_override = BooleanField(
        "The child is starting Reception outside their year group (deferred or early entry)",
        widget=GovCheckboxInput(),
    )
    cohort_override_reason = TextAreaField(
        "Reason for deferred or early entry",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
    )
    early_years_setting_id = select(
        "Early-years setting", optional="Choose an early-years setting from the list"
    )
    receiving_setting_id = select(
        "Receiving school", validators=[DataRequired("Choose the receiving school")]
    )
    primary_need = select("Primary need", NEED_CHOICES)
    secondary_need = select("Secondary need", NEED_CHOICES)
    third_need = select("Third need", NEED_CHOICES)
    needs_summary = TextAreaField(
        "The child's needs",
        widget=GovTextArea(),
        validators=[DataRequired("Describe the child's needs"), Length(max=LONG_TEXT)],
    )
    support_in_place = TextAreaField(
        "Support already in place",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
    )
    ey_inclusion_funding = BooleanField(
        "The child receives early years inclusion funding", widget=GovCheckboxInput()
    )
    use_of_funding = TextAreaField(
        "What would the money be used for?",
        widget=GovTextArea(),
        validators=[
            DataRequired("Say what the money would be used for"),
            Length(max=LONG_TEXT),
        ],
    )
    would_request_ehcna = radios(
        "Without this funding, would you request an EHC needs assessment?",
        [
            (WouldRequestEhcna.YES.value, "Yes"),
            (WouldRequestEhcna.NO.value, "No"),
            (WouldRequestEhcna.UNSURE.value, "Not sure"),
        ],
        required="Say whether you would otherwise request an EHC needs assessment",
    )
    band_id = select("Band (optional)", optional="Choose one of the current bands")
    amount_requested = money_field("Amount requested", required="Enter the amount requested")
    parental_consent = BooleanField(
        "The child's parents consent to this application and to the information in it being "
        "shared with the council and the receiving school",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Confirm that the child's parents consent to this application")],
    )
    submit = SubmitField("Submit application", widget=GovSubmitInput())

    def needs(self) -> list[NeedCode]:
        values = [self.primary_need.data, self.secondary_need.data, self.third_need.data]
        found = []
        for value in values:
            if value:
                try:
                    found.append(NeedCode(value))
                except ValueError:
                    continue
        return found

    def validate_secondary_need(self, field: Any) -> None:
        if field.data and not self.primary_need.data:
            raise ValidationError("Choose the primary need before a secondary need")

    def validate_third_need(self, field: Any) -> None:
        if field.data and not self.secondary_need.data:
            raise ValidationError("Choose the secondary need before a third need")

    def validate_cohort_override_reason(self, field: Any) -> None:
        if self.cohort_override.data and not field.data:
            raise ValidationError("Enter the reason for deferred or early entry")


class DecisionForm(BaseForm):
    version = HiddenField()
    decision = radios(
        "Decision", [(d.value, d.label) for d in RtfDecision], required="Choose a decision"
    )
    band_id = select("Band", optional="Choose one of the current bands")
    amount_awarded = money_field("Amount awarded", description="Leave blank when declining")
    decision_reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
        description="Needed when part-approving or declining; shown on the letter",
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class FollowUpForm(BaseForm):
    version = HiddenField()
    how_settled = TextAreaField(
        "How has the child settled?",
        widget=GovTextArea(),
        validators=[DataRequired("Describe how the child has settled"), Length(max=LONG_TEXT)],
    )
    provision_in_place = TextAreaField(
        "Provision in place",
        widget=GovTextArea(),
        validators=[
            DataRequired("Describe the provision in place"),
            Length(max=LONG_TEXT),
        ],
    )
    ehcna_requested = radios(
        "Has an EHC needs assessment been requested for the child?",
        [("yes", "Yes"), ("no", "No")],
        required="Say whether an EHC needs assessment has been requested",
    )
    submit = SubmitField("Save follow-up", widget=GovSubmitInput())


class LinkForm(BaseForm):
    version = VersionField()
    pupil_id = radios(
        "Which of the school's records is this child?",
        required="Choose the school's record for this child",
    )
    submit = SubmitField("Link the award to this record", widget=GovSubmitInput())


class BudgetForm(BaseForm):
    financial_year = text_field(
        "Financial year", 7, "Enter the financial year", description="For example, 2026-27"
    )
    allocation = money_field("Allocation", required="Enter the allocation")
    submit = SubmitField("Save budget", widget=GovSubmitInput())


class BandForm(SubmissionToken, BaseForm):
    name = text_field("Band name", 100, "Enter the band's name")
    amount = money_field("Standard rate", required="Enter the rate")
    submit = SubmitField("Add band", widget=GovSubmitInput())


class RetireBandForm(BaseForm):
    band_id = HiddenField(validators=[DataRequired("Choose a band")])
    submit = SubmitField("Stop using this band", widget=GovSubmitInput())


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    status = select("Status")
    setting = select("School or setting")
    cohort = select("Reception in")
    page = IntegerField(validators=[Optional()])
