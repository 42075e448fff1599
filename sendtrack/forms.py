"""Form pieces shared by every feature: GOV.UK date fields, money fields, the error summary,
a select for long lists of options, the choice and "enter" checks with GOV.UK messages,
and builders for the fields every form repeats (radios, selects, dates, money, text boxes).
Saving a form (a service's refusal turned into the form's messages) is in sendtrack/web.py.

Messages follow the GOV.UK Design System wording ("Enter ...", "... must be a real date")."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup, escape
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Far past the last page of any list; the list itself then shows its last page.
MAX_PAGE = 1_000_000


def page_number(raw: str | None) -> int:
    """The page a `?page=` asks for, from 1 to MAX_PAGE: anything that is not a whole number
    (empty, "two", "-1") is page 1 and a huge number is MAX_PAGE, never an integer too big
    for the database's OFFSET. Each list then clamps it to its own last page."""
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    return max(1, min(int(text), MAX_PAGE)) if len(text) <= 7 else MAX_PAGE


class AppSelect(GovSelect):
    """govuk-frontend-wtf's select, the same HTML, with its options written out in Python.

    The GOV.UK macro costs about 40 microseconds an option, so the 600-school filters on the
    RTF, EHCNA and dashboard pages took 15-25 ms each to render. The macro still draws
    everything but the options (label, hint, error message, attributes): it is given two
    marker options, and the real ones are put between and in place of them, with the
    macro's own spacing. Options it would draw differently (disabled, attributes, a
    selected flag that is not True or False) are left to the macro.
    tests/unit/test_app_select.py checks both give the same HTML."""

    _FIRST, _SECOND = "app-select-marker-first", "app-select-marker-second"

    def render(self, params: dict[str, Any]) -> Markup:
        items = params.get("items") or []
        if not items or not all(_plain_option(item) for item in items):
            return super().render(params)
        markers = [{"text": m, "value": m, "selected": False} for m in (self._FIRST, self._SECOND)]
        html = str(super().render({**params, "items": markers}))
        first = f'<option value="{self._FIRST}">{self._FIRST}</option>'
        second = f'<option value="{self._SECOND}">{self._SECOND}</option>'
        head, rest = html.split(first, 1)
        between, tail = rest.split(second, 1)
        options = between.join(
            f'<option value="{escape(item["value"])}"'
            f"{' selected' if item['selected'] else ''}>{escape(item['text'])}</option>"
            for item in items
        )
        # head and tail are the macro's escaped output; every option value and text is escaped.
        return Markup(head + options + tail)  # noqa: S704


def _plain_option(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and set(item) == {"text", "value", "selected"}
        and isinstance(item["selected"], bool)
        and not isinstance(item["value"], bool)
        and item["value"] is not None
    )


class GovukDateField(Field):
    """Day, month and year boxes. Keeps what was typed when the date is not real."""

    widget = GovDateInput()

    def __init__(self, label: str = "", validators: Any = None, *, subject: str = "", **kw: Any):
        super().__init__(label, validators, **kw)
        self.subject = subject or (label[:1].upper() + label[1:] if label else "Date")

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            # Not submitted: the widget then shows the field's data, not three empty parts.
            self.raw_data = None
            return
        parts = [v.strip() for v in valuelist[:3]] + [""] * (3 - len(valuelist[:3]))
        self.raw_data = parts
        if not any(parts):
            self.data = None
            return
        names = ("day", "month", "year")
        missing = [n for n, p in zip(names, parts, strict=True) if not p]
        if missing:
            self.data = None
            raise ValueError(f"{self.subject} must include a {' and a '.join(missing)}")
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            self.data = None
            raise ValueError(f"{self.subject} must be a real date")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self.data = None
            raise ValueError(f"{self.subject} must be a real date") from None


class MoneyField(StringField):
    """Pounds and pence, written as people write them (£1,200 or 1200.50)."""

    widget = GovTextInput()

    def __init__(self, label: str = "", validators: Any = None, *, subject: str = "", **kw: Any):
        super().__init__(label, validators, **kw)
        self.subject = subject or label

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return f"{self.data:.2f}" if isinstance(self.data, Decimal) else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = (valuelist[0] or "").strip().replace("£", "").replace(",", "")
        self.raw_data = [valuelist[0]]
        if not text:
            self.data = None
            return
        try:
            amount = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(
                f"{self.subject} must be an amount in pounds, like 1200 or 1200.50"
            ) from None
        try:
            in_pence = amount.quantize(Decimal("0.01")) == amount
        except InvalidOperation:
            # Too many digits to have pence at all: the range checks below refuse it.
            in_pence = True
        if not amount.is_finite() or not in_pence:
            self.data = None
            raise ValueError(f"{self.subject} must be in pounds and pence, like 1200.50")
        if amount < 0:
            self.data = None
            raise ValueError(f"{self.subject} must be £0 or more")
        if amount >= Decimal("100000000"):
            self.data = None
            raise ValueError(f"{self.subject} must be less than £100,000,000")
        self.data = amount


def no_control_characters(_form: Any, field: Field) -> None:
    if isinstance(field.data, str) and CONTROL_CHARS.search(field.data):
        raise ValidationError(f"{field.label.text} must not contain control characters")


class BaseForm(FlaskForm):
    """Strips surrounding spaces from text and refuses invisible control characters."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = list(unbound_field.kwargs.get("filters", []))
            if issubclass(unbound_field.field_class, StringField) and not issubclass(
                unbound_field.field_class, MoneyField
            ):
                filters.append(lambda v: v.strip() if isinstance(v, str) else v)
                validators = list(unbound_field.kwargs.get("validators", None) or [])
                validators.append(no_control_characters)
                unbound_field.kwargs["validators"] = validators
            unbound_field.kwargs["filters"] = filters
            return unbound_field.bind(form=form, **options)

    def add_error(self, field_name: str | None, message: str) -> None:
        """Attach a service's message to a field (or to the form as a whole)."""
        field = getattr(self, field_name, None) if field_name else None
        if field is None:
            self.form_errors.append(message)
            return
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.append(message)


class SubmissionTokenField(HiddenField):
    """A random token drawn with the form; the create service remembers the record it made
    against it (services/submissions.py), so the same form posted twice makes one record.
    A post without one is simply not de-duplicated."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(default=lambda: secrets.token_urlsafe(24), **kw)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0] if valuelist else None


class SubmissionToken:
    """Mixed into every form that creates a record. Templates draw `{{ form.submission }}`
    beside the CSRF token (on a form without it, it draws nothing)."""

    submission = SubmissionTokenField()


class VersionField(HiddenField):
    """The version of the record the form was opened at (Versioned models and user
    accounts); the service refuses the save if the record has moved on since."""

    @property
    def number(self) -> int | None:
        return posted_version(self.data)


def posted_version(raw: object) -> int | None:
    """The version a form was opened at, from its hidden field. Anything that is not a
    version we drew (empty, "x", "²", which is a digit to Python but not to int(), or too
    long for the database's integer) is None: the service then does not check it, and the
    flush still refuses a save that lost a race."""
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    return int(raw)


def error_summary(form: Any) -> dict[str, Any]:
    """Parameters for govukErrorSummary: every message, linked to its field's first input."""
    items: list[dict[str, str]] = [{"text": m, "href": "#main-content"} for m in form.form_errors]
    for name, field in form._fields.items():
        if not field.errors:
            continue
        target = field.id
        if isinstance(field.widget, GovDateInput):
            target = f"{field.name}-day"
        elif getattr(field, "type", "") in ("RadioField", "SelectMultipleField") or (
            getattr(field.widget, "template", "").endswith(("radios.html", "checkboxes.html"))
        ):
            target = f"{field.id}"
        messages = field.errors if isinstance(field.errors, list | tuple) else [field.errors]
        text = messages[0] if messages else ""
        if isinstance(text, dict):
            continue
        items.append({"text": str(text), "href": f"#{target}"})
        del name
    return {"titleText": "There is a problem", "errorList": items}


# --- choices and checks -----------------------------------------------------------------


def chosen(message: str) -> Callable[[Any, Any], None]:
    """Require one of the field's own choices, with a GOV.UK message (not "Not a valid
    choice"), for fields that skip WTForms' own choice check."""

    def check(_form: Any, field: Any) -> None:
        values = {str(c.value) for c in field.choices}
        if not field.data or str(field.data) not in values:
            raise ValidationError(message)

    return check


def optional_choice(message: str) -> Callable[[Any, Any], None]:
    """Nothing chosen is fine; anything chosen must be one of the field's own choices."""

    def check(_form: Any, field: Any) -> None:
        values = {str(c.value) for c in field.choices}
        if field.data and str(field.data) not in values:
            raise ValidationError(message)

    return check


def entered(message: str) -> Callable[[Any, Any], None]:
    """Like DataRequired, but keeps a typed value's own message ("must be a real date",
    "must be an amount in pounds") instead of replacing it with "Enter ..."."""

    def check(_form: Any, field: Any) -> None:
        if field.errors:
            raise StopValidation()
        if field.data is None or field.data == "":
            raise StopValidation(message)

    return check


def options(pairs: Sequence[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects rather than (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


def set_choices(field: Any, pairs: Sequence[tuple[str, str]]) -> None:
    field.choices = options(pairs)


def as_uuid(value: str | None) -> uuid.UUID | None:
    """An id from a query string or a select; None for anything that is not one."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


# --- field builders ---------------------------------------------------------------------


def radios(
    label: str,
    pairs: Sequence[tuple[str, str]] = (),
    *,
    required: str | None = None,
    optional: str | None = None,
    **kw: Any,
) -> Any:
    """GOV.UK radios. `required` is the message when nothing (or something not offered) is
    chosen; with `optional` instead, choosing nothing is allowed. Choices given later (by
    the view) are checked the same way."""
    if (required is None) == (optional is None):
        raise TypeError("radios() takes a required or an optional message")
    check = chosen(required) if required is not None else optional_choice(str(optional))
    return RadioField(
        label,
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options(pairs),
        validators=[check],
        **kw,
    )


def select(
    label: str,
    pairs: Sequence[tuple[str, str]] | None = None,
    *,
    required: str | None = None,
    optional: str | None = None,
    **kw: Any,
) -> Any:
    """A select drawn by AppSelect, its choices given here or later by the view. `required`
    and `optional` check the choice as radios() does; with neither (a list's filter), the
    view reads whatever was sent."""
    if required is not None and optional is not None:
        raise TypeError("select() takes a required or an optional message, not both")
    if required is not None:
        kw["validators"] = [chosen(required)]
    elif optional is not None:
        kw["validators"] = [optional_choice(optional)]
    if pairs is not None:
        kw["choices"] = options(pairs)
    return SelectField(label, widget=AppSelect(), validate_choice=False, **kw)


def date_field(label: str, subject: str = "", required: str | None = None, **kw: Any) -> Any:
    """Day, month and year boxes; `required` is the message when the date is left out."""
    return GovukDateField(
        label, validators=[entered(required)] if required else None, subject=subject, **kw
    )


def money_field(label: str, subject: str = "", required: str | None = None, **kw: Any) -> Any:
    """Pounds and pence; `required` is the message when the amount is left out."""
    return MoneyField(
        label, validators=[entered(required)] if required else None, subject=subject, **kw
    )


def text_field(label: str, max_length: int, required: str | None = None, **kw: Any) -> Any:
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    validators.append(
        Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    )
    return StringField(label, widget=GovTextInput(), validators=validators, **kw)


def area_field(label: str, max_length: int, **kw: Any) -> Any:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
        ],
        **kw,
    )
