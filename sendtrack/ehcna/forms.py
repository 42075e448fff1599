"""Forms for EHC needs assessment requests, the LA's decisions, exceptions and reviews."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from sendtrack.forms import AppSelect, BaseForm, GovukDateField
from sendtrack.models import AssessDecision, AssessmentOutcome, ExceptionGround, RequestSource
from sendtrack.rtf.forms import chosen, entered, optional_choice, options
from sendtrack.services.annual_reviews import ReviewDecision
from sendtrack.services.ehcna import DECISION_LABELS, OUTCOME_LABELS

LONG_TEXT = 5000


class RequestForm(BaseForm):
    received_date = GovukDateField(
        "Date the council received the request",
        subject="The date the request was received",
        validators=[entered("Enter the date the request was received")],
        description="For example, 27 3 2026. The statutory clocks start on this date.",
    )
    request_source = RadioField(
        "Who made the request?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options([(s.value, s.label) for s in RequestSource]),
        validators=[chosen("Choose who made the request")],
    )
    notes = TextAreaField(
        "Notes (optional)", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    submit = SubmitField("Record the request", widget=GovSubmitInput())


class DecisionForm(BaseForm):
    version = HiddenField()
    decision = RadioField(
        "Decision whether to assess",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options([(d.value, DECISION_LABELS[d]) for d in AssessDecision]),
        validators=[chosen("Choose the decision")],
    )
    decision_date = GovukDateField(
        "Date of the decision",
        subject="The decision date",
        validators=[entered("Enter the date of the decision")],
        description="For a withdrawal, the date the request was withdrawn",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class OutcomeForm(BaseForm):
    version = HiddenField()
    outcome = RadioField(
        "Outcome of the assessment",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options([(o.value, OUTCOME_LABELS[o]) for o in AssessmentOutcome]),
        validators=[chosen("Choose the outcome of the assessment")],
    )
    outcome_date = GovukDateField(
        "Date of the outcome",
        subject="The outcome date",
        validators=[entered("Enter the date of the outcome")],
    )
    submit = SubmitField("Save outcome", widget=GovSubmitInput())


class PlanForm(BaseForm):
    version = HiddenField()
    draft_plan_date = GovukDateField("Date the draft plan was sent", subject="The draft plan date")
    plan_issued_date = GovukDateField(
        "Date the final plan was issued",
        subject="The final plan date",
        description="Issuing the final plan gives the child SEN status E from this date",
    )
    submit = SubmitField("Save plan dates", widget=GovSubmitInput())


class CaseForm(BaseForm):
    version = HiddenField()
    assigned_officer_id = SelectField(
        "Assigned officer",
        widget=AppSelect(),
        validate_choice=False,
        validators=[optional_choice("Choose an LA officer from the list")],
    )
    mediation = BooleanField("Mediation took place", widget=GovCheckboxInput())
    tribunal = BooleanField("An appeal was made to the tribunal", widget=GovCheckboxInput())
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField("Save case details", widget=GovSubmitInput())


class ExceptionForm(BaseForm):
    ground = RadioField(
        "Ground for the exception",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options([(g.value, g.label) for g in ExceptionGround]),
        validators=[chosen("Choose the ground for the exception")],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[entered("Enter the reason for the exception"), Length(max=LONG_TEXT)],
        description="What happened, so that the exception can be checked later",
    )
    start_date = GovukDateField(
        "Start date",
        subject="The start date",
        validators=[entered("Enter the date the exception started")],
    )
    end_date = GovukDateField(
        "End date (optional)",
        subject="The end date",
        description="Leave blank while the exception lasts",
    )
    submit = SubmitField("Add exception", widget=GovSubmitInput())


class RemoveForm(BaseForm):
    confirm = RadioField(
        "Remove this exception?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options([("yes", "Yes, remove it"), ("no", "No, keep it")]),
        validators=[chosen("Choose whether to remove the exception")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReviewForm(BaseForm):
    meeting_date = GovukDateField(
        "Date of the review meeting",
        subject="The meeting date",
        validators=[entered("Enter the date of the review meeting")],
    )
    decision = RadioField(
        "The council's decision (optional until made)",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options([(d.value, d.label) for d in ReviewDecision]),
        validators=[optional_choice("Choose the decision")],
    )
    decision_date = GovukDateField("Date of the decision", subject="The decision date")
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField("Save review", widget=GovSubmitInput())


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False

    view = SelectField("Show", widget=AppSelect(), validate_choice=False)
    stage = SelectField("Stage", widget=AppSelect(), validate_choice=False)
    officer = SelectField("Officer", widget=AppSelect(), validate_choice=False)
    page = IntegerField(validators=[Optional()])


class Sen2Form(BaseForm):
    class Meta:
        csrf = False

    year = SelectField("Calendar year", widget=AppSelect(), validate_choice=False)
    module = SelectField("Module", widget=AppSelect(), validate_choice=False)
