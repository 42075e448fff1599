"""An LA officer finds who looked at a child's record in the audit trail, by keyboard."""

from __future__ import annotations

import csv
import io

import pytest

from tests.e2e.journey import DEMO

pytestmark = pytest.mark.e2e


def test_officer_finds_a_view_of_a_childs_record(journey) -> None:  # type: ignore[no-untyped-def]
    # The school's SENCO opens a demo child's RTF application: that view is audited.
    school = journey("senco")
    school.menu("Reception transition funding")
    row = school.page.get_by_role("row").filter(has_text="Isla Whitmore")
    reference = row.get_by_role("link").inner_text().strip()
    school.follow(reference)
    assert "Isla Whitmore" in school.heading()

    officer = journey("officer", keyboard=True)
    officer.menu("Audit trail")
    assert officer.heading() == "Audit trail"

    # A date that does not exist is refused, and the summary leads to the day box.
    officer.fill_date("From", 31, 2, 2026)
    officer.press("Search", expect_status=400)
    officer.check_error_summary("The from date must be a real date")
    officer.screenshot("audit-trail-error")

    # The surname in another case with stray spaces still finds the child.
    officer.fill_date("From", 1, 1, 2026)
    officer.fill("Child's UPN or surname", "  whitmore ")
    officer.fill("User's email address", DEMO["senco"])
    officer.select("Action", "view")
    officer.press("Search", expect_status=200)
    table = officer.page.get_by_role("table")
    first = table.get_by_role("row").nth(1).inner_text()
    assert DEMO["senco"] in first and "rtf_application" in first
    officer.screenshot("audit-trail-results")

    download, data = officer.download("Download these events as CSV")
    assert download.suggested_filename == "audit-trail.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert rows and all(r["user_email"] == DEMO["senco"] for r in rows)
    assert any(r["object_type"] == "rtf_application" and r["action"] == "view" for r in rows)
