"""Forms for referrals to a cluster panel."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextArea,
)
from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from sendtrack.forms import BaseForm, SubmissionToken, money_field, radios, select
from sendtrack.models import RequestType, WouldRequestEhcna

LONG_TEXT = 5000


class ReferralForm(SubmissionToken, BaseForm):
    version = HiddenField()
    request_type = radios(
        "What is the school asking the panel for?",
        [(t.value, t.label) for t in RequestType],
        required="Choose what the school is asking for: advice, resources or both",
    )
    amount_requested = money_field(
        "How much money is the school asking for?",
        "Amount requested",
        description="Leave blank when asking for advice only",
    )
    reason = TextAreaField(
        "Why are you referring this child?",
        widget=GovTextArea(),
        description="What you have tried, what has changed and what you hope the panel can do",
        validators=[Length(max=LONG_TEXT)],
    )
    child_views = TextAreaField(
        "The child's views", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    parent_views = TextAreaField(
        "The parents' or carers' views", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)]
    )
    professionals_involved = TextAreaField(
        "Professionals already involved",
        widget=GovTextArea(),
        description="For example, educational psychologist, speech and language therapist",
        validators=[Length(max=LONG_TEXT)],
    )
    would_request_ehcna = radios(
        "Without this support, would you request an EHC needs assessment now?",
        [(w.value, w.label) for w in WouldRequestEhcna],
        optional="Say whether you would request an EHC needs assessment now without this support",
    )
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit = SubmitField("Submit referral", widget=GovSubmitInput())


class ReasonForm(BaseForm):
    version = HiddenField()
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SubmitForm(BaseForm):
    version = HiddenField()
    submit = SubmitField("Submit referral", widget=GovSubmitInput())


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    status = select("Status")
    cluster = select("Cluster")
    page = IntegerField(validators=[Optional()])
