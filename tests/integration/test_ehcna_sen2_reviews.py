"""The SEN2-shaped download (columns as in the DfE guide, audited, officers only) and annual
reviews of plans (due 12 months after issue or the last review, queue, next review)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import AnnualReview, AuditAction, AuditEvent
from sendtrack.services.ehcna import annual_reviews
from tests.clock import TODAY
from tests.conftest import client_for
from tests.world import World

TODAY = TODAY


def _download(client: FlaskClient, module: str, year: int) -> list[list[str]]:
    response = client.get(f"/ehcna/sen2?year={year}&module={module}&download=1")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_sen2_modules_have_the_guide_columns(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    page = officer.get("/ehcna/sen2")
    assert page.status_code == 200 and "SEN2 return files" in page.get_data(as_text=True)
    year = TODAY.year
    person = _download(officer, "person", year)
    assert person[0] == [
        "Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN",
        "UniqueLearnerNumber", "UPNunknown",
    ]  # fmt: skip
    assert ["Ashworth", "Eden", "2016-06-02", "M", "", "", "", "", "UN1"] in person[1:]
    requests = _download(officer, "requests", year)
    assert requests[0] == [
        "RequestReference", "UPN", "ReceivedDate", "RequestSource", "RYA", "RequestOutcomeDate",
        "RequestOutcome", "RequestMediation", "RequestTribunal", "Exported",
    ]  # fmt: skip
    references = [r[0] for r in requests[1:]]
    assert "EHCNA-TEST-A" in references and "EHCNA-TEST-B" in references
    assessments = _download(officer, "assessments", year)
    assert assessments[0] == [
        "RequestReference", "UPN", "AssessmentOutcome", "AssessmentOutcomeDate",
        "AssessmentMediation", "AssessmentTribunal", "OtherMediation", "OtherTribunal", "Week20",
    ]  # fmt: skip
    plans = _download(officer, "named_plan", year)
    assert plans[0][:3] == ["RequestReference", "UPN", "StartDate"]
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "sen2_export")
        ).all()
        assert len(events) == 4 and all(e.action is AuditAction.EXPORT for e in events)
    assert officer.get("/ehcna/sen2?year=1900&module=person&download=1").status_code == 400
    assert client_for(app, "senco").get("/ehcna/sen2").status_code == 403


def test_plan_issued_last_year_is_in_that_years_plan_module(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    issued = TODAY - timedelta(days=300)
    plans = _download(officer, "named_plan", issued.year)
    assert ["EHCNA-TEST-PLAN-A", "", issued.isoformat(), "100001", ""] in plans


def test_review_queue_record_and_next_review(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    queue = officer.get("/ehcna/reviews?view=all").get_data(as_text=True)
    assert "Ashworth-Plan" in queue and "meeting due in 65 days" in queue
    assert "Ashworth-Plan" not in officer.get("/ehcna/reviews?view=overdue").get_data(as_text=True)
    review_id = world["review_a"]
    meeting = TODAY - timedelta(days=3)
    bad = officer.post(
        f"/ehcna/reviews/{review_id}",
        data={
            "meeting_date": [str(meeting.day), str(meeting.month), str(meeting.year)],
            "decision": "amend",
        },
    )
    assert bad.status_code == 400 and "Enter the date of the decision" in bad.get_data(as_text=True)
    response = officer.post(
        f"/ehcna/reviews/{review_id}",
        data={
            "meeting_date": [str(meeting.day), str(meeting.month), str(meeting.year)],
            "decision": "amend",
            "decision_date": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
        },
    )
    assert response.status_code == 302
    banner = officer.get("/ehcna/reviews").get_data(as_text=True)
    assert "The next review is due by" in banner
    with app.app_context():
        following = db.session.scalars(
            select(AnnualReview).where(
                AnnualReview.pupil_id == world["plan_child_a"], AnnualReview.decision_date.is_(None)
            )
        ).one()
        assert following.due_date == annual_reviews.add_months(meeting, 12)
    assert client_for(app, "senco").get(f"/ehcna/reviews/{review_id}").status_code == 403


def test_review_dates_and_status(ctx: None) -> None:
    assert annual_reviews.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    review = AnnualReview(due_date=date(2026, 3, 1))
    assert annual_reviews.status(review, date(2026, 3, 4)).text == "meeting overdue by 3 days"
    review.meeting_date = date(2026, 3, 2)
    assert annual_reviews.status(review, date(2026, 3, 4)).text == "decision due in 26 days"


def test_home_counts_agree_with_the_queues_on_every_kind_of_review(world: World, ctx: None) -> None:
    """Reviews on each side of every boundary (due today, in 8 weeks and a day, meeting held
    4 weeks ago and a day, decided): the home page's counts are the queues' own counts."""
    child = world["plan_child_a"]
    today = date(2026, 6, 10)
    days = timedelta(days=1)
    before = annual_reviews.counts(today)
    for due, meeting, decided in [
        (today - days, None, None),  # overdue: no meeting
        (today, None, None),  # due today
        (today + timedelta(days=annual_reviews.DUE_SOON_DAYS), None, None),  # due, last day
        (today + timedelta(days=annual_reviews.DUE_SOON_DAYS) + days, None, None),  # not yet
        (today + timedelta(days=90), today - timedelta(days=28), None),  # awaiting decision
        (today, today - timedelta(days=annual_reviews.DECISION_WITHIN_DAYS) - days, None),
        (today - days, today - days, today),  # decided: in no queue
    ]:
        db.session.add(
            AnnualReview(pupil_id=child, due_date=due, meeting_date=meeting, decision_date=decided)
        )
    db.session.flush()
    counts = annual_reviews.counts(today)
    for kind in ("overdue", "due"):
        assert counts[kind] == annual_reviews.queue(which=kind, today=today).count, kind
    assert {w: counts[w] - before[w] for w in counts} == {"overdue": 2, "due": 5}
