"""Each demo role's home page, and the pages every visitor can open."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# account -> (name on the page, menu items it must have, menu items it must not have)
ROLES = {
    "senco": ("Sam Senco", ["Home", "Reception transition funding"], ["Audit trail"]),
    "early_years": ("Eve Early", ["Home", "Reception transition funding"], ["Administration"]),
    "other_senco": ("Omar Other", ["Home"], ["Audit trail", "Administration"]),
    "lead": ("Lee Lead", ["Home"], ["Audit trail", "Administration"]),
    "panel": ("Pat Panel", ["Home"], ["Audit trail", "Administration"]),
    "officer": ("Olu Officer", ["Home", "Reception transition funding", "Audit trail"], []),
    "admin": ("Ada Admin", ["Home", "Audit trail", "Administration"], []),
}


@pytest.mark.parametrize("account", list(ROLES))
def test_each_role_has_a_home_page(journey, account: str) -> None:  # type: ignore[no-untyped-def]
    name, has, lacks = ROLES[account]
    j = journey(account)
    assert j.path == "/home"
    assert j.heading() == f"Hello, {name}"
    header = j.page.locator("header").inner_text()
    assert f"Signed in as {name}" in header
    menu = [
        t.strip()
        for t in j.page.get_by_role("navigation", name="Menu").locator("a").all_inner_texts()
    ]
    for item in has:
        assert item in menu, f"{account} should have {item!r} in the menu {menu}"
    for item in lacks:
        assert item not in menu, f"{account} should not have {item!r} in the menu"
    # The current section is marked for assistive technology, not only by colour.
    current = j.page.locator(".govuk-service-navigation__item--active a")
    assert current.inner_text().strip() == "Home"
    assert current.get_attribute("aria-current") in ("page", "true")
    j.screenshot(f"home-{account}")


def test_public_pages_and_page_not_found(journey) -> None:  # type: ignore[no-untyped-def]
    j = journey()
    j.goto("/sign-in")
    j.follow("Accessibility statement")
    assert j.heading() == "Accessibility statement"
    j.follow("Privacy notice")
    assert j.heading() == "Privacy notice"
    j.screenshot("privacy")
    j.goto("/no-such-page", expect_status=404)
    assert j.heading() == "Page not found"
    j.screenshot("page-not-found")
