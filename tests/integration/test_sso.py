"""Single sign-on with OpenID Connect against a real provider (tests/oidc/provider.mjs, the
`oidc-provider` package on 127.0.0.1): the whole authorisation code flow with PKCE, state
and nonce, and sendtrack's checks of the ID token and of the account (issue 27).

These tests run on the machine's clock: the provider, another process, signs its tokens
with the real time, and sendtrack checks their expiry against its own."""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, User
from tests.conftest import PASSWORD, sign_in
from tests.integration.test_get_writes_nothing import _writes
from tests.integration.test_routes_access import ACTORS, ROUTES, _check_headers
from tests.oidc.harness import LocalProvider, callback_url, free_port, through_provider
from tests.world import EMAILS

pytestmark = pytest.mark.real_clock


def _events(app: Flask, action: AuditAction) -> list[str]:
    with app.app_context():
        found = db.session.scalars(
            select(AuditEvent.summary)
            .where(AuditEvent.action == action, AuditEvent.summary.like("%ingle sign-on%"))
            .order_by(AuditEvent.id)
        ).all()
    return [s or "" for s in found]


def _user(app: Flask, key: str) -> tuple[str, bool]:
    with app.app_context():
        user = db.session.scalar(select(User).where(func.lower(User.email) == EMAILS[key]))
        assert user is not None
        return str(user.id), user.is_active


@pytest.fixture
def enforced(app: Flask) -> Iterator[None]:
    app.config["TWO_FACTOR_ENFORCED"] = True
    try:
        yield
    finally:
        app.config["TWO_FACTOR_ENFORCED"] = False


def _refused(response: object, words: str) -> None:
    text = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert response.status_code == 403, text[:500]  # type: ignore[attr-defined]
    assert "You could not be signed in" in text and words in text, text[:2000]


def test_sign_in_page_offers_the_provider(client: FlaskClient, sso_on: LocalProvider) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with Test council account" in page
    assert 'href="/sign-in/sso/test' in page


def test_happy_path_signs_in_with_pkce_state_and_nonce(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    sso_on.next_sign_in(EMAILS["senco"])
    start = client.get("/sign-in/sso/test?next=/pupils")
    location = start.headers["Location"]
    assert location.startswith(sso_on.issuer + "/auth?")
    for part in (
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
        "response_type=code",
        "scope=openid+email+profile",
    ):
        assert part in location, part
    assert "code_verifier" not in location
    client.get("/sign-out")  # nothing signed in yet; the pending sign-in is dropped
    response = through_provider(client)
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    home = client.get("/home")
    assert home.status_code == 200
    with client.session_transaction() as sess:
        assert sess["_user_id"].startswith(_user(app, "senco")[0] + ":")
        assert sess["sso"]["provider"] == "test"
        assert "sso_pending" not in sess
    assert _events(app, AuditAction.LOGIN) == ["Single sign-on (test)"]


def test_next_page_is_kept(client: FlaskClient, sso_on: LocalProvider) -> None:
    sso_on.next_sign_in(EMAILS["senco"])
    response = client.get(callback_url(client, "/sign-in/sso/test?next=/pupils"))
    assert response.headers["Location"] == "/pupils"


def test_sign_out_ends_the_session_and_offers_the_providers(
    client: FlaskClient, sso_on: LocalProvider
) -> None:
    sso_on.next_sign_in(EMAILS["senco"])
    through_provider(client)
    page = client.get("/sign-out")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sign out of Test council account too" in text
    assert f'href="{sso_on.issuer}/session/end?id_token_hint=' in text
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("audience", "ID token refused: invalid_claim"),
        ("expired", "ID token refused: expired_token"),
        ("signature", "ID token signature not valid"),
    ],
)
def test_tampered_id_token_is_refused(
    app: Flask, client: FlaskClient, sso_on: LocalProvider, tamper: str, reason: str
) -> None:
    sso_on.next_sign_in(EMAILS["senco"])
    sso_on.tamper_next_token(tamper)
    _refused(through_provider(client), "Sign-in did not complete")
    assert client.get("/home").status_code == 302
    refusals = _events(app, AuditAction.LOGIN_FAILED)
    assert len(refusals) == 1 and reason in refusals[0], refusals
    assert _events(app, AuditAction.LOGIN) == []


def test_wrong_audience_names_the_claim(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    sso_on.next_sign_in(EMAILS["senco"])
    sso_on.tamper_next_token("audience")
    through_provider(client)
    assert "aud" in _events(app, AuditAction.LOGIN_FAILED)[0]


def test_replayed_state_is_refused(app: Flask, client: FlaskClient, sso_on: LocalProvider) -> None:
    sso_on.next_sign_in(EMAILS["senco"])
    callback = callback_url(client)
    assert client.get(callback).status_code == 302
    client.get("/sign-out")
    # The same answer again, in this browser and in another one: the state was used.
    _refused(client.get(callback), "Start again")
    other = app.test_client()
    _refused(other.get(callback), "Start again")
    assert other.get("/home").status_code == 302
    refusals = _events(app, AuditAction.LOGIN_FAILED)
    assert len(refusals) == 2 and all("state did not match" in r for r in refusals)


def test_state_from_another_sign_in_is_refused(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    sso_on.next_sign_in(EMAILS["senco"])
    callback = callback_url(client)
    client.get("/sign-in/sso/test")  # a newer sign-in started in the same browser
    _refused(client.get(callback), "Start again")


def test_unknown_email_is_refused_and_no_account_made(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    sso_on.next_sign_in("stranger@test.example")
    _refused(through_provider(client), "There is no sendtrack account for you")
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "stranger@test.example")) is None
    assert (
        "no account for this email: stranger@test.example"
        in _events(app, AuditAction.LOGIN_FAILED)[0]
    )


def test_unverified_email_is_refused(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    sso_on.next_sign_in(EMAILS["senco"], verified=False)
    _refused(through_provider(client), "There is no sendtrack account for you")
    assert "email not verified" in _events(app, AuditAction.LOGIN_FAILED)[0]


def test_email_outside_the_providers_domains_is_refused(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    app.config["OIDC_PROVIDERS"] = [sso_on.settings(email_domains=["council.example"])]
    sso_on.next_sign_in(EMAILS["senco"])
    _refused(through_provider(client), "There is no sendtrack account for you")
    assert "outside the provider's domains" in _events(app, AuditAction.LOGIN_FAILED)[0]


def test_deactivated_account_is_refused(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAILS["senco"]))
        assert user is not None
        user.is_active = False
        db.session.commit()
    sso_on.next_sign_in(EMAILS["senco"])
    _refused(through_provider(client), "Your sendtrack account has been deactivated")
    assert "account deactivated" in _events(app, AuditAction.LOGIN_FAILED)[0]


def test_officer_without_mfa_in_amr_is_refused_when_the_provider_does_mfa(
    app: Flask, client: FlaskClient, sso_on: LocalProvider, enforced: None
) -> None:
    app.config["OIDC_PROVIDERS"] = [sso_on.settings(trust_mfa=True)]
    sso_on.next_sign_in(EMAILS["officer"], amr=["pwd"])
    _refused(through_provider(client), "did not confirm a second factor")
    assert "no MFA in amr (pwd)" in _events(app, AuditAction.LOGIN_FAILED)[0]


def test_officer_with_mfa_in_amr_needs_no_sendtrack_code(
    app: Flask, client: FlaskClient, sso_on: LocalProvider, enforced: None
) -> None:
    app.config["OIDC_PROVIDERS"] = [sso_on.settings(trust_mfa=True)]
    sso_on.next_sign_in(EMAILS["officer"], amr=["pwd", "mfa"])
    assert through_provider(client).status_code == 302
    assert client.get("/home").status_code == 200
    assert _events(app, AuditAction.LOGIN) == ["Single sign-on (test), MFA by the provider"]


def test_officer_is_sent_to_set_up_sendtrack_two_factor_when_mfa_is_not_trusted(
    app: Flask, client: FlaskClient, sso_on: LocalProvider, enforced: None
) -> None:
    sso_on.next_sign_in(EMAILS["officer"], amr=["pwd", "mfa"])
    assert through_provider(client).status_code == 302
    home = client.get("/home")
    assert home.status_code == 302 and "/account/two-factor" in home.headers["Location"]


def test_sendtrack_code_is_asked_after_sso_when_set_up(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    secret = pyotp.random_base32()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAILS["senco"]))
        assert user is not None
        user.totp_secret = secret
        user.totp_confirmed = True
        db.session.commit()
    sso_on.next_sign_in(EMAILS["senco"])
    response = through_provider(client)
    assert "/sign-in/code" in response.headers["Location"]
    assert client.get("/home").status_code == 302
    done = client.post("/sign-in/code", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    assert client.get("/home").status_code == 200
    with client.session_transaction() as sess:
        assert sess["sso"]["provider"] == "test"


def test_password_sign_in_can_be_turned_off_per_provider(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    app.config["OIDC_PROVIDERS"] = [
        sso_on.settings(password_sign_in=False, email_domains=["test.example"])
    ]
    refused = client.post("/sign-in", data={"email": EMAILS["senco"], "password": PASSWORD})
    assert refused.status_code == 400
    assert "Sign in with Test council account" in refused.get_data(as_text=True)
    assert client.get("/home").status_code == 302
    app.config["OIDC_PROVIDERS"] = [
        sso_on.settings(password_sign_in=False, email_domains=["council.example"])
    ]
    allowed = client.post("/sign-in", data={"email": EMAILS["senco"], "password": PASSWORD})
    assert allowed.status_code == 302


def test_unknown_provider_is_404(client: FlaskClient, sso_on: LocalProvider) -> None:
    assert client.get("/sign-in/sso/nobody").status_code == 404
    assert client.get("/sign-in/sso/nobody/callback?state=x&code=y").status_code == 404


def test_provider_error_is_refused(app: Flask, client: FlaskClient, sso_on: LocalProvider) -> None:
    client.get("/sign-in/sso/test")
    with client.session_transaction() as sess:
        state = sess["sso_pending"]["state"]
    _refused(
        client.get(f"/sign-in/sso/test/callback?state={state}&error=access_denied"),
        "did not sign you in",
    )
    assert "provider answered access_denied" in _events(app, AuditAction.LOGIN_FAILED)[0]


def test_sign_in_routes_for_every_role_with_sso_on(app: Flask, sso_on: LocalProvider) -> None:
    """The route test's checks (headers, no 500, signed-in people sent on) for every route of
    signing in and out, with a provider configured and reachable."""
    walked = 0
    for endpoint, rule, method in ROUTES:
        if not endpoint.startswith("auth."):
            continue
        url = rule.replace("<provider>", "test")
        for actor, role in ACTORS.items():
            client = app.test_client()
            if role is not None:
                sign_in(client, EMAILS[actor])
            response = client.open(url, method=method)
            where = f"{method} {url} as {actor}"
            _check_headers(response, endpoint, where)
            assert response.status_code < 500, where
            if endpoint == "auth.sso_start":
                expected = sso_on.issuer if role is None else "/home"
                assert expected in response.headers["Location"], where
            response.close()
            walked += 1
    assert walked >= 6 * 6


def test_unreachable_provider_is_said_plainly(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    app.config["OIDC_PROVIDERS"] = [sso_on.settings(issuer=closed)]
    response = client.get("/sign-in/sso/test")
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Test council account cannot be reached. Try again, or sign in another way" in text


def test_the_callback_writes_only_the_sign_in_stamp(
    app: Flask, client: FlaskClient, sso_on: LocalProvider
) -> None:
    sso_on.next_sign_in(EMAILS["senco"])
    callback = callback_url(client)
    with _writes(app) as written:
        response = client.get(callback)
        response.close()
    assert response.status_code == 302
    assert sorted(set(written)) == ["UPDATE user_account"]
