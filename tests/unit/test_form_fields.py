"""The shared field builders in sendtrack/forms.py (radios, date_field, text_field,
area_field) give GOV.UK messages and keep what was typed; every feature's forms use them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from sendtrack.forms import MoneyField, area_field, date_field, radios, set_choices, text_field

PAIRS = [("yes", "Yes"), ("no", "No")]


class Fields(Form):
    must = radios("Is more support needed?", PAIRS, required="Say whether more support is needed")
    may = radios("The council's decision", PAIRS, optional="Choose the decision")
    later = radios("Which record?", required="Choose the record")
    when = date_field("Date of the move", "Date of the move", "Enter the date of the move")
    since = date_field("Date consent was given (optional)", "Date consent was given")
    name = text_field("Last name", 10, "Enter the child's last name")
    note = area_field("Note (optional)", 20)


def _errors(data: dict[str, Any]) -> dict[str, list[str]]:
    form = Fields(MultiDict(data))
    set_choices(form.later, [("r1", "Ash Primary")])  # given by a view, as in LinkForm
    form.validate()
    return {name: list(errors) for name, errors in form.errors.items()}


def _filled(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "must": "yes",
        "later": "r1",
        "when": ["3", "12", "2026"],
        "name": "Okafor",
    }
    data.update(changes)
    return data


def test_a_complete_form_passes() -> None:
    form = Fields(MultiDict(_filled()))
    set_choices(form.later, [("r1", "Ash Primary")])
    assert form.validate(), form.errors
    assert form.when.data == date(2026, 12, 3)
    assert form.may.data is None and form.since.data is None and form.note.data is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("must", "", "Say whether more support is needed"),
        ("must", "maybe", "Say whether more support is needed"),
        ("may", "maybe", "Choose the decision"),
        ("later", "r2", "Choose the record"),
        ("when", ["", "", ""], "Enter the date of the move"),
        ("when", ["31", "2", "2026"], "Date of the move must be a real date"),
        ("when", ["3", "", "2026"], "Date of the move must include a month"),
        ("since", ["3", "13", "2026"], "Date consent was given must be a real date"),
        ("name", "", "Enter the child's last name"),
        ("name", "x" * 11, "Last name must be 10 characters or fewer"),
        ("note", "y" * 21, "Note (optional) must be 20 characters or fewer"),
    ],
)
def test_each_field_refuses_bad_input_with_its_own_message(
    field: str, value: Any, message: str
) -> None:
    assert _errors(_filled(**{field: value})) == {field: [message]}


def test_what_was_typed_is_kept_when_refused() -> None:
    form = Fields(MultiDict(_filled(when=["31", "2", "2026"], name="x" * 11)))
    form.validate()
    assert form.when.raw_data == ["31", "2", "2026"]
    assert form.name.data == "x" * 11


def test_radios_need_exactly_one_kind_of_message() -> None:
    with pytest.raises(TypeError):
        radios("Decision", PAIRS)
    with pytest.raises(TypeError):
        radios("Decision", PAIRS, required="Choose", optional="Choose")


class Money(Form):
    rate = MoneyField("Hourly rate")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9" * 400, "Hourly rate must be less than £100,000,000"),
        ("-" + "9" * 400, "Hourly rate must be £0 or more"),
        ("Infinity", "Hourly rate must be in pounds and pence, like 1200.50"),
    ],
)
def test_money_with_too_many_digits_is_refused_not_an_error(typed: str, message: str) -> None:
    # Found by the hostile-input test: Decimal's quantize raised InvalidOperation (a 500).
    form = Money(MultiDict({"rate": typed}))
    assert not form.validate()
    assert form.errors["rate"] == [message]
