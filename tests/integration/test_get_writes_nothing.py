"""No GET request writes a row: opening a page only reads (issue 20). The one write a page
may make is its audit event (who looked at which child's record).

Every GET route in the URL map is opened, with its URL filled from the shared world as
tests/integration/test_routes_access.py fills it, by each role allowed to open it. Every
INSERT, UPDATE or DELETE the request sends to the database is caught as it is executed; any
into a table other than audit_event fails the test, unless the route is listed below with
its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from sendtrack.extensions import db
from sendtrack.models import Pupil
from sendtrack.permissions import Permission, role_has
from tests.conftest import client_for, sign_in
from tests.integration.test_routes_access import ACTORS, ROUTES, _url
from tests.world import EMAILS, World

WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)

# Tables a GET may write to, and why. Keep this short.
ALLOWED_TABLES: dict[str, str] = {
    "audit_event": "the audit trail records who viewed or downloaded a child's record",
}

# Routes that may write other rows on a GET, with the tables and the reason.
EXCEPTIONS: dict[str, tuple[frozenset[str], str]] = {
    "auth.logout": (
        frozenset({"user_account"}),
        "signing out ends every session of the account (a copy of the cookie must not stay "
        "signed in); the header's Sign out is a link, so the route answers GET",
    ),
    "auth.sso_callback": (
        frozenset({"user_account"}),
        "an OpenID provider sends the person back with a GET (the authorisation response); "
        "signing them in stamps the account's last sign-in, as a password sign-in does "
        "(tests/integration/test_sso.py checks it writes nothing else)",
    ),
}

# The static files are served by Flask itself and touch no database.
GET_ROUTES = [
    (endpoint, rule)
    for endpoint, rule, method in ROUTES
    if method == "GET" and endpoint != "static"
]


def _roles_allowed(access: str) -> list[str]:
    return [
        actor
        for actor, role in ACTORS.items()
        if role is not None and (access == "public" or role_has(role, Permission(access)))
    ]


@contextmanager
def _writes(app: Flask) -> Iterator[list[str]]:
    """The tables written to (other than those always allowed) inside the block, as
    "INSERT table", "UPDATE table" or "DELETE table"."""
    written: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        found = WRITE.match(statement)
        if found and found.group(2).lower() not in ALLOWED_TABLES:
            written.append(f"{found.group(1).split()[0].upper()} {found.group(2)}")

    with app.app_context():
        connection = db._app_engines[app][None]
    event.listen(connection, "before_cursor_execute", listen)
    try:
        yield written
    finally:
        event.remove(connection, "before_cursor_execute", listen)


@pytest.fixture(autouse=True)
def _an_award_not_yet_linked(app: Flask, world: World) -> None:
    """A child with an approved RTF award on the receiving school's roll, whose award is not
    linked yet (a record from before links were made on joining). A page that linked awards
    when opened, as the home page and RTF pages did, would write here."""
    with app.app_context():
        child = db.session.get(Pupil, world["rtf_child_a"])
        assert child is not None
        child.setting_id = world["a1"]  # directly, not through a transfer that would link
        db.session.commit()


def test_every_role_has_get_routes_to_open(app: Flask) -> None:
    assert len(GET_ROUTES) >= 50
    for actor in ("senco", "lead", "panel", "officer", "admin"):
        opened = [
            endpoint
            for endpoint, _rule in GET_ROUTES
            if actor in _roles_allowed(app.view_functions[endpoint].access_rule)
        ]
        assert len(opened) >= 5, f"{actor} may open only {opened}"


@pytest.mark.parametrize(("endpoint", "rule"), GET_ROUTES)
def test_get_writes_nothing(app: Flask, world: World, endpoint: str, rule: str) -> None:
    access = app.view_functions[endpoint].access_rule
    allowed_tables, _reason = EXCEPTIONS.get(endpoint, (frozenset(), ""))
    for actor in _roles_allowed(access):
        client = client_for(app, actor)
        url = _url(rule, 0, world)
        with _writes(app) as written:
            response = client.get(url)
            response.close()
        assert response.status_code < 500, f"GET {url} as {actor} -> {response.status_code}"
        written = [w for w in written if w.split()[1] not in allowed_tables]
        assert written == [], f"GET {url} as {actor} wrote: {sorted(set(written))}"


def test_the_listener_sees_a_write(app: Flask, world: World) -> None:
    """The check can fail: a sign-in (a POST) writes the account's login record."""
    client = app.test_client()
    with _writes(app) as written:
        sign_in(client, EMAILS["senco"])
    assert "UPDATE user_account" in written, written
