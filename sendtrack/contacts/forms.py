"""The contact form: built for a call in progress. The fields come in the order the call
goes (who, about whom, what was asked, what was said), the rest have defaults."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from sendtrack.forms import (
    AppSelect,
    BaseForm,
    SubmissionToken,
    VersionField,
    date_field,
    optional_choice,
    options,
    radios,
    text_field,
)
from sendtrack.models import ContactChannel, NeedCode

LONG_TEXT = 5000
NEED_CHOICES = [("", "Not recorded")] + [(n.value, f"{n.label} ({n.value})") for n in NeedCode]


def whole_minutes(subject: str) -> Any:
    """A number of minutes from 0 to 1440 (a day), or nothing."""

    def check(_form: Any, field: Any) -> None:
        text = (field.data or "").strip()
        ok = text.isascii() and text.isdigit() and len(text) <= 4 and int(text) <= 1440
        if text and not ok:
            raise ValidationError(f"{subject} must be a whole number of minutes, like 15")

    return check


class ContactForm(SubmissionToken, BaseForm):
    version = VersionField()
    setting = text_field(
        "Setting",
        250,
        "Enter the setting's name or URN",
        description="Type its name or 6-digit URN",
    )
    child = text_field(
        "Child on the setting's register (optional)",
        250,
        description="Type their name or UPN, or leave blank if the contact was not about a child",
    )
    new_forename = text_field("First name", 100)
    new_surname = text_field("Last name", 100)
    new_date_of_birth = date_field(
        "Date of birth", subject="Date of birth", description="For example, 27 3 2017"
    )
    question = TextAreaField(
        "What did they ask about?",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter what the setting asked about"),
            Length(max=LONG_TEXT, message=f"The question must be {LONG_TEXT} characters or fewer"),
        ],
    )
    advice = TextAreaField(
        "Advice given (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=LONG_TEXT, message=f"The advice must be {LONG_TEXT} characters or fewer"),
        ],
    )
    channel = radios(
        "How was the contact made?",
        [(c.value, c.label) for c in ContactChannel],
        required="Choose how the contact was made",
        default=ContactChannel.PHONE.value,
    )
    contact_date = date_field(
        "Date of the contact", subject="Date of the contact", required="Enter the date"
    )
    need = SelectField(
        "Area of need (optional)",
        widget=AppSelect(),
        choices=options(NEED_CHOICES),
        validate_choice=False,
        validators=[optional_choice("Choose an area of need from the list")],
    )
    minutes = StringField(
        "Time spent in minutes (optional)",
        widget=GovTextInput(),
        validators=[Optional(), whole_minutes("Time spent")],
    )
    follow_up_due = date_field(
        "Follow-up due (optional)",
        subject="Follow-up date",
        description="Leave blank if no follow-up is needed",
    )
    follow_up_by_id = SelectField(
        "Who will follow up",
        widget=AppSelect(),
        validate_choice=False,
        validators=[optional_choice("Choose who will follow up from the list")],
    )
    submit = SubmitField("Save contact", widget=GovSubmitInput())


class DoneForm(BaseForm):
    version = VersionField()
    submit = SubmitField("Mark follow-up done", widget=GovSubmitInput())


class FiguresForm(BaseForm):
    """The figures page's choices, read from the query string (a URL to share)."""

    class Meta:
        csrf = False

    year = SelectField("Financial year", widget=AppSelect(), validate_choice=False)
    months = SelectField(
        "Followed by a referral or request within",
        widget=AppSelect(),
        validate_choice=False,
        choices=options([(str(n), f"{n} months") for n in (3, 6, 9, 12, 18, 24)]),
    )


EVENT_KINDS = [
    (ContactChannel.TRAINING.value, "Training session"),
    (ContactChannel.MEETING.value, "Network or hub meeting"),
    (ContactChannel.DROP_IN.value, "Drop-in"),
    (ContactChannel.SUPERVISION.value, "Group supervision"),
]


class EventForm(SubmissionToken, BaseForm):
    title = text_field("Name of the event", 200, "Enter the event's name")
    channel = radios(
        "What kind of event was it?", EVENT_KINDS, required="Choose what kind of event it was"
    )
    event_date = date_field(
        "Date of the event", subject="Date of the event", required="Enter the date of the event"
    )
    attendance = TextAreaField(
        "Settings that attended",
        widget=GovTextArea(),
        description="One a line: the setting's name or URN, a comma, and how many people came, "
        "for example “990001, 3”",
        validators=[
            DataRequired("Enter the settings that attended, one a line"),
            Length(max=LONG_TEXT, message=f"The list must be {LONG_TEXT} characters or fewer"),
        ],
    )
    minutes = StringField(
        "Length in minutes (optional)",
        widget=GovTextInput(),
        validators=[Optional(), whole_minutes("Length")],
    )
    notes = TextAreaField(
        "Notes (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=LONG_TEXT, message=f"Notes must be {LONG_TEXT} characters or fewer"),
        ],
    )
    submit = SubmitField("Save event", widget=GovSubmitInput())
