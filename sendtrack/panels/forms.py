"""Forms for panel meetings, members, agendas, decisions, actions, follow-up and budgets."""

from __future__ import annotations

from datetime import time
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
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
)
from sendtrack.services.panels.decisions import PANEL_OUTCOMES
from sendtrack.services.panels.follow_up import IMPACT_CHOICES

LONG_TEXT = 5000


def parse_time(text: str | None) -> time | None:
    """'9:30', '09:30', '2pm', '2:15pm' -> time; None for blank. Raises ValueError."""
    value = (text or "").strip().lower().replace(".", ":")
    if not value:
        return None
    suffix = None
    if value.endswith(("am", "pm")):
        value, suffix = value[:-2].strip(), value[-2:]
    hours, _, minutes = value.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()):
        raise ValueError
    h, m = int(hours), int(minutes or 0)
    if suffix:
        if not 1 <= h <= 12:
            raise ValueError
        h = h % 12 + (12 if suffix == "pm" else 0)
    return time(h, m)


class MeetingForm(SubmissionToken, BaseForm):
    version = HiddenField()
    cluster_id = select("Cluster", required="Choose the cluster")
    meeting_date = date_field(
        "Date of the meeting",
        required="Enter the date of the meeting",
        description="For example, 27 3 2027",
    )
    start_time = StringField(
        "Start time (optional)",
        widget=GovTextInput(),
        description="For example, 9:30am or 14:00",
        validators=[Length(max=10)],
    )
    location = StringField(
        "Place",
        widget=GovTextInput(),
        validators=[Length(max=200)],
        description="Leave blank if the meeting is online only",
    )
    online_link = StringField(
        "Online meeting link (optional)", widget=GovTextInput(), validators=[Length(max=500)]
    )
    chair_name = StringField("Chair", widget=GovTextInput(), validators=[Length(max=120)])
    co_chair_name = StringField(
        "Co-chair (optional)",
        widget=GovTextInput(),
        validators=[Length(max=120)],
        description="Often a headteacher from the cluster",
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def validate_start_time(self, field: Any) -> None:
        try:
            parse_time(field.data)
        except ValueError:
            raise ValidationError("Enter the start time like 9:30am or 14:00") from None


class MemberForm(SubmissionToken, BaseForm):
    user_id = select("Person with an account (optional)", optional="Choose a person from the list")
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[Length(max=120)],
        description="Leave blank to use the name of the person chosen above",
    )
    professional_role = StringField(
        "Role on the panel",
        widget=GovTextInput(),
        validators=[Length(max=120)],
        description="For example, educational psychologist, headteacher, social care",
    )
    setting_id = select(
        "School or setting they work at (optional)",
        optional="Choose a school or setting from the list",
        description="A member from a referring school has a conflict of interest for its cases",
    )
    submit = SubmitField("Add member", widget=GovSubmitInput())


class AgendaForm(BaseForm):
    referral_ids = SelectMultipleField(
        "Referrals waiting for a panel",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())


class ItemForm(BaseForm):
    item_id = HiddenField()
    direction = HiddenField()


class RemoveMemberForm(BaseForm):
    # The button sends remove=yes: a bare POST (a stray or replayed request) removes nobody.
    remove = HiddenField(validators=[DataRequired("Choose the member to remove")])


class ConflictForm(BaseForm):
    version = VersionField()
    item_id = HiddenField()
    conflicts_declared = TextAreaField(
        "Conflicts of interest declared for this case",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
        description="Who declared what, for example 'J Smith is the child's aunt'",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class DecisionForm(SubmissionToken, BaseForm):
    version = HiddenField()
    outcome = radios(
        "Decision",
        [(o.value, o.label) for o in PANEL_OUTCOMES],
        required="Choose the panel's decision",
    )
    decision_date = date_field("Date of the decision", required="Enter the date of the decision")
    rationale = TextAreaField(
        "Reasons for the decision",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
    )
    advice_given = TextAreaField(
        "Advice given", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    amount_awarded = money_field("Amount awarded", description="Leave blank if no money")
    award_start = date_field("Award starts", "Start of the award")
    award_end = date_field("Award ends", "End of the award")
    conditions = TextAreaField(
        "Conditions (optional)", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    review_date = date_field("Review date")
    budget_override_reason = TextAreaField(
        "Reason for overriding the cluster budget (LA officers only)",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
        description="Only needed when the award would overspend the cluster's budget",
    )
    change_reason = TextAreaField(
        "Reason for changing the confirmed decision",
        widget=GovTextArea(),
        validators=[Length(max=LONG_TEXT)],
    )
    action_description = TextAreaField(
        "Action (optional)", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    action_owner = StringField(
        "Who will do it", widget=GovTextInput(), validators=[Length(max=120)]
    )
    action_due = date_field("Due date", "Due date of the action")
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    confirm = SubmitField("Confirm decision", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    version = HiddenField()
    submit = SubmitField("Confirm and lock the decision", widget=GovSubmitInput())


class ActionForm(SubmissionToken, BaseForm):
    description = TextAreaField(
        "What needs to be done", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    owner = StringField("Who will do it", widget=GovTextInput(), validators=[Length(max=120)])
    due_date = date_field("Due date")
    submit = SubmitField("Add action", widget=GovSubmitInput())


class DoneForm(BaseForm):
    submit = SubmitField("Mark as done", widget=GovSubmitInput())


class PaymentForm(BaseForm):
    version = HiddenField()
    amount_paid = money_field("Amount paid so far", "Amount paid", required="Enter the amount paid")
    submit = SubmitField("Save payment", widget=GovSubmitInput())


class ImpactForm(BaseForm):
    version = HiddenField()
    impact_effective = radios(
        "Did the support work?",
        list(IMPACT_CHOICES.items()),
        required="Say whether the support worked",
    )
    more_needed = radios(
        "Is more support needed?",
        [("yes", "Yes"), ("no", "No")],
        required="Say whether more support is needed",
    )
    impact_notes = TextAreaField(
        "What difference did it make?", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    submit = SubmitField("Save impact", widget=GovSubmitInput())


class AllocationForm(BaseForm):
    financial_year = StringField(
        "Financial year",
        widget=GovTextInput(),
        description="For example, 2026-27",
        validators=[Length(max=7)],
    )
    allocation = money_field("Allocation", required="Enter the allocation")
    submit = SubmitField("Save allocation", widget=GovSubmitInput())


class YearForm(BaseForm):
    class Meta:
        csrf = False

    year = select("Financial year")
    cluster = select("Cluster")
    page = IntegerField(validators=[Optional()])
