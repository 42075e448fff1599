"""Reception Transition Funding through the browser-facing routes: applying, deciding, the
letter, the link to the school record, the follow-up, scoping and bad input."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    EhcnaRequest,
    Pupil,
    RequestSource,
    RtfApplication,
    RtfBudget,
    RtfDecision,
    RtfStatus,
    User,
)
from sendtrack.school_year import financial_year_of, reception_cohort
from sendtrack.services.pupils import transfers
from tests.clock import TODAY
from tests.conftest import client_for
from tests.world import EMAILS, World
from tests.world_rtf import next_september


def _joins(child: Pupil, setting_id: uuid.UUID) -> None:
    """The child joins the school the way the app records it: a transfer by the LA officer
    (which links an RTF award to that school)."""
    officer = db.session.scalars(select(User).where(User.email == EMAILS["officer"])).one()
    transfers.transfer(officer, child, setting_id, TODAY, None)


def application_form(world: World, **overrides: Any) -> dict[str, Any]:
    year = next_september()
    dob = reception_cohort(year)[0] + timedelta(days=100)
    data: dict[str, Any] = {
        "reception_year": str(year),
        "legal_forename": "Milo",
        "legal_surname": "Fairweather",
        "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)],
        "sex": "M",
        "upn": "",
        "early_years_setting_id": str(world["ey_a"]),
        "receiving_setting_id": str(world["a1"]),
        "primary_need": "SLCN",
        "secondary_need": "SEMH",
        "third_need": "",
        "needs_summary": "Few words; distressed by transitions",
        "support_in_place": "Key person, visual timetable",
        "ey_inclusion_funding": "y",
        "use_of_funding": "Extra adult for the first half term and a speech assessment",
        "would_request_ehcna": "yes",
        "band_id": "",
        "amount_requested": "2000",
        "parental_consent": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_early_years_application_approved_letter_and_timeline(app: Flask, world: World) -> None:
    """The issue's "done when": an early-years SENCO applies, the officer approves £2,000,
    the school sees the award and its letter, and after the child joins the school the award
    shows on the child's timeline."""
    ey = client_for(app, "ey_senco")
    assert ey.get("/rtf/apply").status_code == 200
    response = ey.post("/rtf/apply", data=application_form(world))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        application = db.session.scalars(
            select(RtfApplication).join(Pupil).where(Pupil.legal_surname == "Fairweather")
        ).one()
        application_id = application.id
        pupil_id = application.pupil_id
        assert application.status is RtfStatus.SUBMITTED
        assert application.applied_by_setting_id == world["ey_a"]
        assert application.amount_requested == Decimal("2000.00")
        assert application.ey_inclusion_funding is True
        assert application.pupil.setting_id == world["ey_a"]
        assert [n.code.value for n in application.pupil.needs] == ["SLCN", "SEMH"]
        reference = application.reference
    page = ey.get(f"/rtf/{application_id}").get_data(as_text=True)
    assert reference in page and "Awaiting decision" in page

    officer = client_for(app, "officer")
    assert reference in officer.get("/home").get_data(as_text=True)
    assert officer.get(f"/rtf/{application_id}/decide").status_code == 200
    response = officer.post(
        f"/rtf/{application_id}/decide",
        data={"decision": "approved", "amount_awarded": "2000", "decision_reason": ""},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        decided = db.session.get(RtfApplication, application_id)
        assert decided is not None
        assert decided.decision is RtfDecision.APPROVED
        assert decided.amount_awarded == Decimal("2000.00")
        assert decided.status is RtfStatus.DECIDED
        assert decided.follow_up_due == date(decided.reception_year, 12, 20)

    school = client_for(app, "senco")
    listing = school.get("/rtf/").get_data(as_text=True)
    assert reference in listing and "Approved" in listing
    page = school.get(f"/rtf/{application_id}").get_data(as_text=True)
    assert "£2,000" in page and "Download the decision letter" in page
    letter = school.get(f"/rtf/{application_id}/letter.pdf")
    assert letter.status_code == 200
    assert letter.mimetype == "application/pdf"
    text = pdf_text(letter.data)
    assert "OFFICIAL-SENSITIVE" in text
    assert "£2,000.00" in text and "Milo Fairweather" in text and "A One Primary" in text
    with app.app_context():
        downloads = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.DOWNLOAD,
                AuditEvent.object_id == str(application_id),
            )
        ).all()
        assert len(downloads) == 1 and downloads[0].pupil_id == pupil_id

    # The child is not yet on the school's roll: the school cannot open their record.
    assert school.get(f"/rtf/children/{pupil_id}").status_code == 404
    with app.app_context():
        child = db.session.get(Pupil, pupil_id)
        assert child is not None
        _joins(child, world["a1"])
        db.session.commit()
    timeline = school.get(f"/rtf/children/{pupil_id}")
    assert timeline.status_code == 200
    body = timeline.get_data(as_text=True)
    assert "Reception transition funding decided" in body
    assert "Approved: £2,000 to A One Primary" in body
    assert "award linked to the school record" in body
    with app.app_context():
        linked = db.session.get(RtfApplication, application_id)
        assert linked is not None and linked.linked_at is not None


def test_missing_answers_are_refused_with_govuk_messages(app: Flask, world: World) -> None:
    ey = client_for(app, "ey_senco")
    with app.app_context():
        before = (count(RtfApplication), count(Pupil))
    response = ey.post("/rtf/apply", data={"amount_requested": "lots"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in (
        "Choose the September the child starts Reception",
        "Enter the child&#39;s first name",
        "Enter the date of birth",
        "Choose the receiving school",
        "Say what the money would be used for",
        "Say whether you would otherwise request an EHC needs assessment",
        "Amount requested must be an amount in pounds",
        "Confirm that the child&#39;s parents consent to this application",
    ):
        assert message in page, message
    assert "Error: " in page
    with app.app_context():
        assert (count(RtfApplication), count(Pupil)) == before


def _refused(app: Flask, client: FlaskClient, data: dict[str, Any], message: str) -> str:
    with app.app_context():
        before = (count(RtfApplication), count(Pupil))
    response = client.post("/rtf/apply", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:500]
    assert message in page, page[page.find("govuk-error-summary") :][:1500]
    with app.app_context():
        assert (count(RtfApplication), count(Pupil)) == before
    return page


def test_date_of_birth_outside_the_cohort_needs_a_reason(app: Flask, world: World) -> None:
    ey = client_for(app, "ey_senco")
    year = next_september()
    start, _ = reception_cohort(year)
    early = start - timedelta(days=30)  # born in the previous cohort: a deferred entry
    dob = [str(early.day), str(early.month), str(early.year)]
    page = _refused(
        app,
        ey,
        application_form(world, date_of_birth=dob),
        f"Date of birth must be between 1 September {year - 5} and 31 August {year - 4}",
    )
    assert "Milo" in page  # what was typed is kept
    _refused(
        app,
        ey,
        application_form(world, date_of_birth=dob, cohort_override="y"),
        "Enter the reason for deferred or early entry",
    )
    far = start - timedelta(days=800)
    _refused(
        app,
        ey,
        application_form(
            world,
            date_of_birth=[str(far.day), str(far.month), str(far.year)],
            cohort_override="y",
            cohort_override_reason="Deferred",
        ),
        "more than a year outside the Reception cohort",
    )
    response = ey.post(
        "/rtf/apply",
        data=application_form(
            world,
            date_of_birth=dob,
            cohort_override="y",
            cohort_override_reason="Summer-born in the previous cohort; parents deferred entry",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalars(
            select(RtfApplication).join(Pupil).where(Pupil.legal_surname == "Fairweather")
        ).one()
        assert saved.cohort_override_reason and "deferred entry" in saved.cohort_override_reason


def test_amounts_above_the_band_are_refused(app: Flask, world: World) -> None:
    ey = client_for(app, "ey_senco")
    _refused(
        app,
        ey,
        application_form(world, band_id=str(world["band_standard"]), amount_requested="2500"),
        "Amount requested must be no more than £2,000, the Standard rate",
    )
    _refused(
        app,
        ey,
        application_form(world, amount_requested="4000.01"),
        "Amount requested must be no more than £4,000, the highest band (Enhanced)",
    )
    _refused(app, ey, application_form(world, amount_requested="0"), "more than £0")


def test_receiving_school_must_be_a_school(app: Flask, world: World) -> None:
    ey = client_for(app, "ey_senco")
    _refused(
        app,
        ey,
        application_form(world, receiving_setting_id=str(world["ey_a"])),
        "A Early Years Nursery is an early-years setting, not a school",
    )
    _refused(
        app,
        ey,
        application_form(world, receiving_setting_id=str(uuid.uuid4())),
        "Choose the receiving school",
    )
    _refused(
        app,
        ey,
        application_form(world, early_years_setting_id=str(world["a2"])),
        "Choose an early-years setting from the list",
    )


def test_duplicate_application_for_the_same_child_and_year(app: Flask, world: World) -> None:
    ey = client_for(app, "ey_senco")
    assert ey.post("/rtf/apply", data=application_form(world)).status_code == 302
    # The same child, typed with different capitals, for the same September.
    _refused(
        app,
        ey,
        application_form(world, legal_surname="FAIRWEATHER", legal_forename="milo"),
        "There is already an application (RTF-",
    )


def test_school_can_apply_and_the_child_record_is_matched(app: Flask, world: World) -> None:
    """The receiving school applies for a child the nursery already has on its register:
    the existing record is used, not a second one."""
    school = client_for(app, "senco")
    with app.app_context():
        existing = db.session.get(Pupil, world["rtf_child_a"])
        assert existing is not None
        data = application_form(
            world,
            legal_forename=existing.legal_forename,
            legal_surname=existing.legal_surname,
            date_of_birth=[
                str(existing.date_of_birth.day),
                str(existing.date_of_birth.month),
                str(existing.date_of_birth.year),
            ],
            reception_year=str(next_september() + 1),
            cohort_override="y",
            cohort_override_reason="Parents asked to defer entry by a year",
        )
        pupils_before = count(Pupil)
    response = school.post("/rtf/apply", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        assert count(Pupil) == pupils_before
        made = db.session.scalars(
            select(RtfApplication).where(
                RtfApplication.pupil_id == world["rtf_child_a"],
                RtfApplication.reception_year == next_september() + 1,
            )
        ).one()
        assert made.applied_by_setting_id == world["a1"]


def test_a_senco_cannot_apply_for_other_settings(app: Flask, world: World) -> None:
    other = client_for(app, "senco_b")
    _refused(
        app,
        other,
        application_form(world),
        "You can apply only for a child at your early-years setting or starting at your school",
    )


# --- deciding ---------------------------------------------------------------------------


def decide(client: FlaskClient, world: World, **data: str) -> Any:
    return client.post(f"/rtf/{world['rtf_b']}/decide", data=data)


def test_decline_needs_a_reason_and_no_amount(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    response = decide(officer, world, decision="declined", amount_awarded="100")
    assert response.status_code == 400
    assert "Leave the amount blank when declining" in response.get_data(as_text=True)
    response = decide(officer, world, decision="declined")
    assert "Enter the reason for declining" in response.get_data(as_text=True)
    response = decide(officer, world, decision="declined", decision_reason="Needs met already")
    assert response.status_code == 302
    with app.app_context():
        declined = db.session.get(RtfApplication, world["rtf_b"])
        assert declined is not None and declined.decision is RtfDecision.DECLINED
        assert declined.amount_awarded is None and declined.follow_up_due is None
    letter = officer.get(f"/rtf/{world['rtf_b']}/letter.pdf")
    text = pdf_text(letter.data)
    assert "Declined" in text and "Needs met already" in text
    # A decided application cannot be decided again.
    assert officer.get(f"/rtf/{world['rtf_b']}/decide").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "approved"}, "Enter the amount awarded"),
        ({"decision": "approved", "amount_awarded": "2000.01"}, "no more than the £2,000"),
        (
            {"decision": "part_approved", "amount_awarded": "2000", "decision_reason": "x"},
            "A part-approval awards less than was requested",
        ),
        (
            {"decision": "part_approved", "amount_awarded": "1500"},
            "Enter the reason for awarding less than was requested",
        ),
        ({"amount_awarded": "1500"}, "Choose a decision"),
        ({"decision": "approved", "amount_awarded": "-5"}, "Amount awarded must be £0 or more"),
    ],
)
def test_bad_decisions_are_refused(
    app: Flask, world: World, data: dict[str, str], message: str
) -> None:
    officer = client_for(app, "officer")
    response = decide(officer, world, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        untouched = db.session.get(RtfApplication, world["rtf_b"])
        assert untouched is not None and untouched.decision is None


def test_awards_stay_within_the_budget(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    year = financial_year_of(TODAY)
    with app.app_context():
        budget = db.session.scalars(select(RtfBudget).where(RtfBudget.financial_year == year)).one()
        # 4,000 is already awarded this year: 2,000 each to the A-side application and the
        # restricted child's (tests/world_restricted.py).
        budget.allocation = Decimal("5000")
        db.session.commit()
    response = decide(officer, world, decision="approved", amount_awarded="2000")
    assert response.status_code == 400
    assert f"This award would overspend the {year} RTF budget: £1,000 remains" in (
        response.get_data(as_text=True)
    )
    response = decide(
        officer, world, decision="part_approved", amount_awarded="1000", decision_reason="Budget"
    )
    assert response.status_code == 302
    page = officer.get("/rtf/budget").get_data(as_text=True)
    assert "£5,000" in page and "£0" in page


def test_no_budget_no_award(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    with app.app_context():
        db.session.execute(RtfBudget.__table__.delete())
        db.session.commit()
    response = decide(officer, world, decision="approved", amount_awarded="2000")
    assert response.status_code == 400
    assert "There is no RTF budget for" in response.get_data(as_text=True)


def test_stale_decision_form_is_refused(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    response = decide(officer, world, decision="approved", amount_awarded="2000", version="99")
    assert response.status_code == 400
    assert "Someone else changed this application" in response.get_data(as_text=True)


# --- scope ------------------------------------------------------------------------------


def test_each_setting_sees_only_its_applications(app: Flask, world: World) -> None:
    for key in ("ey_senco", "senco"):
        client = client_for(app, key)
        listing = client.get("/rtf/").get_data(as_text=True)
        assert "RTF-TEST-A" in listing and "RTF-TEST-B" not in listing
        assert f'<a class="govuk-link app-nowrap" href="/rtf/{world["rtf_a"]}">RTF-TEST-A</a>' in (
            listing
        )
        assert client.get(f"/rtf/{world['rtf_a']}").status_code == 200
        assert client.get(f"/rtf/{world['rtf_b']}").status_code == 404
    for key in ("senco_a2", "senco_b"):
        client = client_for(app, key)
        assert client.get(f"/rtf/{world['rtf_a']}").status_code == 404
        assert client.get(f"/rtf/{world['rtf_a']}/letter.pdf").status_code == 404
        assert "RTF-TEST-A" not in client.get("/rtf/").get_data(as_text=True)
    assert client_for(app, "lead").get("/rtf/").status_code == 403
    officer = client_for(app, "officer").get("/rtf/?status=awaiting").get_data(as_text=True)
    assert "RTF-TEST-B" in officer and "RTF-TEST-A" not in officer


def test_officer_filters_and_totals(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    page = officer.get(f"/rtf/?setting={world['b1']}").get_data(as_text=True)
    assert "RTF-TEST-B" in page and "RTF-TEST-A" not in page
    page = officer.get(f"/rtf/?cohort={next_september()}").get_data(as_text=True)
    # The A and B sides' applications and the restricted child's (approved, £2,000).
    assert "<strong>3</strong> applications: £6,000 requested, £4,000 awarded" in page
    page = officer.get("/rtf/?status=approved&setting=nonsense&cohort=x").get_data(as_text=True)
    assert "<strong>2</strong> applications:" in page
    with app.app_context():
        views = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "rtf_application_list")
        ).all()
        assert len(views) == 3


# --- after the child starts school ------------------------------------------------------


def test_follow_up_by_the_school_once_linked(app: Flask, world: World) -> None:
    school = client_for(app, "senco")
    # Not on the school's roll yet: nothing to follow up.
    assert school.get(f"/rtf/{world['rtf_a']}/follow-up").status_code == 302
    with app.app_context():
        child = db.session.get(Pupil, world["rtf_child_a"])
        assert child is not None
        _joins(child, world["a1"])
        db.session.add(
            EhcnaRequest(
                reference="EHC-RTF-1",
                pupil_id=child.id,
                setting_id=world["a1"],
                received_date=TODAY,
                request_source=RequestSource.PARENT,
            )
        )
        db.session.commit()
    form = school.get(f"/rtf/{world['rtf_a']}/follow-up")
    assert form.status_code == 200
    assert "An EHC needs assessment request for this child was received" in form.get_data(
        as_text=True
    )
    response = school.post(f"/rtf/{world['rtf_a']}/follow-up", data={"how_settled": "Well"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Describe the provision in place" in page
    assert "Say whether an EHC needs assessment has been requested" in page
    response = school.post(
        f"/rtf/{world['rtf_a']}/follow-up",
        data={
            "how_settled": "Settled after three weeks",
            "provision_in_place": "Daily speech group",
            "ehcna_requested": "yes",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        done = db.session.get(RtfApplication, world["rtf_a"])
        assert done is not None
        assert done.how_settled == "Settled after three weeks"
        assert done.ehcna_requested is True and done.follow_up_recorded_on == TODAY
    page = school.get(f"/rtf/{world['rtf_a']}").get_data(as_text=True)
    assert "EHC-RTF-1" in page and "Daily speech group" in page
    # The nursery can read the outcome but the school records it.
    nursery = client_for(app, "ey_senco")
    assert nursery.get(f"/rtf/{world['rtf_a']}/follow-up").status_code == 302
    assert "Daily speech group" in nursery.get(f"/rtf/{world['rtf_a']}").get_data(as_text=True)


def test_officer_confirms_an_uncertain_match(app: Flask, world: World) -> None:
    """The school made its own record for the child (no UPN to match on): an officer
    confirms the name-and-birthday match before the award moves onto it."""
    with app.app_context():
        nursery_record = db.session.get(Pupil, world["rtf_child_a"])
        assert nursery_record is not None
        school_record = Pupil(
            legal_surname=nursery_record.legal_surname,
            legal_forename="Rosie",
            date_of_birth=nursery_record.date_of_birth,
            sex=nursery_record.sex,
            setting_id=world["a1"],
            sen_status=nursery_record.sen_status,
        )
        db.session.add(school_record)
        db.session.commit()
        school_record_id = school_record.id
    officer = client_for(app, "officer")
    page = officer.get(f"/rtf/{world['rtf_a']}").get_data(as_text=True)
    assert "Check possible matches" in page
    assert "Rosie Acornley" in officer.get(f"/rtf/{world['rtf_a']}/link").get_data(as_text=True)
    bad = officer.post(f"/rtf/{world['rtf_a']}/link", data={"pupil_id": str(world["pupil_a"])})
    assert bad.status_code == 400
    assert "Choose the school&#39;s record for this child" in bad.get_data(as_text=True)
    response = officer.post(f"/rtf/{world['rtf_a']}/link", data={"pupil_id": str(school_record_id)})
    assert response.status_code == 302
    with app.app_context():
        moved = db.session.get(RtfApplication, world["rtf_a"])
        assert moved is not None
        assert moved.pupil_id == school_record_id and moved.linked_at is not None
    timeline = client_for(app, "senco").get(f"/rtf/children/{school_record_id}")
    assert "Approved: £2,000 to A One Primary" in timeline.get_data(as_text=True)


# --- budget, bands and home -------------------------------------------------------------


def test_budget_and_bands_pages(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    response = officer.post("/rtf/budget", data={"financial_year": "2030-32", "allocation": "5"})
    assert response.status_code == 400
    assert "Enter the financial year as YYYY-YY" in response.get_data(as_text=True)
    response = officer.post(
        "/rtf/budget", data={"financial_year": "2030-31", "allocation": "50000"}
    )
    assert response.status_code == 302
    assert "2030-31" in officer.get("/rtf/budget").get_data(as_text=True)
    response = officer.post("/rtf/bands", data={"name": "standard", "amount": "100"})
    assert response.status_code == 400
    assert "There is already a band with this name" in response.get_data(as_text=True)
    assert officer.post("/rtf/bands", data={"name": "High", "amount": "6000"}).status_code == 302
    response = officer.post("/rtf/bands", data={"retire-band_id": str(world["band_enhanced"])})
    assert response.status_code == 302
    with app.app_context():
        from sendtrack.services.rtf import budgets as rtf_budget

        assert [b.name for b in rtf_budget.active_bands()] == ["Standard", "High"]


def test_home_panels(app: Flask, world: World) -> None:
    officer = client_for(app, "officer").get("/home").get_data(as_text=True)
    assert "1</strong> application awaiting a decision" in officer
    nursery = client_for(app, "ey_senco").get("/home").get_data(as_text=True)
    assert "RTF-TEST-A" in nursery and "Approved" in nursery
    assert "Reception transition funding" in client_for(app, "senco").get("/home").get_data(
        as_text=True
    )
    assert "RTF-TEST" not in client_for(app, "lead").get("/home").get_data(as_text=True)


def test_officer_list_pages_and_totals_by_school(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    officer = client_for(app, "officer")
    first = officer.get("/rtf/").get_data(as_text=True)
    pages = [first] + [officer.get(f"/rtf/?page={n}").get_data(as_text=True) for n in (2, 3)]
    # The A and B sides' applications and the restricted child's, one a page.
    assert "<strong>3</strong> applications" in first and "govuk-pagination" in first
    for reference in ("RTF-TEST-A", "RTF-TEST-B", "RTF-TEST-R"):
        assert sum(reference in page for page in pages) == 1, reference
    assert "Totals by receiving school" in first
    assert "A One Primary" in first and "B One Primary" in first
    # A page past the end shows the last page rather than an error.
    assert officer.get("/rtf/?page=99").status_code == 200
    odd = officer.get("/rtf/?cohort=99999999999999999999999&page=-3&setting=%00&status=<b>")
    assert odd.status_code == 200


def test_secondary_senco_gets_no_rtf_panel(app: Flask, world: World) -> None:
    with app.app_context():
        from sendtrack.models import Phase, Setting

        school = db.session.get(Setting, world["b1"])
        assert school is not None
        school.phase = Phase.SECONDARY
        db.session.execute(
            RtfApplication.__table__.delete().where(RtfApplication.id == world["rtf_b"])
        )
        db.session.commit()
    home = client_for(app, "senco_b").get("/home").get_data(as_text=True)
    assert "rtf-senco-heading" not in home
    assert "rtf-senco-heading" in client_for(app, "ey_senco").get("/home").get_data(as_text=True)


def test_school_home_asks_for_the_follow_up_once_the_child_joins(app: Flask, world: World) -> None:
    with app.app_context():
        child = db.session.get(Pupil, world["rtf_child_a"])
        assert child is not None
        _joins(child, world["a1"])
        db.session.commit()
    home = client_for(app, "senco").get("/home").get_data(as_text=True)
    assert "Tell the council how these children settled" in home
    assert f"/rtf/{world['rtf_a']}/follow-up" in home
    with app.app_context():
        linked = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == str(world["rtf_a"]),
                AuditEvent.summary == "Child's record is on the receiving school's roll",
            )
        ).one()
        assert linked.user_id is None  # the system linked it, not the person viewing
