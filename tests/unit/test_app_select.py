"""AppSelect (sendtrack/forms.py) draws exactly what govuk-frontend-wtf's GovSelect draws,
whatever the field holds: a chosen option, an error, a hint, characters to escape,
attributes passed from the template."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from sendtrack.forms import AppSelect

CHOICES = [
    SelectChoice("", "Any school or setting"),
    SelectChoice("a1", "Ash & Elm <Primary>"),
    SelectChoice("b2", Markup("Birch <em>Infant</em>")),
    SelectChoice('c"3', "Cedar \"Nursery\" 'School'"),
    SelectChoice("d4", "Damson Academy"),
]


def _form(data: dict[str, str] | None = None, **field: Any) -> Any:
    class F(Form):
        fast = SelectField("School or setting", widget=AppSelect(), choices=CHOICES, **field)
        slow = SelectField("School or setting", widget=GovSelect(), choices=CHOICES, **field)

    return F(MultiDict(data or {}))


@pytest.mark.parametrize(
    ("data", "field", "render"),
    [
        (None, {}, {}),
        ({"fast": "d4", "slow": "d4"}, {}, {}),
        ({"fast": 'c"3', "slow": 'c"3'}, {"description": "Where the child goes in September"}, {}),
        (None, {"render_kw": {"data-module": "app-filter"}}, {"class": "govuk-!-width-full"}),
        (None, {}, {"params": {"label": {"classes": "govuk-label--s"}}}),
    ],
)
def test_the_html_is_the_macro_s(
    app: Flask, data: dict[str, str] | None, field: dict[str, Any], render: dict[str, Any]
) -> None:
    with app.test_request_context():
        form = _form(data, **field)
        fast, slow = str(form.fast(**render)), str(form.slow(**render))
        assert fast == slow.replace('id="slow"', 'id="fast"').replace(
            'name="slow"', 'name="fast"'
        ).replace('for="slow"', 'for="fast"').replace("slow-hint", "fast-hint")
        assert "Ash &amp; Elm &lt;Primary&gt;" in fast
        assert "Birch <em>Infant</em>" in fast  # a label that is already HTML stays so


def test_an_error_is_drawn_as_the_macro_draws_it(app: Flask) -> None:
    with app.test_request_context():
        form = _form({"fast": "b2", "slow": "b2"})
        form.fast.errors = form.slow.errors = ["Select a school or setting"]
        fast, slow = str(form.fast()), str(form.slow())
        assert fast == slow.replace("slow", "fast")
        assert "govuk-select--error" in fast and 'value="b2" selected' in fast


def test_options_the_macro_draws_differently_are_left_to_it(app: Flask) -> None:
    with app.test_request_context():
        widget = AppSelect()
        items = [{"text": "Closed", "value": "x", "selected": False, "disabled": True}]
        params = {"id": "s", "name": "s", "label": {"text": "School"}, "items": items}
        assert "disabled" in str(widget.render(params))
