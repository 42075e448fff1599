"""The one way a view saves a form (sendtrack/web.py, docs/saving.md): `saved()` turns a
service's refusal into the form's messages, with its options for the flows that differ
(a field of its own, the saved version beside what was typed, flash and redirect), and
`render_form()` chooses 200 or 400. A tiny Flask app stands in for sendtrack's, and the
rollback a stale save needs is recorded rather than run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, get_flashed_messages
from jinja2 import DictLoader
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from sendtrack import web
from sendtrack.forms import BaseForm, SubmissionToken, VersionField, posted_version
from sendtrack.services.errors import DomainError, StaleRecord

CHANGED = "This record was changed by someone else"


class NoteForm(BaseForm, SubmissionToken):
    note = StringField("Note")
    reason = StringField("Reason")
    version = VersionField()


@dataclass
class Record:
    version: int


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    happened: list[str] = []
    monkeypatch.setattr(web.transactions, "discard", lambda: happened.append("rolled back"))
    return happened


@pytest.fixture
def request_ctx() -> Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    app.jinja_loader = DictLoader({"page.html": "{{ form.note.data }}|{{ extra }}"})
    with app.test_request_context("/", method="POST"):
        yield app


def _form(**data: str) -> NoteForm:
    return NoteForm(formdata=MultiDict({"note": "typed", "version": "3", **data}))


def _refuse(exc: Exception) -> Any:
    def save() -> None:
        raise exc

    return save


def test_a_save_that_works_is_true_and_gives_the_service_result(
    request_ctx: Flask, events: list[str]
) -> None:
    form = _form()
    outcome = web.saved(form, lambda: "the record")
    assert outcome and outcome.result == "the record" and outcome.current is None
    assert form.errors == {} and events == []


def test_a_refused_rule_is_shown_on_the_field_the_service_names(
    request_ctx: Flask, events: list[str]
) -> None:
    form = _form()
    outcome = web.saved(form, _refuse(DomainError("Enter the reason", field="reason")))
    assert not outcome
    assert form.reason.errors == ["Enter the reason"] and form.form_errors == []
    assert form.note.data == "typed"  # what was typed is kept
    assert events == []  # a refused rule keeps the session: the 400 rolls it back


def test_a_refused_rule_without_a_field_is_shown_at_the_top(
    request_ctx: Flask, events: list[str]
) -> None:
    form = _form()
    assert not web.saved(form, _refuse(DomainError("Only the school can change this")))
    assert form.form_errors == ["Only the school can change this"]
    assert list(form.errors.values()) == [["Only the school can change this"]]


def test_field_shows_every_refusal_on_that_field(request_ctx: Flask, events: list[str]) -> None:
    form = _form()
    web.saved(form, _refuse(DomainError("Too many attempts", field="email")), field="reason")
    web.saved(form, _refuse(DomainError("Wrong code")), field="reason")
    assert form.reason.errors == ["Too many attempts", "Wrong code"]
    assert form.form_errors == []


def test_a_stale_save_is_rolled_back_and_shown_at_the_top(
    request_ctx: Flask, events: list[str]
) -> None:
    form = _form()
    outcome = web.saved(form, _refuse(StaleRecord(Record(4))))
    assert not outcome and outcome.current is None
    assert form.form_errors == [CHANGED]  # the service's own words
    assert events == ["rolled back"]
    assert form.version.data == "3"  # not reset without `current`


def test_stale_gives_the_words_of_the_stale_message(request_ctx: Flask, events: list[str]) -> None:
    form = _form()
    web.saved(form, _refuse(StaleRecord()), stale=web.STALE)
    assert form.form_errors == ["This record was changed by someone else: reload the page"]
    form = _form()
    web.saved(form, _refuse(StaleRecord()), stale="Someone else changed this application")
    assert form.form_errors == ["Someone else changed this application"]


def test_current_loads_the_saved_version_after_the_rollback_and_resets_the_form(
    request_ctx: Flask, events: list[str]
) -> None:
    form = _form()

    def reload() -> Record:
        events.append("reloaded")
        return Record(7)

    outcome = web.saved(form, _refuse(StaleRecord()), current=reload)
    assert not outcome
    assert outcome.current == Record(7)
    assert events == ["rolled back", "reloaded"]  # what is read is what is saved now
    assert form.version.data == "7"  # saving again replaces it on purpose
    assert form.note.data == "typed"


def test_current_is_not_loaded_when_the_refusal_is_not_stale(
    request_ctx: Flask, events: list[str]
) -> None:
    form = _form()
    outcome = web.saved(form, _refuse(DomainError("Enter a note", "note")), current=lambda: 1)
    assert outcome.current is None and form.version.data == "3"


def test_flashed_puts_messages_in_the_flash_not_on_the_form(
    request_ctx: Flask, events: list[str]
) -> None:
    form = _form()
    assert not web.saved(form, _refuse(DomainError("Already confirmed")), flashed=True)
    assert not web.saved(form, _refuse(StaleRecord()), stale="Check it again", flashed=True)
    assert form.errors == {}
    assert get_flashed_messages() == ["Already confirmed", "Check it again"]
    assert events == ["rolled back"]


def test_once_saves_a_new_record_once_per_submission_token(
    request_ctx: Flask, events: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Any, ...]] = []

    def once(actor: Any, token: Any, kind: Any, create: Any) -> Any:
        seen.append((actor, token, kind))
        return create()

    monkeypatch.setattr(web.submissions, "once", once)
    monkeypatch.setattr(web, "acting_user", lambda: "the officer")
    outcome = web.saved(_form(submission="token-1"), lambda: Record(1), once=Record)
    assert outcome.result == Record(1)
    assert seen == [("the officer", "token-1", Record)]
    refused = _form(submission="token-2")
    assert not web.saved(refused, _refuse(DomainError("Enter a note", "note")), once=Record)
    assert refused.note.errors == ["Enter a note"]  # refusals inside once() still shown
    web.saved(_form(), lambda: None)
    assert len(seen) == 2  # without `once` the service is called directly


def test_other_errors_are_not_swallowed(request_ctx: Flask, events: list[str]) -> None:
    with pytest.raises(ZeroDivisionError):
        web.saved(_form(), lambda: 1 / 0)


def test_render_form_is_200_without_errors_400_with_them_or_the_status_given(
    request_ctx: Flask,
) -> None:
    form = _form()
    assert web.render_form("page.html", form, extra="x") == ("typed|x", 200)
    form.add_error(None, "There is a problem")
    assert web.render_form("page.html", form, extra="x")[1] == 400
    assert web.render_form("page.html", form, status=409, extra="x")[1] == 409
    assert web.render_form("page.html", _form(), status=None)[1] == 200
    on_a_field = _form()
    on_a_field.add_error("note", "Enter a note")
    assert web.render_form("page.html", on_a_field)[1] == 400


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("12", 12),
        ("999999999", 999_999_999),
        ("1000000000", None),  # longer than any version we drew, and than an int column
        ("", None),
        (None, None),
        ("x", None),
        ("-1", None),
        (" 3", None),
        ("²", None),  # a digit to Python, not to int()
        ("١٢", None),  # Arabic-Indic digits: not ASCII
    ],
)
def test_posted_version(raw: Any, expected: int | None) -> None:
    assert posted_version(raw) == expected
