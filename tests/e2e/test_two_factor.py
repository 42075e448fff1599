"""Two-factor sign-in as production enforces it for LA officers and administrators.

The e2e server runs the testing configuration, where TWO_FACTOR_ENFORCED is off (as in the
local demo), so the demo officer and administrator sign in with a password only. This journey
switches enforcement on for its own new officer account, as production has it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyotp
import pytest

pytestmark = pytest.mark.e2e

EMAIL = "new-officer@example.org"
PASSWORD = "a-long-and-unusual-passphrase-2026"


@pytest.fixture
def enforced(live_server) -> Iterator[None]:  # type: ignore[no-untyped-def]
    from sendtrack.extensions import db
    from sendtrack.models import Role
    from sendtrack.services import accounts
    from sendtrack.services.accounts import MembershipSpec

    app = live_server.app
    with app.app_context():
        accounts.create_user(
            None,
            email=EMAIL,
            name="Nia Newofficer",
            password=PASSWORD,
            memberships=[MembershipSpec(Role.LA_OFFICER)],
        )
        db.session.commit()
    app.config["TWO_FACTOR_ENFORCED"] = True
    try:
        yield
    finally:
        app.config["TWO_FACTOR_ENFORCED"] = False


def test_officer_sets_up_two_factor_then_signs_in_with_a_code(journey, enforced) -> None:  # type: ignore[no-untyped-def]
    j = journey(keyboard=True)
    j.sign_in(EMAIL, PASSWORD)
    assert j.path == "/account/two-factor"
    assert j.heading() == "Set up two-factor sign-in"
    j.goto("/rtf/")  # nothing else opens until it is set up
    assert j.path == "/account/two-factor"
    secret = j.page.locator("main code").inner_text().strip()
    j.screenshot("two-factor-setup")

    j.fill("6-digit code from your app", "000000")
    j.press("Continue", expect_status=400)
    j.check_error_summary()
    j.fill("6-digit code from your app", pyotp.TOTP(secret).now())
    j.press("Continue", expect_status=200)
    assert "Two-factor sign-in is on" in j.heading()
    assert j.page.locator("main li code").count() == 10  # recovery codes, shown once
    j.follow("Continue to your home page")
    assert j.heading() == "Hello, Nia Newofficer"
    j.follow("Sign out")

    # Next time the password is not enough: the code from the app is asked for. The code
    # used at set-up cannot be replayed, so use the next one (accepted a step early).
    j.sign_in(EMAIL, PASSWORD)
    assert j.path == "/sign-in/code"
    assert j.heading() == "Enter your security code"
    j.fill("Security code or recovery code", pyotp.TOTP(secret).at(time.time() + 30))
    j.press("Continue", expect_status=200)
    assert j.path == "/home"
