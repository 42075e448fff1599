"""A real OpenID Provider for the sign-in tests: tests/oidc/provider.mjs (the certified
`oidc-provider` npm package, installed by `npm ci`) started once per test session on
127.0.0.1, and the steps of a browser going through it.

`oidc_provider` starts it; `sso_on` configures the app with it as provider "test" for one
test; `through_provider(client, ...)` drives the whole flow: sendtrack's redirect, the
provider's authorisation endpoint, its (scripted) login and consent, and back to
sendtrack's callback with the code."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "sendtrack-tests"
CLIENT_SECRET = "tests-only-client-secret"
APP_ORIGIN = "http://localhost"  # the Flask test client's


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalProvider:
    issuer: str
    process: subprocess.Popen[str]

    def next_sign_in(
        self,
        email: str,
        *,
        amr: list[str] | None = None,
        verified: bool = True,
        sub: str | None = None,
    ) -> None:
        """The person who will sign in at the provider's login page next."""
        body = {
            "sub": sub or email,
            "claims": {"email": email, "email_verified": verified, "name": email},
            "amr": amr or ["pwd"],
        }
        requests.post(f"{self.issuer}/test/next", data=json.dumps(body), timeout=5)

    def tamper_next_token(self, how: str | None) -> None:
        """'audience', 'expired' or 'signature': the next ID token is re-signed so."""
        requests.post(f"{self.issuer}/test/tamper", data=json.dumps({"tamper": how}), timeout=5)

    def settings(self, **overrides: Any) -> dict[str, Any]:
        found = {
            "name": "test",
            "label": "Test council account",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "email_domains": [],
            "password_sign_in": True,
            "trust_mfa": False,
            "mfa_amr": ["mfa"],
        }
        found.update(overrides)
        return found


def start_provider(redirect_uris: list[str]) -> LocalProvider:
    node = shutil.which("node")
    assert node, "Node.js is needed for the single sign-on tests (tests/oidc/provider.mjs)"
    port = free_port()
    process = subprocess.Popen(
        [
            node,
            str(ROOT / "tests" / "oidc" / "provider.mjs"),
            str(port),
            CLIENT_ID,
            CLIENT_SECRET,
            ",".join(redirect_uris),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("ready "), f"the OpenID provider did not start: {line!r}"
    return LocalProvider(issuer=line.split()[1], process=process)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[LocalProvider]:
    provider = start_provider([f"{APP_ORIGIN}/sign-in/sso/test/callback"])
    try:
        yield provider
    finally:
        provider.process.terminate()
        provider.process.wait(timeout=10)
        if provider.process.stdout is not None:
            provider.process.stdout.close()


@pytest.fixture
def sso_on(app: Flask, oidc_provider: LocalProvider) -> Iterator[LocalProvider]:
    saved = app.config.get("OIDC_PROVIDERS")
    app.config["OIDC_PROVIDERS"] = [oidc_provider.settings()]
    oidc_provider.tamper_next_token(None)
    try:
        yield oidc_provider
    finally:
        app.config["OIDC_PROVIDERS"] = saved


def callback_url(client: FlaskClient, start_path: str = "/sign-in/sso/test") -> str:
    """Follow the flow from sendtrack's button through the provider; the callback URL the
    provider sends the browser back to (not yet opened)."""
    start = client.get(start_path)
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    url = start.headers["Location"]
    with requests.Session() as browser:
        for _ in range(10):
            answer = browser.get(url, allow_redirects=False, timeout=10)
            assert answer.status_code in (302, 303), f"{url}: {answer.status_code} {answer.text}"
            url = urljoin(url, answer.headers["Location"])
            if url.startswith(APP_ORIGIN + "/"):
                return url[len(APP_ORIGIN) :]
    raise AssertionError("the provider never sent the browser back")


def through_provider(client: FlaskClient) -> TestResponse:
    return client.get(callback_url(client))
