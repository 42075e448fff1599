"""Every GET that shows a child records that it did (issue 19, R7 and "What to build" 6).

The test walks every GET route in the URL map as each role that may use it, with its URL
parameters filled from tests/world.ROUTE_PARAMS (the in-scope side), and reads what came
back: HTML, CSV and JSON as text, PDFs through pypdf. A response that names any of the
world's children (their legal surname as a word: pages show "Test Alphason", "Alphason,
Test" or the surname in a table cell of its own) must have added at least one audit event
that reads a child's data: VIEW, DOWNLOAD or EXPORT (the register's CSV, subject access and
SEN2 files record EXPORT). A new page that shows a child without recording it fails here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import func, select

from sendtrack import create_app
from sendtrack.extensions import db
from sendtrack.models import AgendaItem, AuditAction, AuditEvent, Pupil, Role
from sendtrack.permissions import Permission, role_has
from tests.conftest import sign_in
from tests.integration.test_routes_access import PLAIN_PARAMS
from tests.world import EMAILS, ROUTE_PARAMS, World

ROLES: dict[str, Role] = {
    "senco": Role.SENCO,
    "lead": Role.AREA_LEAD,
    "panel": Role.PANEL_MEMBER,
    "officer": Role.LA_OFFICER,
    "admin": Role.ADMIN,
}

READS = (AuditAction.VIEW, AuditAction.DOWNLOAD, AuditAction.EXPORT)

# GET routes that never show a child, each with its reason. Keep this short.
NOT_FETCHED = {
    "static": "stylesheets, scripts and images",
    "auth.logout": "ends the session the other routes need; shows nobody",
}


def _get_routes() -> list[tuple[str, str]]:
    app = create_app("testing")
    return sorted(
        {
            (rule.endpoint, rule.rule)
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or set()) and rule.endpoint not in NOT_FETCHED
        }
    )


GET_ROUTES = _get_routes()


def _url(rule: str, world: World) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in PLAIN_PARAMS:
            return PLAIN_PARAMS[name]
        return str(world[ROUTE_PARAMS[name][0]])

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule)


def _may_use(access: str, role: Role) -> bool:
    return access in ("public", "signed_in") or role_has(role, Permission(access))


def _text(body: bytes, mimetype: str) -> str:
    if mimetype == "application/pdf":
        try:
            pages = PdfReader(io.BytesIO(body)).pages
            return "\n".join(page.extract_text() or "" for page in pages)
        except PdfReadError:  # the world's packs are a few bytes standing in for a PDF
            pass
    return body.decode("utf-8", errors="replace")


def _children_names(app: Flask) -> re.Pattern[str]:
    """Every world child's legal surname as a whole word (longest first, so a hyphenated
    surname is reported whole)."""
    with app.app_context():
        surnames = set(db.session.scalars(select(Pupil.legal_surname)))
        db.session.remove()
    alternatives = "|".join(re.escape(s) for s in sorted(surnames, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


def _reads_recorded(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.in_(READS))
        )
        db.session.remove()
    return count or 0


class Clients(dict[str, FlaskClient]):
    """A test client per world account, signed in when first asked for: most routes are
    for one or two roles, and signing in is most of this test's time."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, key: str) -> FlaskClient:
        client = self.app.test_client()
        sign_in(client, EMAILS[key])
        self[key] = client
        return client


@pytest.fixture
def clients(app: Flask) -> Clients:
    return Clients(app)


def _unrecorded_views(
    app: Flask, world: World, clients: Clients, endpoint: str, rule: str
) -> list[str]:
    """'GET url as role shows Name' for each fetch that named a child and recorded no read."""
    names = _children_names(app)
    access = app.view_functions[endpoint].access_rule
    url = _url(rule, world)
    if endpoint in QUERIES:
        url += "?" + QUERIES[endpoint](app, world)
    missing = []
    for key, role in ROLES.items():
        if not _may_use(access, role):
            continue
        before = _reads_recorded(app)
        response = clients[key].get(url)
        body, mimetype = response.get_data(), response.mimetype
        response.close()
        assert response.status_code < 500, f"GET {url} as {key} -> {response.status_code}"
        if response.status_code != 200:
            continue
        shown = names.search(_text(body, mimetype))
        if shown and _reads_recorded(app) == before:
            missing.append(f"GET {url} as {key} shows {shown.group(0)} and records no view")
    return missing


def _agenda_item(app: Flask, world: World) -> str:
    with app.app_context():
        item_id = db.session.scalar(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == world["meeting_a"],
                AgendaItem.referral_id == world["referral_a"],
            )
        )
        db.session.remove()
    return str(item_id)


# Pages that show children only when asked with a query string: endpoint -> the query.
QUERIES: dict[str, Callable[[Flask, World], str]] = {
    "panels.conflicts": lambda app, world: f"item={_agenda_item(app, world)}",
    "admin.children": lambda app, world: "q=Alphason",
    "audit_trail.search": lambda app, world: "child=Alphason",
    "audit_trail.export": lambda app, world: "child=Alphason",
    "ehcna.reviews": lambda app, world: "view=all",
    "ehcna.index": lambda app, world: "view=all",
    "ehcna.sen2": lambda app, world: "download=1",
    "pupils.register": lambda app, world: "q=Alphason",
}


def test_get_routes_are_found() -> None:
    assert len(GET_ROUTES) >= 100


@pytest.mark.parametrize(("endpoint", "rule"), GET_ROUTES)
def test_every_get_that_shows_a_child_records_a_view(
    app: Flask, world: World, clients: Clients, endpoint: str, rule: str
) -> None:
    assert _unrecorded_views(app, world, clients, endpoint, rule) == []


# The pages R7 found showing a child without recording it.
R7_PAGES = [
    "pupils.assess",
    "pupils.dates",
    "pupils.review",
    "pupils.add_outcome",
    "pupils.add_provision",
    "pupils.edit_outcome",
    "pupils.edit_provision",
    "pupils.remove_provision",
    "ehcna.case",
    "ehcna.decision",
    "ehcna.outcome",
    "ehcna.plan",
    "panels.edit_decision",
    "panels.impact",
    "referrals.return_for_information",
    "referrals.withdraw",
    "rtf.link",
]


@pytest.mark.parametrize("endpoint", R7_PAGES)
def test_r7_page_that_shows_a_child_records_a_view(
    app: Flask, world: World, clients: Clients, endpoint: str
) -> None:
    rule = next(r for e, r in GET_ROUTES if e == endpoint)
    names = _children_names(app)
    url = _url(rule, world)
    client = clients["officer"]
    before = _reads_recorded(app)
    response = client.get(url)
    assert response.status_code == 200, url
    assert names.search(response.get_data(as_text=True)), f"{url} no longer names the child"
    assert _reads_recorded(app) == before + 1, f"GET {url} recorded no view of the child"
