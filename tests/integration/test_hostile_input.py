"""Hostile input against every form in the app, found rather than listed.

For every GET route in the URL map that an LA officer, a SENCO or an administrator may open
(and the public ones, as anonymous), the page is fetched with the URL parameters of
tests/world.ROUTE_PARAMS and its HTML parsed for `<form method="post">`. Each form's fields
(inputs, selects, textareas, hidden fields) are then posted with Hypothesis-chosen hostile
values: very long text, NUL and control characters, HTML and script payloads, SQL, impossible
dates in the day/month/year boxes, huge and negative numbers, emoji, right-to-left text, and
unexpected files. For every post:

- the answer is never a 5xx (in testing an exception propagates, so it fails loudly);
- a payload echoed back is escaped: the raw script and image markers never appear;
- when the form is rejected (400, or 200 re-rendering it with an error summary), nothing was
  saved: the row count of every table, and of the audit trail, is unchanged.

Forms added later by any feature are covered without touching this file. The summary line
(forms, fields, posts) is printed at the end of the run for the closing figures.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from sendtrack.extensions import db
from sendtrack.models import Base, Role
from sendtrack.permissions import Permission, role_has
from tests.conftest import sign_in
from tests.integration.test_routes_access import ROUTES, _url
from tests.world import EMAILS, World

EXAMPLES_PER_FORM = 12
ACTORS: dict[str, Role | None] = {
    "anonymous": None,
    "senco": Role.SENCO,
    "officer": Role.LA_OFFICER,
    "admin": Role.ADMIN,
}
# Files, not pages: nothing to post to, and PDFs cost real time to render.
DOWNLOAD = re.compile(r"\.(pdf|csv|json|xlsx|svg|png)$")
SCRIPT_MARKER = '<script>alert("st-xss")</script>'
IMG_MARKER = '"><img src=x onerror=alert("st-xss")>'
RAW_MARKERS = ("<script>alert(", "<img src=x onerror")

STATS: dict[str, dict[str, int]] = {}


def _pages() -> list[tuple[str, str, str]]:
    from sendtrack import create_app

    views = create_app("testing").view_functions
    found = []
    for endpoint, rule, method in ROUTES:
        if method != "GET" or endpoint == "static" or DOWNLOAD.search(rule):
            continue
        rule_access = getattr(views[endpoint], "access_rule", None)
        for actor, role in ACTORS.items():
            if rule_access == "public":
                if role is None:
                    found.append((endpoint, rule, actor))
            elif role is not None and role_has(role, Permission(rule_access)):
                found.append((endpoint, rule, actor))
    return found


PAGES = _pages()


# --- finding forms ----------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # text, hidden, password, checkbox, radio, select, textarea, file, submit...
    default: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class FoundForm:
    action: str
    multipart: bool
    fields: dict[str, FormField] = field(default_factory=dict)


class FormFinder(HTMLParser):
    """Collects every <form method="post"> and its fields (stdlib html.parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[FoundForm] = []
        self._form: FoundForm | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = FoundForm(
                action=a.get("action", ""),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            existing = form.fields.get(name)
            if kind in ("checkbox", "radio"):
                if existing is None:
                    existing = form.fields[name] = FormField(name, kind)
                existing.options.append(a.get("value", "on"))
                if "checked" in a and not existing.default:
                    existing.default = a.get("value", "on")
            else:
                form.fields[name] = FormField(name, kind, a.get("value", ""))
            if kind == "file":
                form.multipart = True
        elif tag == "button" and a.get("type", "submit") == "submit":
            form.fields[name] = FormField(name, "submit", a.get("value", ""))
        elif tag == "select":
            self._select = form.fields[name] = FormField(name, "select")
        elif tag == "textarea":
            self._textarea = form.fields[name] = FormField(name, "textarea")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.default += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    # <option> inside a <select>
    def unknown_decl(self, data: str) -> None:  # pragma: no cover - no such HTML here
        del data


class OptionFinder(FormFinder):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option" and self._select is not None:
            a = {k: v or "" for k, v in attrs}
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.default = value
            return
        super().handle_starttag(tag, attrs)


def find_forms(html: str) -> list[FoundForm]:
    finder = OptionFinder()
    finder.feed(html)
    for form in finder.forms:
        for f in form.fields.values():
            if f.kind == "select" and not f.default:
                f.default = next((o for o in f.options if o), "")
    return finder.forms


# --- hostile values ---------------------------------------------------------------------

FIXED = [
    SCRIPT_MARKER,
    IMG_MARKER,
    "Robert'); DROP TABLE pupil;--",
    "' OR '1'='1",
    "1; SELECT pg_sleep(1)--",
    "%' UNION SELECT email, password_hash FROM user_account --",
    "\x00",
    "abc\x00def",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\t",
    "😀👩‍👩‍👧‍👦🇬🇧",
    "\u202eTHGIR-OT-TFEL\u202c",
    "مرحبا بالعالم",
    "שלום",
    "-1",
    "0",
    "-99999999999999999999999",
    "99999999999999999999999999999999",
    "1e309",
    "NaN",
    "-0.001",
    "£-5",
    "1,000,000,000,000",
    "9" * 400,
    " ",
    "{{ 7*7 }}",
    "${7*7}",
    "../../../../etc/passwd",
    "javascript:alert(1)",
    "00000000-0000-0000-0000-000000000000",
    "Z" * 6000,
    "A" * 20_000,
]
HOSTILE = st.one_of(
    st.sampled_from(FIXED),
    st.text(max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(min_size=1, max_size=30).map(lambda t: SCRIPT_MARKER + t),
)
IMPOSSIBLE_DATE_PART = st.sampled_from(
    ["0", "-1", "31", "32", "13", "99", "0000", "99999", "2", "29", "x", "１２", ""]
)
HOSTILE_FILE = st.one_of(
    st.binary(max_size=400),
    st.sampled_from(
        [
            b"",
            b"\x00\x01\x02",
            b"\xff\xfe\xfd",
            ("name,financial_year,delegated_budget\n" + SCRIPT_MARKER + ",2026-27,-5\n").encode(),
            b"urn,name,phase\n12345,<script>alert(1)</script>,nursery\n",
            b"upn,surname\n" + b"A" * 5000 + b"\n",
            b'"unterminated,\n"',
        ]
    ),
)
KEEP = object()


def _strategy(form: FoundForm) -> st.SearchStrategy[dict[str, Any]]:
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for name, f in form.fields.items():
        if name == "csrf_token" or f.kind == "submit":
            continue
        if f.kind == "file":
            parts[name] = HOSTILE_FILE
        elif name.endswith(("-day", "-month", "-year")):
            parts[name] = st.one_of(st.just(KEEP), IMPOSSIBLE_DATE_PART, HOSTILE)
        else:
            parts[name] = st.one_of(st.just(KEEP), HOSTILE)
    return st.fixed_dictionaries(parts)


def _payload(form: FoundForm, chosen: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, f in form.fields.items():
        value = chosen.get(name, KEEP)
        if f.kind == "file":
            data[name] = (io.BytesIO(value if value is not KEEP else b""), "hostile.csv")
            continue
        if value is KEEP:
            if f.kind == "checkbox":
                if f.default:
                    data[name] = f.default
                continue
            if f.kind == "radio":
                data[name] = f.default or (f.options[0] if f.options else "")
                continue
            value = f.default
        data[name] = value
    return data


# --- what the database holds ------------------------------------------------------------


def _counts(app: Flask) -> tuple[int, ...]:
    tables = sorted(t for t in Base.metadata.tables if t not in ("login_attempt", "audit_event"))
    parts = [f'(SELECT count(*) FROM "{t}")' for t in tables]  # noqa: S608 - model names
    # Failed sign-ins are kept on purpose (throttling): everything else must not change.
    parts.append("(SELECT count(*) FROM audit_event WHERE action <> 'login_failed')")
    with app.app_context():
        row = db.session.execute(text("SELECT " + ", ".join(parts))).one()
        db.session.remove()
    return tuple(row)


def _rejected(status: int, body: str) -> bool:
    return status == 400 or (status == 200 and "govuk-error-summary" in body)


# --- the test ---------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not STATS:
        return
    posts = sum(s["posts"] for s in STATS.values())
    fields = sum(s["fields"] for s in STATS.values())
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = (
        f"hostile input: {len(STATS)} forms ({fields} fields) on "
        f"{len({k.split(' ')[0] for k in STATS})} page routes, {posts} hostile posts, "
        f"{posts // max(len(STATS), 1)} per form"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.ensure_newline()
            reporter.write_line(line)


def test_forms_are_found() -> None:
    assert len(PAGES) > 20
    found = find_forms(
        '<form method="post"><input name="a" value="1"><select name="s"><option value="">-'
        '</option><option value="x">X</option></select><textarea name="t">hi</textarea>'
        '<input type="radio" name="r" value="1"><input type="radio" name="r" value="2"></form>'
        '<form method="get"><input name="q"></form>'
    )
    assert len(found) == 1
    fields = found[0].fields
    assert fields["a"].default == "1" and fields["s"].default == "x"
    assert fields["t"].default == "hi" and fields["r"].options == ["1", "2"]


@pytest.mark.parametrize(("endpoint", "rule", "actor"), PAGES)
def test_hostile_input_on_every_form(
    app: Flask, world: World, endpoint: str, rule: str, actor: str
) -> None:
    client: FlaskClient = app.test_client()
    if actor != "anonymous":
        sign_in(client, EMAILS[actor])
    url = _url(rule, 0, world)
    page = client.get(url)
    assert page.status_code < 500, f"GET {url} as {actor} -> {page.status_code}"
    if page.status_code != 200 or not page.mimetype.startswith("text/html"):
        return
    for index, form in enumerate(find_forms(page.get_data(as_text=True))):
        key = f"{endpoint} form{index} as {actor}"
        STATS[key] = {"fields": len(form.fields), "posts": 0}
        _attack(app, client, form, form.action or url, key)()


def _attack(app: Flask, client: FlaskClient, form: FoundForm, target: str, key: str) -> Any:
    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(chosen=_strategy(form))
    def attack(chosen: dict[str, Any]) -> None:
        # Every example shares the test's one transaction, rolled back when the test ends.
        before = _counts(app)
        response = client.post(
            target,
            data=_payload(form, chosen),
            content_type="multipart/form-data" if form.multipart else None,
        )
        body = response.get_data(as_text=True)
        STATS[key]["posts"] += 1
        where = f"POST {target} ({key})"
        assert response.status_code < 500, f"{where} -> {response.status_code}"
        for marker in RAW_MARKERS:
            assert marker not in body, f"{where}: unescaped {marker!r} in the response"
        if _rejected(response.status_code, body):
            assert _counts(app) == before, f"{where} was rejected but saved something"

    return attack
