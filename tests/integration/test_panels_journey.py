"""The issue's "done when", through the test client: the SENCO refers a child; the Area
SEND Lead schedules a meeting, adds the referral, records "advice and resources, £1,200 for
two terms"; the cluster budget shows the commitment; the SENCO sees the outcome; a panel
member sees the meeting read only; a SENCO of another cluster gets 404."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    Cluster,
    PanelDecision,
    PanelMeeting,
    Referral,
    ReferralStatus,
)
from sendtrack.school_year import financial_year_of
from sendtrack.services.panels import budgets as cluster_budgets
from sendtrack.wording import money
from tests.clock import TODAY
from tests.conftest import client_for, day
from tests.integration.panels_helpers import referral_form
from tests.world import World


def _committed(app: Flask, world: World) -> Decimal:
    with app.app_context():
        cluster = db.session.get(Cluster, world["A"])
        assert cluster is not None
        return cluster_budgets.position(cluster, financial_year_of(TODAY)).committed


def test_refer_schedule_decide_budget_and_outcome(app: Flask, world: World) -> None:
    today = TODAY
    senco = client_for(app, "senco")
    child = world["pupil_a_quiet"]
    form = senco.get(f"/children/{child}/referrals/new")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert "Refer to the cluster panel" in page and "Speech, language and communication" in page
    response = senco.post(f"/children/{child}/referrals/new", data=referral_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    confirmation = senco.get(response.headers["Location"]).get_data(as_text=True)
    assert "Referral submitted" in confirmation
    with app.app_context():
        referral = db.session.scalars(select(Referral).where(Referral.pupil_id == child)).one()
        referral_id, reference = referral.id, referral.reference
        assert referral.status is ReferralStatus.SUBMITTED
        assert referral.cluster_id == world["A"] and referral.submitted_date == today
    # The reference is shown in bold inside the panel, not as escaped markup.
    assert f"Your reference is<br><strong>{reference}</strong>" in confirmation
    listing = senco.get("/referrals/").get_data(as_text=True)
    assert reference in listing and '<strong class="govuk-tag">Submitted</strong>' in listing

    lead = client_for(app, "lead")
    assert reference in lead.get("/referrals/?status=submitted").get_data(as_text=True)
    assert lead.get("/panels/meetings/new").status_code == 200
    response = lead.post(
        "/panels/meetings/new",
        data={
            "cluster_id": str(world["A"]),
            "meeting_date": day(today),
            "start_time": "9:30am",
            "location": "Northbrook Teachers' Centre",
            "online_link": "",
            "chair_name": "Lee Lead",
            "co_chair_name": "A Headteacher",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting_url = response.headers["Location"]
    with app.app_context():
        meeting = db.session.scalars(
            select(PanelMeeting).where(
                PanelMeeting.cluster_id == world["A"], PanelMeeting.meeting_date == today
            )
        ).one()
        meeting_id = meeting.id
        assert meeting.start_time is not None and meeting.start_time.hour == 9
    for name, role in (
        ("Dr E Psych", "Educational psychologist"),
        ("S Salt", "Speech and language therapist"),
    ):
        response = lead.post(
            f"/panels/meetings/{meeting_id}/members/new",
            data={"name": name, "professional_role": role, "user_id": "", "setting_id": ""},
        )
        assert response.status_code == 302
    agenda = lead.get(f"/panels/meetings/{meeting_id}/agenda").get_data(as_text=True)
    assert reference in agenda
    response = lead.post(
        f"/panels/meetings/{meeting_id}/agenda", data={"referral_ids": [str(referral_id)]}
    )
    assert response.status_code == 302
    page = lead.get(meeting_url).get_data(as_text=True)
    assert reference in page and "Record decision" in page and "Not quorate" not in page

    before = _committed(app, world)
    decide_url = f"/panels/meetings/{meeting_id}/referrals/{referral_id}/decision"
    assert lead.get(decide_url).status_code == 200
    two_terms_end = today + timedelta(days=26 * 7)
    response = lead.post(
        decide_url,
        data={
            "outcome": "advice_and_resources",
            "decision_date": day(today),
            "rationale": "Strong evidence of need; the school's own provision is in place",
            "advice_given": "Precision teaching daily; EP consultation in the spring term",
            "amount_awarded": "£1,200",
            "award_start": day(today),
            "award_end": day(two_terms_end),
            "conditions": "Report progress at the review",
            "review_date": day(two_terms_end),
            "action_description": "Book the EP consultation",
            "action_owner": "SENCO",
            "action_due": day(today + timedelta(days=14)),
            "confirm": "Confirm decision",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        decision = db.session.scalars(
            select(PanelDecision).where(PanelDecision.referral_id == referral_id)
        ).one()
        assert decision.confirmed_at is not None
        assert decision.amount_awarded == Decimal("1200.00")
        assert [a.description for a in decision.actions] == ["Book the EP consultation"]
        decided = db.session.get(Referral, referral_id)
        assert decided is not None and decided.status is ReferralStatus.DECIDED
    assert _committed(app, world) == before + Decimal("1200")
    budgets = lead.get("/panels/budgets").get_data(as_text=True)
    assert "Cluster A" in budgets and money(before + Decimal("1200")) in budgets
    assert "Cluster B" not in budgets  # the lead sees only their own clusters
    home = lead.get("/home").get_data(as_text=True)
    assert money(before + Decimal("1200")) in home

    school_home = senco.get("/home").get_data(as_text=True)
    assert reference in school_home and "Advice and resources" in school_home
    assert "£1,200" in school_home and "Book the EP consultation" in school_home
    school_page = senco.get(f"/referrals/{referral_id}").get_data(as_text=True)
    assert "Decided" in school_page and "Precision teaching daily" in school_page

    panel = client_for(app, "panel")
    page = panel.get(meeting_url)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert reference in body and "You can read this meeting" in body
    assert "Add cases to the agenda" not in body and "Add a member" not in body
    assert panel.post(f"/panels/meetings/{meeting_id}/agenda").status_code == 403
    assert panel.get(f"/panels/decisions/{decision.id}").status_code == 200

    other = client_for(app, "senco_b")
    assert other.get(f"/referrals/{referral_id}").status_code == 404
    assert reference not in other.get("/referrals/").get_data(as_text=True)
    lead_b = client_for(app, "lead_b")
    assert lead_b.get(meeting_url).status_code == 404
    assert lead_b.get(f"/referrals/{referral_id}").status_code == 404

    with app.app_context():
        views = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.VIEW,
                AuditEvent.object_type == "panel_meeting",
                AuditEvent.object_id == str(meeting_id),
            )
        ).all()
        assert len(views) >= 2  # the lead's and the panel member's
