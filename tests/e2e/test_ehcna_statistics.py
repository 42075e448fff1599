"""An EHC needs assessment request from receipt to a final plan, then the statistics.

The LA officer records a request for a child, decides to assess, records the outcome, the
draft and final plans and a 20-week exception, and sees the child become "EHC plan"; then
opens the Statistics dashboard for last quarter, downloads the quarterly workbook and report,
and drills down from "avoided" to the children. A SENCO of another setting is refused."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from sendtrack.services.statistics import periods
from tests.clock import TODAY

pytestmark = pytest.mark.e2e


def _fill_day(j, legend: str, day: date) -> None:  # type: ignore[no-untyped-def]
    j.fill_date(legend, day.day, day.month, day.year)


def test_officer_takes_a_request_to_a_final_plan(journey) -> None:  # type: ignore[no-untyped-def]
    today = TODAY
    received = today - timedelta(days=125)
    born = date(today.year - 9, 2, 8)

    officer = journey("officer")
    officer.goto("/pupils/new")
    officer.fill("First name", "Rufus")
    officer.fill("Last name", "Penhaligon")
    _fill_day(officer, "Date of birth", born)
    officer.choose("Male")
    officer.select("School or setting", "Northbrook Primary School")
    officer.choose("SEN support (K)")
    _fill_day(officer, "Date the status began", received - timedelta(days=400))
    officer.press("Save", expect_status=200)
    child_url = officer.path

    # --- the request, the decision, the outcome --------------------------------------------
    officer.follow("Record an EHC needs assessment request")
    officer.press("Record the request", expect_status=400)
    officer.check_error_summary("Enter the date the request was received")
    _fill_day(officer, "Date the council received the request", received)
    officer.choose("Setting")
    officer.fill("Notes (optional)", "Request from the school after two APDR cycles.")
    officer.press("Record the request", expect_status=200)
    request_url = officer.path
    reference = officer.heading().split(":")[0]
    officer.screenshot("ehcna-request")
    officer.follow("Decision whether to assess", role="button")
    officer.choose("Assess")
    _fill_day(officer, "Date of the decision", received + timedelta(days=35))
    officer.press("Save decision", expect_status=200)
    officer.follow("Add a 20-week exception")
    officer.choose("Child or parent away for 4 weeks or more")
    officer.fill("Reason", "The family was abroad for five weeks.")
    _fill_day(officer, "Start date", received + timedelta(days=50))
    _fill_day(officer, "End date (optional)", received + timedelta(days=85))
    officer.press("Add exception", expect_status=200)
    officer.follow("Assessment outcome", role="button")
    officer.choose("Issue an EHC plan")
    _fill_day(officer, "Date of the outcome", received + timedelta(days=98))
    officer.press("Save outcome", expect_status=200)
    officer.follow("Plan dates", role="button")
    _fill_day(officer, "Date the draft plan was sent", received + timedelta(days=105))
    _fill_day(officer, "Date the final plan was issued", received + timedelta(days=120))
    officer.press("Save plan dates", expect_status=200)
    assert officer.path == request_url
    officer.screenshot("ehcna-final-plan")

    # --- the child's record says "EHC plan" ----------------------------------------------
    officer.goto(child_url)
    assert "EHC plan" in officer.heading()
    officer.follow("See everything that has happened (timeline)")
    timeline = officer.text()
    assert reference in timeline and "SEN status: EHC plan (E)" in timeline
    officer.screenshot("child-timeline")

    # --- statistics for last quarter -----------------------------------------------------
    last_quarter = periods.previous(periods.quarter_of(today))
    officer.menu("Statistics")
    officer.page.get_by_text("Change the period or filters").click()
    officer.choose("Financial quarter")
    officer.select("Which quarter", last_quarter.label)
    officer.press("Show figures", expect_status=200)
    assert officer.heading() == last_quarter.label
    officer.screenshot("statistics")
    officer.choose("Excel workbook, one sheet per table and a method sheet")
    download, data = officer.download("Download", role="button")
    assert download.suggested_filename.endswith(".xlsx")
    sheets = load_workbook(io.BytesIO(data), read_only=True).sheetnames
    assert {"Requests avoided", "EHCNA (SEN2)", "Method"} <= set(sheets)
    officer.choose("Quarterly report (PDF) with charts, method and caveats")
    download, pdf = officer.download("Download", role="button")
    assert download.suggested_filename.endswith(".pdf")
    assert pdf.startswith(b"%PDF")
    report = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert last_quarter.label in report and "OFFICIAL-SENSITIVE" in report

    # A child counts as "avoided" only once the 12-month follow-up window has closed: the
    # same quarter a year earlier has children to drill down to.
    year_before = last_quarter
    for _ in range(4):
        year_before = periods.previous(year_before)
    officer.page.get_by_text("Change the period or filters").click()
    officer.select("Which quarter", year_before.label)
    officer.press("Show figures", expect_status=200)
    avoided = officer.page.get_by_role("link").filter(has_text="children avoided: see who")
    officer.follow(avoided.inner_text().strip())
    assert officer.heading().startswith("Avoided:")
    officer.screenshot("statistics-avoided-children")

    # --- a SENCO of another setting is refused ----------------------------------------------
    other = journey("other_senco")
    pupil_id = child_url.rsplit("/", 1)[1]
    for url in (
        child_url,
        f"{child_url}/timeline",
        f"/children/{pupil_id}/ehcna",
        request_url,
    ):
        other.goto(url, expect_status=404)
    # The council's own steps and the statistics are refused by role, whatever the record.
    other.goto(f"{request_url}/decision", expect_status=403)
    other.goto("/statistics", expect_status=403)
