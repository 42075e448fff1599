"""Two-factor sign-in: setup with a QR code, a code at every sign-in, codes work once,
recovery codes work once, and LA officers and administrators cannot skip it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

import config
from tests.conftest import PASSWORD
from tests.world import EMAILS


@pytest.fixture
def enforced(app: Flask) -> Iterator[None]:
    app.config["TWO_FACTOR_ENFORCED"] = True
    try:
        yield
    finally:
        app.config["TWO_FACTOR_ENFORCED"] = False


def _password(client: FlaskClient, key: str) -> str:
    response = client.post("/sign-in", data={"email": EMAILS[key], "password": PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


def _set_up(client: FlaskClient) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "Scan this QR code" in page
    with client.session_transaction() as sess:
        secret = sess["totp_setup_secret"]
    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert wrong.status_code == 400 and "The code is not right" in wrong.get_data(as_text=True)
    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Two-factor sign-in is on" in text
    codes = re.findall(r"<code>([0-9a-f]{8}-[0-9a-f]{8})</code>", text)
    assert len(codes) == 10
    return secret, codes


def test_officer_must_set_up_before_anything_else(app: Flask, enforced: None) -> None:
    client = app.test_client()
    _password(client, "officer")
    response = client.get("/home")
    assert response.status_code == 302 and "/account/two-factor" in response.headers["Location"]
    _set_up(client)
    assert client.get("/home").status_code == 200


def test_senco_is_not_forced(app: Flask, enforced: None) -> None:
    client = app.test_client()
    _password(client, "senco")
    assert client.get("/home").status_code == 200


def test_code_needed_at_sign_in_and_works_once(app: Flask, enforced: None) -> None:
    client = app.test_client()
    _password(client, "admin")
    secret, _codes = _set_up(client)
    client.get("/sign-out")
    # Wait for a fresh 30-second step: the setup code's step is already used.
    while int(time.time()) % 30 > 27:
        time.sleep(1)
    step_now = int(time.time() // 30)
    location = _password(client, "admin")
    assert "/sign-in/code" in location
    assert client.get("/home").status_code == 302  # not signed in yet
    wrong = client.post("/sign-in/code", data={"code": "123456"})
    assert wrong.status_code == 400 and "The code is not right" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).at(step_now * 30 + 30)  # next step: never used before
    assert client.post("/sign-in/code", data={"code": code}).status_code == 302
    assert client.get("/home").status_code == 200
    # The same code cannot be used again, even within its 30 seconds.
    other = app.test_client()
    _password(other, "admin")
    again = other.post("/sign-in/code", data={"code": code})
    assert again.status_code == 400


def test_recovery_code_works_once(app: Flask, enforced: None) -> None:
    client = app.test_client()
    _password(client, "officer")
    _secret, codes = _set_up(client)
    client.get("/sign-out")
    _password(client, "officer")
    assert client.post("/sign-in/code", data={"code": codes[0]}).status_code == 302
    assert client.get("/home").status_code == 200
    client.get("/sign-out")
    _password(client, "officer")
    assert client.post("/sign-in/code", data={"code": codes[0]}).status_code == 400


def test_code_page_without_password_step_sends_back_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/sign-in/code")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_production_always_enforces() -> None:
    assert config.ProductionConfig.TWO_FACTOR_ENFORCED is True
