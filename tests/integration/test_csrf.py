"""Every POST route refuses a request without a CSRF token, and changes nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import AuditEvent
from tests.conftest import sign_in
from tests.integration.test_routes_access import ROUTES, _url
from tests.world import EMAILS, World

POST_ROUTES = [(e, r) for e, r, m in ROUTES if m == "POST"]


def test_there_are_post_routes_to_check() -> None:
    assert POST_ROUTES


@pytest.mark.parametrize(("endpoint", "rule"), POST_ROUTES)
def test_post_without_csrf_token_is_refused(
    app: Flask, world: World, endpoint: str, rule: str
) -> None:
    client = app.test_client()
    if endpoint != "auth.login":
        sign_in(client, EMAILS["admin"])
    with app.app_context():
        events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(_url(rule, 0, world), data={"anything": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400, f"{endpoint}: {response.status_code}"
    assert re.search("problem with this request", response.get_data(as_text=True))
    with app.app_context():
        events_after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert events_after == events_before
