"""Sign-in, sign-out, throttling, session limits and deactivation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, Role, User
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
    for i in range(app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]):
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


# --- issue 19: sessions end at sign-out; throttling per account and per address ----------


def test_r4_copied_cookie_dead_after_sign_out(client: FlaskClient) -> None:
    sign_in(client, EMAILS["senco"])
    assert client.get("/pupils/").status_code == 200
    cookie = client.get_cookie("session")
    assert cookie is not None
    copied = cookie.value
    client.get("/sign-out")
    # Someone who copied the cookie before sign-out puts it back.
    client.set_cookie("session", copied)
    response = client.get("/pupils/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_r4_password_reset_and_role_change_end_sessions(
    app: Flask, client: FlaskClient, world: World
) -> None:
    from sendtrack.services import accounts

    sign_in(client, EMAILS["senco_a2"])
    assert client.get("/home").status_code == 200
    with app.test_request_context():
        user = db.session.get(User, world["senco_a2"])
        admin = db.session.get(User, world["admin"])
        assert user is not None and admin is not None
        accounts.update_user(
            admin,
            user,
            name=user.name,
            is_active=True,
            memberships=[
                accounts.MembershipSpec(m.role, m.setting_id, m.cluster_id)
                for m in user.memberships
            ]
            + [accounts.MembershipSpec(Role.PANEL_MEMBER, None, world["A"])],
        )
        db.session.commit()
    assert client.get("/home").status_code == 302
    sign_in(client, EMAILS["senco_a2"])
    with app.test_request_context():
        user = db.session.get(User, world["senco_a2"])
        admin = db.session.get(User, world["admin"])
        assert user is not None and admin is not None
        accounts.reset_password(admin, user, "a brand new long passphrase 77")
        db.session.commit()
    assert client.get("/home").status_code == 302


def _fail(client: FlaskClient, email: str, times: int, **kw: object) -> None:
    for _ in range(times):
        response = client.post("/sign-in", data={"email": email, "password": "nope-nope"}, **kw)
        assert response.status_code == 400


def test_r5_other_account_not_locked_out(app: Flask) -> None:
    client = app.test_client()
    address = {"environ_base": {"REMOTE_ADDR": "10.5.5.5"}}
    _fail(client, EMAILS["senco"], app.config["LOGIN_FAILURE_LIMIT"], **address)
    locked = client.post(
        "/sign-in", data={"email": EMAILS["senco"], "password": PASSWORD}, **address
    )
    assert "Too many failed attempts" in locked.get_data(as_text=True)
    # Another person at the same address (one office, one proxy) signs in.
    other = app.test_client().post(
        "/sign-in", data={"email": EMAILS["officer"], "password": PASSWORD}, **address
    )
    assert other.status_code == 302
    # The locked account stays locked from every other address too.
    elsewhere = app.test_client().post(
        "/sign-in",
        data={"email": EMAILS["senco"], "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.6.6.6"},
    )
    assert "Too many failed attempts" in elsewhere.get_data(as_text=True)


def test_r5_forwarded_for_ignored_without_trusted_proxy(app: Flask) -> None:
    client = app.test_client()
    headers = {"X-Forwarded-For": "203.0.113.9"}
    _fail(client, "nobody@x.example", 1, headers=headers, environ_base={"REMOTE_ADDR": "10.7.7.7"})
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.summary == "nobody@x.example")
            .order_by(AuditEvent.occurred_at.desc())
        ).first()
        assert event is not None and event.address == "10.7.7.7"


def test_r5_forwarded_for_with_trusted_proxy(app: Flask) -> None:
    from sendtrack.models import LoginAttempt

    app.config["TRUSTED_PROXIES"] = 1
    try:
        proxy = {"REMOTE_ADDR": "10.0.0.1"}
        limit = app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]
        for i in range(limit):
            app.test_client().post(
                "/sign-in",
                data={"email": f"guess{i}@x.example", "password": "nope-nope"},
                headers={"X-Forwarded-For": "203.0.113.7"},
                environ_base=proxy,
            )
        with app.app_context():
            attempts = db.session.scalars(
                select(LoginAttempt.address).where(LoginAttempt.email.like("guess%@x.example"))
            ).all()
            assert set(attempts) == {"203.0.113.7"}
            event = db.session.scalars(
                select(AuditEvent).where(AuditEvent.summary == "guess0@x.example")
            ).first()
            assert event is not None and event.address == "203.0.113.7"
        # That address is slowed; another client behind the same proxy is not.
        refused = app.test_client().post(
            "/sign-in",
            data={"email": EMAILS["officer"], "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base=proxy,
        )
        assert "Too many failed attempts" in refused.get_data(as_text=True)
        ok = app.test_client().post(
            "/sign-in",
            data={"email": EMAILS["officer"], "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.4"},
            environ_base=proxy,
        )
        assert ok.status_code == 302
    finally:
        app.config["TRUSTED_PROXIES"] = 0
