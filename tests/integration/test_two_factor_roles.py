"""Two-factor sign-in required per role, as the council chooses (issue 19, R12): an
administrator ticks the roles on /admin/two-factor; a production deployment always requires
it for LA officers and administrators."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, Role
from sendtrack.services import two_factor
from tests.conftest import PASSWORD, sign_in
from tests.world import EMAILS


@pytest.fixture
def production_floor(app: Flask) -> Iterator[None]:
    app.config["TWO_FACTOR_ENFORCED"] = True
    try:
        yield
    finally:
        app.config["TWO_FACTOR_ENFORCED"] = False


def _must_set_up(app: Flask, key: str) -> bool:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": EMAILS[key], "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/home")
    return home.status_code == 302 and "/account/two-factor" in home.headers["Location"]


def _form_version(client: FlaskClient) -> str:
    page = client.get("/admin/two-factor").get_data(as_text=True)
    start = page.index('name="version"')
    return page[start:].split('value="', 1)[1].split('"', 1)[0]


def test_r12_two_factor_required_per_role(app: Flask, production_floor: None) -> None:
    # The default for production: officers and administrators, not the others.
    assert _must_set_up(app, "officer") and _must_set_up(app, "admin")
    assert not _must_set_up(app, "senco") and not _must_set_up(app, "lead")
    # The council requires it for SENCOs and panel members too. (The administrator needs
    # two-factor sign-in themselves first: switch the floor off to use the form plainly.)
    app.config["TWO_FACTOR_ENFORCED"] = False
    admin = app.test_client()
    sign_in(admin, EMAILS["admin"])
    version = _form_version(admin)
    saved = admin.post(
        "/admin/two-factor",
        data={"roles": [Role.SENCO.value, Role.PANEL_MEMBER.value], "version": version},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    app.config["TWO_FACTOR_ENFORCED"] = True
    assert _must_set_up(app, "senco") and _must_set_up(app, "panel")
    assert not _must_set_up(app, "lead")
    assert _must_set_up(app, "officer")  # still: production's floor
    with app.app_context():
        events = db.session.scalars(
            db.select(AuditEvent).where(
                AuditEvent.object_type == "two_factor_policy",
                AuditEvent.action == AuditAction.UPDATE,
            )
        ).all()
        assert len(events) == 1 and events[0].changes is not None


def test_r12_two_factor_form_refuses_stale_version_and_bad_input(app: Flask) -> None:
    admin = app.test_client()
    sign_in(admin, EMAILS["admin"])
    version = _form_version(admin)
    page = admin.get("/admin/two-factor").get_data(as_text=True)
    assert "SENCO" in page and "Panel member" in page
    first = admin.post("/admin/two-factor", data={"roles": ["area_lead"], "version": version})
    assert first.status_code == 302
    # A second administrator's form, opened before the first saved, does not overwrite.
    stale = admin.post("/admin/two-factor", data={"roles": ["senco"], "version": version})
    assert stale.status_code == 400
    text = stale.get_data(as_text=True)
    assert "changed by someone else" in text and 'value="senco" checked' in text
    hostile = admin.post("/admin/two-factor", data={"roles": ["root"], "version": "x" * 50})
    assert hostile.status_code == 400
    with app.app_context():
        assert two_factor.council_roles() == {Role.AREA_LEAD}


def test_r12_two_factor_form_is_for_administrators_only(app: Flask) -> None:
    for key in ("officer", "senco"):
        client = app.test_client()
        sign_in(client, EMAILS[key])
        assert client.get("/admin/two-factor").status_code in (403, 404)
        assert client.post("/admin/two-factor", data={"roles": ["senco"]}).status_code in (
            403,
            404,
        )
