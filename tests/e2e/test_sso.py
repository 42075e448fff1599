"""Signing in through the council's identity provider in a real browser: the button, the
provider (the `oidc-provider` package on 127.0.0.1, its login scripted), back to the home
page, and sign-out offering the provider's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import LiveServer
from tests.e2e.journey import DEMO
from tests.oidc.harness import LocalProvider, start_provider

pytestmark = [pytest.mark.e2e, pytest.mark.real_clock]


@pytest.fixture
def provider(live_server: LiveServer) -> Iterator[LocalProvider]:
    found = start_provider([f"{live_server.url}/sign-in/sso/test/callback"])
    saved = live_server.app.config.get("OIDC_PROVIDERS")
    live_server.app.config["OIDC_PROVIDERS"] = [found.settings()]
    try:
        yield found
    finally:
        live_server.app.config["OIDC_PROVIDERS"] = saved
        found.process.terminate()
        found.process.wait(timeout=10)
        if found.process.stdout is not None:
            found.process.stdout.close()


def test_sign_in_through_the_provider(journey, provider: LocalProvider) -> None:  # type: ignore[no-untyped-def]
    provider.next_sign_in(DEMO["senco"])
    j = journey()
    j.goto("/sign-in")
    j.screenshot("sign-in-with-sso")
    j.follow("Sign in with Test council account")
    assert j.path == "/home"
    assert "Signed in as" in j.page.locator("body").inner_text()

    j.follow("Sign out")
    assert j.path == "/sign-out"
    assert j.heading() == "You have signed out of sendtrack"
    j.screenshot("signed-out-sso")
    # The provider's own sign-out, with the token it issued as the hint; its page is the
    # provider's, so the journey (which checks sendtrack's pages) stops here.
    offer = j.page.get_by_role("link", name="Sign out of Test council account too")
    href = offer.get_attribute("href") or ""
    assert href.startswith(f"{provider.issuer}/session/end?id_token_hint=")
    j.goto("/home", expect_status=200)
    assert j.path == "/sign-in"


def test_unknown_person_is_told_why(journey, provider: LocalProvider) -> None:  # type: ignore[no-untyped-def]
    provider.next_sign_in("nobody@example.org")
    j = journey()
    j.goto("/sign-in")
    j.follow("Sign in with Test council account", expect_status=403)
    assert j.heading() == "You could not be signed in"
    assert "There is no sendtrack account for you" in j.page.locator("main").inner_text()
    j.screenshot("sso-refused")
