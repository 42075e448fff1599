"""Signing in and out, entirely by keyboard, with a wrong password first."""

from __future__ import annotations

import pytest

from tests.e2e.journey import DEMO, DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_sign_in_by_keyboard_after_a_wrong_password(journey) -> None:  # type: ignore[no-untyped-def]
    j = journey(keyboard=True)
    j.goto("/")
    assert j.path == "/sign-in"
    assert j.heading() == "Sign in"
    j.screenshot("sign-in")

    # Nothing entered: both fields are named in the error summary.
    j.press("Sign in", expect_status=400)
    j.check_error_summary("Enter your email address", "Enter your password")

    j.fill("Email address", DEMO["senco"])
    j.fill("Password", "not-the-password")
    j.press("Sign in", expect_status=400)
    assert j.page.title().startswith("Error: Sign in")
    j.check_error_summary()
    j.screenshot("sign-in-error")
    # The email address typed is kept; the password is not.
    assert j.page.get_by_label("Email address", exact=True).input_value() == DEMO["senco"]
    assert j.page.get_by_label("Password", exact=True).input_value() == ""

    j.fill("Password", DEMO_PASSWORD)
    j.press("Sign in", expect_status=200)
    assert j.path == "/home"
    assert "Signed in as" in j.page.locator("body").inner_text()

    j.follow("Sign out")
    assert j.path == "/sign-in"
    assert "You have signed out" in j.success_banner()

    # Signed out, a page of the service sends you back to sign in.
    j.goto("/rtf/")
    assert j.path == "/sign-in"
