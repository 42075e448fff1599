"""Reception Transition Funding from application to award letter, across three roles.

The early-years SENCO applies by keyboard alone; the LA officer approves £2,000; the
receiving school's SENCO sees the award and downloads the letter; a SENCO of another
setting gets "Page not found" for the same addresses."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from sendtrack.school_year import school_year_start
from tests.clock import TODAY

pytestmark = pytest.mark.e2e

CONSENT = (
    "The child's parents consent to this application and to the information in it being "
    "shared with the council and the receiving school"
)


def test_rtf_application_decision_and_letter(journey) -> None:  # type: ignore[no-untyped-def]
    september = school_year_start(TODAY) + 1
    born = date(september - 4, 3, 14)  # in that Reception cohort (1 Sep - 31 Aug)

    # --- the early-years SENCO applies, by keyboard only ---------------------------------
    ey = journey("early_years", keyboard=True)
    ey.menu("Reception transition funding")
    assert ey.heading() == "Reception transition funding"
    ey.follow("Apply for a child", role="button")
    assert ey.heading() == "Apply for Reception transition funding"
    ey.screenshot("rtf-apply")

    ey.press("Submit application", expect_status=400)
    ey.check_error_summary(
        "Choose the September the child starts Reception",
        "Enter the child's first name",
        "Enter the date of birth",
        "Choose the receiving school",
        "Confirm that the child's parents consent to this application",
    )
    ey.screenshot("rtf-apply-errors")

    ey.choose(f"September {september}")
    ey.fill("First name", "Ezra")
    ey.fill("Last name", "Pennington")
    ey.fill_date("Date of birth", born.day, born.month, born.year)
    ey.choose("Male")
    ey.select("Receiving school", "Northbrook Primary School (990001)")
    ey.select("Primary need", "Speech, language and communication needs (SLCN)")
    ey.fill("The child's needs", "Uses single words; finds group time hard.")
    ey.fill("What would the money be used for?", "A key worker for the first term.")
    ey.choose("No")
    ey.fill("Amount requested", "2000")
    ey.tick(CONSENT)
    ey.press("Submit application", expect_status=200)
    banner = ey.success_banner()
    assert "submitted" in banner
    reference = ey.page.locator("h1").inner_text().split(":")[0].strip()
    assert reference.startswith("RTF-") and reference in banner
    assert ey.page.locator("#rtf-status").inner_text().strip() == "Awaiting decision"
    application_url = ey.path
    ey.screenshot("rtf-application-submitted")

    # --- the LA officer approves £2,000 ---------------------------------------------------
    officer = journey("officer")
    assert reference in officer.text()  # on the home page: awaiting a decision
    officer.follow(reference)
    assert officer.heading() == "Decide this application"
    officer.screenshot("rtf-decide")
    officer.choose("Approved")
    officer.fill("Amount awarded", "2,000")
    officer.press("Record decision", expect_status=200)
    assert officer.path == application_url
    assert f"Decision recorded for {reference}" in officer.success_banner()
    assert officer.page.locator("#rtf-status").inner_text().strip() == "Approved"
    officer.screenshot("rtf-decided")
    officer.menu("Reception transition funding")
    assert reference in officer.text()
    officer.screenshot("rtf-applications")

    # --- the receiving school sees the award and downloads the letter ---------------------
    school = journey("senco")
    home = school.text()
    assert f"{reference}: Ezra Pennington, Approved (£2,000)" in home
    school.follow(reference)
    assert school.path == application_url
    assert "£2,000" in school.page.locator("main dl").first.inner_text()
    download, pdf = school.download("Download the decision letter (PDF)")
    assert download.suggested_filename == f"{reference}-letter.pdf"
    assert pdf.startswith(b"%PDF")
    letter = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ezra" in letter and "Pennington" in letter
    assert "£2,000" in letter

    # --- a SENCO of another setting is refused, without learning the record exists --------
    other = journey("other_senco")
    other.goto(application_url, expect_status=404)
    assert other.heading() == "Page not found"
    other.goto(f"{application_url}/letter.pdf", expect_status=404)
    other.goto(f"{application_url}/follow-up", expect_status=404)
    other.goto("/rtf/")
    assert reference not in other.text()
