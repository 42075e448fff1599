"""Forms for EHC needs assessment requests, the LA's decisions, exceptions and reviews."""

from __future__ import annotations

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
from wtforms.validators import Length, Optional

from sendtrack.forms import (
    BaseForm,
    SubmissionToken,
    VersionField,
    date_field,
    entered,
    radios,
    select,
)
from sendtrack.models import AssessDecision, AssessmentOutcome, ExceptionGround, RequestSource
from sendtrack.services.ehcna.annual_reviews import ReviewDecision
from sendtrack.services.ehcna.requests import DECISION_LABELS, OUTCOME_LABELS

LONG_TEXT = 5000


class RequestForm(SubmissionToken, BaseForm):
    received_date = date_field(
        "Date the council received the request",
        "The date the request was received",
        "Enter the date the request was received",
        description="For example, 27 3 2026. The statutory clocks start on this date.",
    )
    request_source = radios(
        "Who made the request?",
        [(s.value, s.label) for s in RequestSource],
        required="Choose who made the request",
    )
    notes = TextAreaField(
        "Notes (optional)", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    submit = SubmitField("Record the request", widget=GovSubmitInput())


class DecisionForm(BaseForm):
    version = HiddenField()
    decision = radios(
        "Decision whether to assess",
        [(d.value, DECISION_LABELS[d]) for d in AssessDecision],
        required="Choose the decision",
    )
    decision_date = date_field(
        "Date of the decision",
        "The decision date",
        "Enter the date of the decision",
        description="For a withdrawal, the date the request was withdrawn",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class OutcomeForm(BaseForm):
    version = HiddenField()
    outcome = radios(
        "Outcome of the assessment",
        [(o.value, OUTCOME_LABELS[o]) for o in AssessmentOutcome],
        required="Choose the outcome of the assessment",
    )
    outcome_date = date_field(
        "Date of the outcome", "The outcome date", "Enter the date of the outcome"
    )
    submit = SubmitField("Save outcome", widget=GovSubmitInput())


class PlanForm(BaseForm):
    version = HiddenField()
    draft_plan_date = date_field("Date the draft plan was sent", "The draft plan date")
    plan_issued_date = date_field(
        "Date the final plan was issued",
        "The final plan date",
        description="Issuing the final plan gives the child SEN status E from this date",
    )
    submit = SubmitField("Save plan dates", widget=GovSubmitInput())


class CaseForm(BaseForm):
    version = HiddenField()
    assigned_officer_id = select("Assigned officer", optional="Choose an LA officer from the list")
    mediation = BooleanField("Mediation took place", widget=GovCheckboxInput())
    tribunal = BooleanField("An appeal was made to the tribunal", widget=GovCheckboxInput())
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField("Save case details", widget=GovSubmitInput())


class ExceptionForm(SubmissionToken, BaseForm):
    ground = radios(
        "Ground for the exception",
        [(g.value, g.label) for g in ExceptionGround],
        required="Choose the ground for the exception",
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[entered("Enter the reason for the exception"), Length(max=LONG_TEXT)],
        description="What happened, so that the exception can be checked later",
    )
    start_date = date_field("Start date", "The start date", "Enter the date the exception started")
    end_date = date_field(
        "End date (optional)", "The end date", description="Leave blank while the exception lasts"
    )
    submit = SubmitField("Add exception", widget=GovSubmitInput())


class RemoveForm(BaseForm):
    confirm = radios(
        "Remove this exception?",
        [("yes", "Yes, remove it"), ("no", "No, keep it")],
        required="Choose whether to remove the exception",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReviewForm(BaseForm):
    version = VersionField()
    meeting_date = date_field(
        "Date of the review meeting", "The meeting date", "Enter the date of the review meeting"
    )
    decision = radios(
        "The council's decision (optional until made)",
        [(d.value, d.label) for d in ReviewDecision],
        optional="Choose the decision",
    )
    decision_date = date_field("Date of the decision", "The decision date")
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField("Save review", widget=GovSubmitInput())


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False

    view = select("Show")
    stage = select("Stage")
    officer = select("Officer")
    page = IntegerField(validators=[Optional()])


class Sen2Form(BaseForm):
    class Meta:
        csrf = False

    year = select("Calendar year")
    module = select("Module")
