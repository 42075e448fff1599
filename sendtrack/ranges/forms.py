"""The forms of the ranges pages."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from sendtrack.forms import (
    BaseForm,
    SubmissionToken,
    VersionField,
    area_field,
    date_field,
    options,
    radios,
    text_field,
)
from sendtrack.models import NeedCode, UsuallyNext
from sendtrack.pupils.forms import WholeNumberField

NEED_CHOICES = [(c.value, f"{c.label} ({c.value})") for c in NeedCode]
NEXT_CHOICES = [(n.value, n.label) for n in UsuallyNext]


class GuideFilterForm(BaseForm):
    """The guide's filters, read from the query string."""

    class Meta:
        csrf = False

    area = StringField("Area of need")
    level = StringField("Level")
    q = text_field("Search for a word", 100)


class DetailsForm(BaseForm):
    version = VersionField()
    title = text_field("Title of the guide", 200, "Enter the guide's title")
    introduction = area_field("Introduction", 5000)
    submit = SubmitField("Save", widget=GovSubmitInput())


class AreaForm(SubmissionToken, BaseForm):
    version = VersionField()
    name = text_field("Name of the area of need", 200, "Enter the area's name")
    need_codes = SelectMultipleField(
        "Census need codes in this area",
        widget=GovCheckboxesInput(),
        choices=options(NEED_CHOICES),
        validate_choice=False,
        validators=[Optional()],
        description="A child's census need codes tell sendtrack which areas to judge first",
    )
    submit = SubmitField("Save area", widget=GovSubmitInput())


class LevelForm(SubmissionToken, BaseForm):
    version = VersionField()
    name = text_field(
        "Name of the level",
        100,
        "Enter the level's name",
        description="The council's own name, for example Range 3 or Targeted",
    )
    summary = area_field("What the level means", 2000)
    usually_next = radios(
        "What usually comes next at this level",
        NEXT_CHOICES,
        required="Choose what usually comes next",
    )
    submit = SubmitField("Save level", widget=GovSubmitInput())


class DescriptorsForm(BaseForm):
    version = VersionField()
    descriptors = TextAreaField(
        "Descriptors",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=20000, message="Descriptors must be 20,000 characters or fewer"),
        ],
        description="One statement of need a line",
    )
    submit = SubmitField("Save descriptors", widget=GovSubmitInput())


class ItemForm(SubmissionToken, BaseForm):
    version = VersionField()
    description = text_field("What the provision is", 500, "Enter what the provision is")
    provision_type = text_field("Type", 100, description="For example, Small-group intervention")
    frequency = text_field("How often", 100, description="For example, 3 times a week")
    group_size = WholeNumberField("Group size", low=1, high=40, description="1 for one-to-one")
    staff_role = text_field(
        "Staff role", 100, description="As named in the unit rates, so the item can be costed"
    )
    minutes_per_week = WholeNumberField("Minutes per week", low=0, high=3000)
    weeks = WholeNumberField("Number of weeks", low=0, high=52)
    submit = SubmitField("Save expected provision", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    version = VersionField()
    submit = SubmitField("Remove", widget=GovSubmitInput())


class StartDraftForm(SubmissionToken, BaseForm):
    submit = SubmitField("Start a new draft", widget=GovSubmitInput())


class PublishForm(BaseForm):
    version = VersionField()
    effective_from = date_field(
        "Date it takes effect", subject="The date", required="Enter the date it takes effect"
    )
    submit = SubmitField("Publish", widget=GovSubmitInput())


class TickForm(BaseForm):
    """The descriptors that fit the child in one area (drawn by level in the template)."""

    version = VersionField()
    descriptors = SelectMultipleField(
        "Descriptors that fit the child",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        validators=[Optional()],
    )
    submit = SubmitField("Save and see the suggested level", widget=GovSubmitInput())


class LevelChoiceForm(BaseForm):
    version = VersionField()
    level = radios("Level", required="Choose the level")
    reason = area_field("Why the level differs from the suggested level", 2000)
    submit = SubmitField("Confirm the level", widget=GovSubmitInput())


class AddExpectedForm(BaseForm):
    version = VersionField()
    items = SelectMultipleField(
        "Expected provision to add to the plan",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        validators=[Optional()],
    )
    submit = SubmitField("Add to the plan", widget=GovSubmitInput())


class ModerationForm(BaseForm):
    agreed = radios(
        "Do you agree with the level?",
        [("yes", "Yes, I agree"), ("no", "No, I would give another level")],
        required="Choose whether you agree with the level",
    )
    level = radios("The level you would give", optional="Choose a level from the list")
    comment = area_field("Comment for the SENCO", 2000)
    submit = SubmitField("Record the moderation", widget=GovSubmitInput())
