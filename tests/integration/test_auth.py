"""Sign-in, sign-out, throttling, session limits and deactivation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, User
from tests.conftest import PASSWORD, sign_in
from tests.world import EMAILS, World


def test_sign_in_page_renders_govuk_form(client: FlaskClient) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    assert "govuk-input" in page and "Sign in" in page
    assert 'name="password"' in page


def test_each_role_sees_its_own_home_page(client: FlaskClient) -> None:
    sign_in(client, EMAILS["senco"])
    page = client.get("/home").get_data(as_text=True)
    assert "A One Primary" in page and "Children at SEN support" in page
    client.get("/sign-out")
    sign_in(client, EMAILS["lead"])
    page = client.get("/home").get_data(as_text=True)
    assert "Your clusters" in page and "Cluster A" in page and "Cluster B" not in page


def test_wrong_password_shows_govuk_error_and_keeps_email(client: FlaskClient) -> None:
    response = client.post("/sign-in", data={"email": EMAILS["senco"], "password": "wrong-one"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert EMAILS["senco"] in page
    assert "<title>Error: " in page


def test_empty_form_names_each_field(client: FlaskClient) -> None:
    page = client.post("/sign-in", data={}).get_data(as_text=True)
    assert "Enter your email address" in page and "Enter your password" in page


def test_failed_sign_ins_are_throttled_per_account(app: Flask, client: FlaskClient) -> None:
    for _ in range(app.config["LOGIN_FAILURE_LIMIT"]):
        client.post("/sign-in", data={"email": EMAILS["admin"], "password": "nope-nope-nope"})
    response = client.post("/sign-in", data={"email": EMAILS["admin"], "password": PASSWORD})
    assert response.status_code == 400
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_throttle_is_per_address_too(app: Flask) -> None:
    client = app.test_client()
    for i in range(app.config["LOGIN_FAILURE_LIMIT"]):
        client.post(
            "/sign-in",
            data={"email": f"guess{i}@x.example", "password": "nope-nope"},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},
        )
    response = client.post(
        "/sign-in",
        data={"email": EMAILS["officer"], "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert "Too many failed attempts" in response.get_data(as_text=True)
    # Another address can still sign in to that account.
    ok = app.test_client().post(
        "/sign-in",
        data={"email": EMAILS["officer"], "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    )
    assert ok.status_code == 302


def test_sign_out_ends_the_session(client: FlaskClient) -> None:
    sign_in(client, EMAILS["senco"])
    assert client.get("/home").status_code == 200
    client.get("/sign-out")
    assert client.get("/home").status_code == 302


def test_idle_timeout_signs_out(client: FlaskClient) -> None:
    sign_in(client, EMAILS["senco"])
    with client.session_transaction() as sess:
        sess["last_seen"] = (datetime.now(UTC) - timedelta(minutes=31)).timestamp()
    response = client.get("/home")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_absolute_timeout_signs_out(client: FlaskClient) -> None:
    sign_in(client, EMAILS["senco"])
    with client.session_transaction() as sess:
        sess["started_at"] = (datetime.now(UTC) - timedelta(hours=12, minutes=1)).timestamp()
    assert client.get("/home").status_code == 302


def test_session_is_rotated_at_sign_in(client: FlaskClient) -> None:
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    sign_in(client, EMAILS["senco"])
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_deactivating_a_user_ends_their_sessions(
    app: Flask, client: FlaskClient, world: World
) -> None:
    sign_in(client, EMAILS["senco_a2"])
    assert client.get("/home").status_code == 200
    with app.app_context():
        from sendtrack.services import accounts

        user = db.session.get(User, world["senco_a2"])
        assert user is not None
        accounts.update_user(
            None,
            user,
            name=user.name,
            is_active=False,  # type: ignore[arg-type]
            memberships=[
                accounts.MembershipSpec(m.role, m.setting_id, m.cluster_id)
                for m in user.memberships
            ],
        )
        db.session.commit()
    assert client.get("/home").status_code == 302


def test_open_redirect_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/sign-in?next=https://evil.example/", data={"email": EMAILS["senco"], "password": PASSWORD}
    )
    assert response.headers["Location"] == "/home"


def test_sign_in_is_audited(app: Flask, client: FlaskClient) -> None:
    sign_in(client, EMAILS["panel"])
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(
                AuditEvent.action == AuditAction.LOGIN, AuditEvent.user_email == EMAILS["panel"]
            )
        )
    assert count == 1


def test_security_headers_on_pages(client: FlaskClient) -> None:
    sign_in(client, EMAILS["senco"])
    response = client.get("/home")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.get_data(as_text=True)
