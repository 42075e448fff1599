"""An adviser records a phone call about a named child as it happens, from the keyboard
alone: one page, and at most 8 keystrokes beyond the text typed (issue 23). Then the
setting's SENCO reads it on their setting's contacts page, and a SENCO of another cluster
gets "Page not found" for it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

MAX_KEYSTROKES = 8


def test_a_phone_contact_about_a_named_child_by_keyboard(journey) -> None:  # type: ignore[no-untyped-def]
    lead = journey("lead", keyboard=True)
    lead.goto("/contacts/new")
    page = lead.page
    assert lead.heading() == "Record a contact"
    lead.screenshot("contacts-record")
    # The page opens with the setting box focused; the channel is already "Phone" and the
    # date today, so only what the adviser says is typed.
    assert page.evaluate("document.activeElement.id") == "setting"
    keystrokes = 0

    def key(name: str) -> None:
        nonlocal keystrokes
        keystrokes += 1
        page.keyboard.press(name)

    page.keyboard.type("990001")  # Northbrook Primary School's URN
    key("Tab")
    assert page.evaluate("document.activeElement.id") == "child"
    page.keyboard.type("Reuben Dunmore")
    key("Tab")  # past "The child is not on the register"
    key("Tab")
    assert page.evaluate("document.activeElement.id") == "question"
    page.keyboard.type("Reuben is refusing to come into class after lunch")
    key("Tab")
    assert page.evaluate("document.activeElement.id") == "advice"
    page.keyboard.type("Try a calm start with a trusted adult; review in 2 weeks")
    with page.expect_navigation():
        key("Control+Enter")
    lead.check_page()
    assert keystrokes <= MAX_KEYSTROKES, keystrokes
    assert "Contact with Northbrook Primary School saved" in lead.success_banner()
    # The next call starts at the same setting (the success banner takes focus first, as
    # GOV.UK Frontend's banners do; the child box is the form's autofocus).
    assert page.input_value("#setting") == "Northbrook Primary School (990001)"
    assert page.get_attribute("#child", "autofocus") is not None

    lead.goto("/contacts/")
    assert "Reuben Dunmore" in lead.text()
    assert "refusing to come into class after lunch" in lead.text()
    lead.screenshot("contacts-home")

    senco = journey("senco")
    senco.menu("Contacts")
    senco.follow("Northbrook Primary School")
    assert "refusing to come into class after lunch" in senco.text()
    senco.screenshot("contacts-setting")
    senco.follow(senco.page.locator("table a").first.inner_text())
    assert senco.heading() == "Contact with Northbrook Primary School"
    contact_path = senco.path
    senco.screenshot("contacts-show")

    other = journey("other_senco")
    other.goto(contact_path, expect_status=404)


def test_the_contact_form_refuses_bad_input_and_keeps_it(journey) -> None:  # type: ignore[no-untyped-def]
    lead = journey("lead", keyboard=True)
    lead.goto("/contacts/new")
    lead.fill("Setting", "Nowhere School")
    lead.fill("What did they ask about?", "A question that must not be lost")
    lead.press("Save contact", expect_status=400)
    lead.check_error_summary(
        "No setting you support is called 'Nowhere School': check the name or enter its URN"
    )
    assert "A question that must not be lost" in lead.page.input_value("#question")
    lead.screenshot("contacts-record-error")


def test_events_figures_and_follow_ups_pages(journey) -> None:  # type: ignore[no-untyped-def]
    lead = journey("lead")
    lead.goto("/contacts/events")
    lead.follow("Record an event", role="button")
    lead.fill("Name of the event", "Northbrook SENCO network: winter")
    lead.choose("Network or hub meeting")
    lead.fill("Settings that attended", "990001, 2\nNorthbrook Academy, 1")
    lead.press("Save event", expect_status=200)
    assert "2 settings, 3 people" in lead.text()
    lead.screenshot("contacts-event")
    lead.goto("/contacts/follow-ups")
    lead.screenshot("contacts-follow-ups")

    officer = journey("officer")
    officer.goto("/contacts/figures")
    assert officer.heading() == "Who the support reaches"
    officer.screenshot("contacts-figures")
    officer.goto("/contacts/figures/no-contact")
    officer.screenshot("contacts-no-contact")
    officer.goto("/contacts/figures/children?which=followed")
    officer.screenshot("contacts-followed")
