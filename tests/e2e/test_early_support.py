"""Early support from the school's register to the cluster panel's decision.

A SENCO adds a child, runs an assess, plan, do, review cycle and refers the child to the
cluster panel, by keyboard alone; the Area SEND Lead schedules a meeting, puts the referral on
its agenda, records and confirms the decision and sees the cluster budget committed; a SENCO
of another setting gets "Page not found" at every address of those records."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from tests.clock import TODAY

pytestmark = pytest.mark.e2e


def test_senco_refers_and_the_panel_decides(journey) -> None:  # type: ignore[no-untyped-def]
    today = TODAY
    born = date(today.year - 8, 5, 17)
    started = today - timedelta(days=70)

    # --- the SENCO adds a child to the register ------------------------------------------
    senco = journey("senco")
    senco.menu("SEN support register")
    assert senco.heading() == "SEN support register"
    senco.screenshot("register")
    senco.follow("Add a child", role="button")
    senco.press("Save", expect_status=400)
    senco.check_error_summary("Enter the child's first name", "Choose the child's sex")
    senco.screenshot("register-add-child-errors")
    senco.fill("First name", "Mabel")
    senco.fill("Last name", "Ashcombe")
    senco.fill_date("Date of birth", born.day, born.month, born.year)
    senco.choose("Female")
    senco.choose("SEN support (K)")
    senco.fill_date("Date the status began", started.day, started.month, started.year)
    senco.select("Primary need", "Specific learning difficulty (SPLD)")
    senco.press("Save", expect_status=200)
    assert "Mabel Ashcombe" in senco.heading()
    senco.success_banner()
    child_url = senco.path
    senco.screenshot("child-record")

    # --- assess, plan, do, review ----------------------------------------------------------
    senco.follow("Start an assess, plan, do, review cycle")
    senco.press("Start the cycle")
    assert senco.heading().startswith("Assess, plan, do, review: cycle 1")
    cycle_url = senco.path
    senco.follow("Record the assessment for cycle 1")
    senco.fill("Summary of needs", "Reads well below age; spelling very weak.")
    senco.fill("Assessments and tools used", "Dyslexia screener; reading age test.")
    senco.fill("The child's views", "Reading out loud is hard.")
    senco.fill("The parents' views", "Worried about homework.")
    senco.press("Save assessment", expect_status=200)
    senco.follow("Add an outcome")
    senco.fill("Outcome", "Read 40 common words")
    senco.fill("How you will know it has been achieved", "Reads them aloud without help")
    senco.press("Save outcome", expect_status=200)
    senco.follow("Add a provision")
    senco.fill("What the provision is", "Phonics group")
    senco.select("Type", "Small-group intervention")
    senco.fill("How often", "3 times a week")
    senco.fill("Group size", "4")
    senco.select("Delivered by", "Teaching assistant (£18.50 an hour)")
    senco.fill("Minutes per week", "90")
    senco.fill("Number of weeks", "38")
    senco.press("Save provision", expect_status=200)
    senco.follow("Add a provision")
    senco.fill("What the provision is", "Coloured overlays and reading software")
    senco.fill("Yearly cost (optional)", "250")
    senco.press("Save provision", expect_status=200)
    provisions = senco.page.locator("#provisions").inner_text()
    assert "Phonics group" in provisions and "£250.00" in provisions
    senco.follow("Set the start and review dates")
    senco.fill_date("Start date", started.day, started.month, started.year)
    senco.fill_date("Review date", today.day, today.month, today.year)
    senco.press("Save dates", expect_status=200)
    senco.screenshot("apdr-cycle")
    senco.follow("Record the review")
    senco.fill_date("Date of the review", today.day, today.month, today.year)
    senco.choose("Partly achieved")
    senco.fill("Impact of the support", "Knows 25 of the 40 words.")
    senco.choose("Refer to cluster panel")
    senco.press("Record the review", expect_status=200)
    assert senco.path == cycle_url
    assert "Reviewed" in senco.heading()

    # --- consent first, then the referral ------------------------------------------------------
    senco.follow("Mabel Ashcombe", within="Breadcrumb")
    senco.follow("Edit the child's details")
    senco.tick("Parents consent to the child being discussed at a multi-agency panel")
    senco.fill_date("Date consent was given", today.day, today.month, today.year)
    senco.fill("Consent recorded by", "Sam Senco")
    senco.press("Save", expect_status=200)
    senco.follow("Refer to the cluster panel")
    senco.choose("Advice and resources")
    senco.fill("How much money is the school asking for?", "1,500")
    senco.fill("Why are you referring this child?", "Progress is slow despite phonics group.")
    senco.choose("Yes")
    senco.screenshot("referral-form")
    senco.press("Save as draft", expect_status=200)
    referral_url = senco.path
    reference = senco.heading().split(":")[0]
    assert reference.startswith("REF-")
    senco.screenshot("referral-draft")
    senco.press("Submit referral", expect_status=200)
    assert senco.heading() == "Referral submitted"
    assert reference in senco.text()
    senco.screenshot("referral-submitted")

    # --- the Area SEND Lead schedules the meeting and decides, by keyboard only ------------
    lead = journey("lead", keyboard=True)
    lead.menu("Cluster panels")
    lead.follow("Schedule a meeting", role="button")
    lead.press("Save meeting", expect_status=400)
    lead.check_error_summary("Enter the date of the meeting")
    lead.select("Cluster", "Northbrook cluster")
    lead.fill_date("Date of the meeting", today.day, today.month, today.year)
    lead.fill("Start time (optional)", "9:30am")
    lead.fill("Place", "Northbrook Primary School, library")
    lead.fill("Chair", "Lee Lead")
    lead.press("Save meeting", expect_status=200)
    meeting_url = lead.path
    lead.follow("Add cases to the agenda", role="button")
    lead.tick(
        f"{reference}: Mabel Ashcombe, Northbrook Primary School "
        f"(advice and resources, submitted {today:%-d %B %Y})"
    )
    lead.press("Add to the agenda", expect_status=200)
    assert lead.path == meeting_url
    lead.screenshot("panel-meeting")
    # The pack is built from the records (inline in the testing configuration) and names
    # the child on its agenda.
    lead.choose("Names, UPN and date of birth (full pack)")
    lead.press("Build the pack", expect_status=200)
    pack_link = lead.page.get_by_role("link", name=re.compile(r"^Download the pack \(PDF"))
    _, pack = lead.download(pack_link.inner_text().strip())
    pack_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pack)).pages)
    assert "Mabel Ashcombe" in pack_text and reference in pack_text
    assert "OFFICIAL-SENSITIVE" in pack_text
    lead.goto(meeting_url)
    lead.follow(f"Record decision on {reference}")
    lead.choose("Advice and resources")
    lead.fill_date("Date of the decision", today.day, today.month, today.year)
    lead.fill("Reasons for the decision", "Phonics progress slow; a specialist teacher will help.")
    lead.fill("Advice given", "Use a structured literacy programme daily.")
    lead.fill("Amount awarded", "1,200")
    ends = today + timedelta(days=182)  # two terms
    lead.fill_date("Award starts", today.day, today.month, today.year)
    lead.fill_date("Award ends", ends.day, ends.month, ends.year)
    lead.fill_date("Review date", ends.day, ends.month, ends.year)
    lead.screenshot("panel-decision-form")
    lead.press("Save as draft", expect_status=200)
    assert lead.heading() == "Panel decision: Advice and resources"
    decision_url = lead.path
    lead.press("Confirm and lock the decision", expect_status=200)
    assert lead.page.locator("#decision-state").inner_text().strip() == "Confirmed"
    lead.screenshot("panel-decision")
    lead.menu("Cluster panels")
    lead.follow("Cluster budgets")
    lead.follow("Northbrook cluster")
    awards = lead.text()
    assert reference in awards and "£1,200" in awards
    lead.screenshot("cluster-budget")

    # --- a SENCO of another setting is refused, without learning the records exist --------
    other = journey("other_senco")
    pupil_id = child_url.rsplit("/", 1)[1]
    for url in (
        child_url,
        f"{child_url}/edit",
        f"{child_url}/timeline",
        cycle_url,
        f"{cycle_url}/review",
        f"/children/{pupil_id}/referrals/new",
        referral_url,
        f"{referral_url}/submitted",
    ):
        other.goto(url, expect_status=404)
    # Panels are not a SENCO's business at all: refused, whichever meeting it is.
    for url in (meeting_url, decision_url, "/panels/"):
        other.goto(url, expect_status=403)
    other.goto("/referrals/")
    assert reference not in other.text()
