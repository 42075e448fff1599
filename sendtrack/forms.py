"""Form pieces shared by every feature: GOV.UK date fields, money fields, the error summary,
and a select for long lists of options.

Messages follow the GOV.UK Design System wording ("Enter ...", "... must be a real date")."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect, GovTextInput
from markupsafe import Markup, escape
from wtforms import Field, StringField
from wtforms.validators import ValidationError

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
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
