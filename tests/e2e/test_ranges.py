"""Ranges in a real browser, on the demo council's Exampleshire framework.

Everyone reads the published guide and filters it; the SENCO adds a child, starts a cycle
and, by keyboard alone, ticks descriptors, sees the suggested range, confirms it, takes the
pre-filled costed expected provision into the plan, removes one item and sees the gap on
the cycle and the child record; the officer opens the versions page and starts a draft. axe
runs on every page the journeys load."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.clock import TODAY

pytestmark = pytest.mark.e2e

GROUP = "Word-learning group with pre-taught topic vocabulary"
PICTURES = "Key words and instructions given with pictures"


def test_ranges_guide_judging_planning_and_the_gap(journey) -> None:  # type: ignore[no-untyped-def]
    born = date(TODAY.year - 7, 2, 9)
    started = TODAY - timedelta(days=30)

    # --- everyone signed in reads the guide ---------------------------------------------
    panel = journey("panel")
    panel.menu("Ranges")
    assert panel.heading() == "Exampleshire ranges of need and ordinarily available provision"
    panel.screenshot("ranges-guide")
    panel.select("Area of need", "Social, emotional and mental health")
    panel.select("Level", "Range 3")
    panel.press("Show")
    text = panel.text()
    assert "Emotional literacy sessions" in text and "Structured language group" not in text
    panel.screenshot("ranges-guide-filtered")
    _, pdf = panel.download("Download the guide as a PDF (as filtered)")
    assert pdf.startswith(b"%PDF")

    # --- the SENCO adds a child and starts a cycle --------------------------------------
    senco = journey("senco", keyboard=True)
    senco.menu("SEN support register")
    senco.follow("Add a child", role="button")
    senco.fill("First name", "Rowan")
    senco.fill("Last name", "Treleaven")
    senco.fill_date("Date of birth", born.day, born.month, born.year)
    senco.choose("Male")
    senco.choose("SEN support (K)")
    senco.fill_date("Date the status began", started.day, started.month, started.year)
    senco.select("Primary need", "Speech, language and communication needs (SLCN)")
    senco.press("Save", expect_status=200)
    child_url = senco.path
    senco.follow("Start an assess, plan, do, review cycle")
    senco.press("Start the cycle")
    cycle_url = senco.path
    assert "Recorded need" in senco.page.locator("#assess").inner_text()

    # --- ticks, the suggestion, the confirmation ----------------------------------------
    senco.follow("Judge Communication and interaction")
    assert senco.heading() == "Communication and interaction: which descriptors fit?"
    senco.press("Save and see the suggested level", expect_status=400)
    senco.check_error_summary("Tick at least one descriptor that fits the child")
    senco.tick("Sometimes misses what is said in a busy room")
    senco.tick("Needs instructions repeated or broken into steps")
    senco.screenshot("ranges-tick")
    senco.press("Save and see the suggested level", expect_status=200)
    assert "Suggested level: Range 2" in senco.text()
    senco.screenshot("ranges-confirm")
    senco.choose("Range 3")
    senco.press("Confirm the level", expect_status=400)
    senco.check_error_summary("Enter why the level differs from the suggested level")
    senco.choose("Range 2 (suggested)")
    senco.press("Confirm the level", expect_status=200)
    assert senco.path == cycle_url
    assert "Range 2" in senco.page.locator("#assess").inner_text()

    # --- the plan: expected provision pre-filled and costed; remove one; the gap --------
    senco.follow("Add the expected provision from the ranges")
    assert GROUP in senco.text()
    # £18.50 an hour x 40 minutes a week x 12 weeks / a group of 6 = £24.67 a year.
    assert "£24.67 a year" in senco.text()
    senco.screenshot("ranges-expected")
    senco.press("Add to the plan", expect_status=200)
    provisions = senco.page.locator("#provisions").inner_text()
    assert GROUP in provisions and "£24.67" in provisions
    senco.follow(f"Remove {GROUP}")
    senco.press("Remove the provision", expect_status=200)
    gap = senco.page.locator("#gap").inner_text()
    assert GROUP in gap and PICTURES not in gap
    senco.screenshot("ranges-cycle-gap")
    senco.goto(child_url)
    assert "Range 2" in senco.page.locator("#levels").inner_text()
    assert GROUP in senco.page.locator("#gap").inner_text()
    senco.screenshot("ranges-child-record")

    # --- another school's SENCO cannot judge this child ---------------------------------
    other = journey("other_senco")
    other.goto(cycle_url, expect_status=404)

    # --- the officer's versions page and a new draft ------------------------------------
    officer = journey("officer")
    officer.goto("/ranges/versions")
    assert "In effect" in officer.text()
    officer.screenshot("ranges-versions")
    officer.press("Start a new draft", expect_status=200)
    assert "Draft started" in officer.success_banner()
    officer.screenshot("ranges-draft")
    officer.follow("2 descriptors, 1 provision for Cognition and learning at Range 4")
    officer.screenshot("ranges-cell")


def test_lead_moderates_a_level(journey) -> None:  # type: ignore[no-untyped-def]
    """The Area SEND Lead moderates a demo judgement from their cluster: a disagreement
    needs a comment; the agreement figures count it."""
    lead = journey("lead")
    lead.goto("/ranges/moderation")
    assert lead.heading() == "Moderating levels of need"
    lead.screenshot("ranges-moderation")
    first = lead.page.locator("main table a", has_text="Moderate").first.get_attribute("href")
    assert first is not None
    lead.goto(first)
    assert lead.heading().startswith("Moderate: ")
    lead.choose("No, I would give another level")
    lead.press("Record the moderation", expect_status=400)
    lead.check_error_summary("Choose the level you would give")
    lead.screenshot("ranges-moderate-errors")
    lead.choose("Yes, I agree")
    lead.press("Record the moderation", expect_status=200)
    assert "Moderation recorded" in lead.success_banner()
    clusters = lead.page.locator("#agreement-clusters").inner_text()
    assert "Northbrook" in clusters and "100%" in clusters
