"""EHCNA requests through the pages: the issue's "done when" journey, the statutory clocks,
bad input refused with nothing saved, a stale form, queues and who may see what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AnnualReview,
    AssessDecision,
    AuditAction,
    AuditEvent,
    EhcnaRequest,
    Pupil,
    RequestSource,
    SenStatus,
    SenStatusChange,
    TimescaleException,
)
from sendtrack.services.ehcna import requests as ehcna
from tests.clock import TODAY
from tests.conftest import client_for, day
from tests.world import World

TODAY = TODAY


def text(response: Any) -> str:
    return " ".join(response.get_data(as_text=True).split())


def the_request(app: Flask, reference: str | None = None, **where: Any) -> EhcnaRequest:
    with app.app_context():
        query = select(EhcnaRequest)
        if reference:
            query = query.where(EhcnaRequest.reference == reference)
        for key, value in where.items():
            query = query.where(getattr(EhcnaRequest, key) == value)
        found = db.session.scalars(query.order_by(EhcnaRequest.created_at.desc())).first()
        assert found is not None
        db.session.expunge(found)
        return found


def test_done_when_journey(app: Flask, world: World) -> None:
    """The SENCO records a request; the officer decides, records the outcome, the final plan
    and an exception; the queues and the child's status follow; another setting gets 404."""
    child = world["pupil_a_quiet"]
    senco = client_for(app, "senco")
    page = senco.get(f"/children/{child}/ehcna/new")
    assert page.status_code == 200
    assert "Record an EHC needs assessment request" in text(page)
    received = TODAY - timedelta(days=50)
    response = senco.post(
        f"/children/{child}/ehcna/new",
        data={"received_date": day(received), "request_source": "setting", "notes": "From APDR"},
    )
    assert response.status_code == 302
    made = the_request(app, pupil_id=child)
    assert made.request_source is RequestSource.SETTING
    shown = text(senco.get(response.headers["Location"]))
    assert "Request " + made.reference + " recorded" in shown
    assert "Awaiting decision" in shown
    assert "overdue by 8 days" in shown  # day 42 was 8 days ago
    assert "Decision whether to assess" in shown and "/decision" not in shown  # read only

    other = client_for(app, "senco_b")
    assert other.get(f"/ehcna/{made.id}").status_code == 404
    assert other.get(f"/children/{child}/ehcna/new").status_code == 404
    assert other.get(f"/children/{child}/ehcna").status_code == 404
    assert made.reference not in text(other.get("/ehcna/"))

    officer = client_for(app, "officer")
    queue = text(officer.get("/ehcna/?view=overdue"))
    assert made.reference in queue
    decided = TODAY - timedelta(days=5)
    form = officer.get(f"/ehcna/{made.id}/decision")
    assert form.status_code == 200
    response = officer.post(
        f"/ehcna/{made.id}/decision",
        data={"decision": "assess", "decision_date": day(decided), "version": str(made.version)},
    )
    assert response.status_code == 302, text(response)
    shown = text(officer.get(f"/ehcna/{made.id}"))
    assert "Assessing" in shown and "missed" in shown  # decided on day 45
    assert made.reference not in text(officer.get("/ehcna/?view=overdue"))
    assert made.reference in text(officer.get("/ehcna/?stage=Assessing&view=all"))

    made = the_request(app, made.reference)
    officer.post(
        f"/ehcna/{made.id}/outcome",
        data={
            "outcome": "issue",
            "outcome_date": day(TODAY - timedelta(days=3)),
            "version": str(made.version),
        },
    )
    made = the_request(app, made.reference)
    response = officer.post(
        f"/ehcna/{made.id}/plan",
        data={
            "draft_plan_date": day(TODAY - timedelta(days=2)),
            "plan_issued_date": day(TODAY),
            "version": str(made.version),
        },
    )
    assert response.status_code == 302, text(response)
    response = officer.post(
        f"/ehcna/{made.id}/exceptions/new",
        data={"ground": "absence", "reason": "Away for a month", "start_date": day(received)},
    )
    assert response.status_code == 302, text(response)
    shown = text(officer.get(f"/ehcna/{made.id}"))
    assert "Plan issued" in shown and "20-week exception" in shown
    assert "Child or parent away for 4 weeks or more" in shown
    assert "met" in shown  # the final plan on day 50, well within 140 days
    with app.app_context():
        pupil = db.session.get(Pupil, child)
        assert pupil is not None and pupil.sen_status is SenStatus.EHC_PLAN
        assert pupil.sen_status_since == TODAY
        history = db.session.scalars(
            select(SenStatusChange).where(SenStatusChange.pupil_id == child)
        ).all()
        assert history[-1].status is SenStatus.EHC_PLAN and made.reference in (
            history[-1].reason or ""
        )
        review = db.session.scalars(
            select(AnnualReview).where(AnnualReview.request_id == made.id)
        ).one()
        assert review.due_date.year == TODAY.year + 1
    # SENCO sees where it stands, read only.
    shown = text(senco.get(f"/ehcna/{made.id}"))
    assert "Plan issued" in shown and "Add a 20-week exception" not in shown
    assert senco.get(f"/ehcna/{made.id}/decision").status_code == 403


def _new(app: Flask, world: World, received: date) -> EhcnaRequest:
    officer = client_for(app, "officer")
    response = officer.post(
        f"/children/{world['pupil_a']}/ehcna/new",
        data={"received_date": day(received), "request_source": "parent"},
    )
    assert response.status_code == 302, text(response)
    return the_request(app, pupil_id=world["pupil_a"])


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_bad_input_is_refused_and_nothing_is_saved(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    before = _count(app, EhcnaRequest)
    future = officer.post(
        f"/children/{world['pupil_a']}/ehcna/new",
        data={"received_date": day(TODAY + timedelta(days=1)), "request_source": "parent"},
    )
    assert future.status_code == 400
    assert "must not be in the future" in text(future)
    assert "There is a problem" in text(future)
    missing = officer.post(f"/children/{world['pupil_a']}/ehcna/new", data={})
    assert missing.status_code == 400
    assert "Enter the date the request was received" in text(missing)
    assert _count(app, EhcnaRequest) == before

    made = _new(app, world, TODAY - timedelta(days=20))
    early = officer.post(
        f"/ehcna/{made.id}/decision",
        data={"decision": "assess", "decision_date": day(TODAY - timedelta(days=21))},
    )
    assert early.status_code == 400
    assert "on or after the date the request was received" in text(early)
    no_decision = officer.post(
        f"/ehcna/{made.id}/outcome", data={"outcome": "issue", "outcome_date": day(TODAY)}
    )
    assert no_decision.status_code == 400
    assert "Record a decision to assess before the outcome" in text(no_decision)
    plan_first = officer.post(f"/ehcna/{made.id}/plan", data={"plan_issued_date": day(TODAY)})
    assert plan_first.status_code == 400
    assert "Record the decision to issue a plan before the plan" in text(plan_first)
    no_reason = officer.post(
        f"/ehcna/{made.id}/exceptions/new",
        data={"ground": "absence", "reason": "", "start_date": day(TODAY)},
    )
    assert no_reason.status_code == 400
    assert "Enter the reason for the exception" in text(no_reason)
    bad_date = officer.post(
        f"/ehcna/{made.id}/decision",
        data={"decision": "assess", "decision_date": ["31", "2", "2026"]},
    )
    assert bad_date.status_code == 400 and "must be a real date" in text(bad_date)
    again = the_request(app, made.reference)
    assert again.decision is None and again.outcome is None and again.plan_issued_date is None
    assert _count(app, TimescaleException) == 3  # the test world's only (A, B, restricted)
    # A SENCO records only requests their setting makes.
    senco = client_for(app, "senco")
    parent = senco.post(
        f"/children/{world['pupil_a_quiet']}/ehcna/new",
        data={"received_date": day(TODAY), "request_source": "parent"},
    )
    assert parent.status_code == 400
    assert "records only the requests it makes itself" in text(parent)


def test_service_rules_for_plans_before_decisions(ctx: None, world: World) -> None:
    import pytest

    from sendtrack.services.errors import DomainError

    for kwargs, message in (
        (
            {
                "decision": AssessDecision.ASSESS,
                "decision_date": TODAY - timedelta(days=5),
                "plan_issued_date": TODAY,
            },
            "decision to issue a plan before",
        ),
        ({"decision": None, "decision_date": None, "outcome_date": TODAY}, "decision to assess"),
        (
            {"decision": AssessDecision.ASSESS, "decision_date": TODAY - timedelta(days=50)},
            "on or after the date",
        ),
    ):
        values: dict[str, Any] = {
            "received": TODAY - timedelta(days=10),
            "decision": None,
            "decision_date": None,
            "outcome": None,
            "outcome_date": None,
            "draft_plan_date": None,
            "plan_issued_date": None,
        }
        values.update(kwargs)
        with pytest.raises(DomainError, match=message):
            ehcna.check_dates(**values)


def test_stale_form_is_refused_and_keeps_the_input(app: Flask, world: World) -> None:
    made = _new(app, world, TODAY - timedelta(days=10))
    officer = client_for(app, "officer")
    officer.post(
        f"/ehcna/{made.id}/case",
        data={"assigned_officer_id": "", "notes": "First", "version": str(made.version)},
    )
    stale = officer.post(
        f"/ehcna/{made.id}/decision",
        data={"decision": "not_assess", "decision_date": day(TODAY), "version": str(made.version)},
    )
    assert stale.status_code == 400
    page = text(stale)
    assert "changed by someone else" in page
    assert 'value="not_assess" checked' in stale.get_data(as_text=True)
    assert the_request(app, made.reference).decision is None


def test_clocks_from_the_received_date(ctx: None, world: World) -> None:
    request = EhcnaRequest(
        reference="X",
        pupil_id=world["pupil_a"],
        received_date=date(2026, 1, 1),
        request_source=RequestSource.PARENT,
    )
    today = date(2026, 2, 10)  # day 40
    decision, notice, plan = ehcna.clocks(request, today)
    assert decision.due == date(2026, 2, 12) and decision.text == "due in 2 days"
    assert notice.text == "not needed" and plan.text == "not needed"
    request.decision, request.decision_date = AssessDecision.ASSESS, date(2026, 2, 13)
    decision, notice, plan = ehcna.clocks(request, date(2026, 5, 25))
    assert decision.text == "missed"  # day 43
    assert notice.due == date(2026, 4, 23) and notice.text == "overdue by 32 days"
    assert plan.due == date(2026, 5, 21) and plan.text == "overdue by 4 days"
    request.decision_date = date(2026, 2, 12)
    assert ehcna.clocks(request, today)[0].text == "met"  # day 42


def test_queues_due_this_week_overdue_by_officer(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    due_soon = _new(app, world, TODAY - timedelta(days=38))  # decision due in 4 days
    queue = text(officer.get("/ehcna/?view=week"))
    assert due_soon.reference in queue and "due in 4 days" in queue
    assert due_soon.reference not in text(officer.get("/ehcna/?view=overdue"))
    officer.post(
        f"/ehcna/{due_soon.id}/case",
        data={"assigned_officer_id": str(world["officer"]), "version": str(due_soon.version)},
    )
    mine = text(officer.get(f"/ehcna/?view=open&officer={world['officer']}"))
    assert due_soon.reference in mine and "EHCNA-TEST-A" not in mine
    unassigned = text(officer.get("/ehcna/?view=open&officer=unassigned"))
    assert "EHCNA-TEST-A" in unassigned and due_soon.reference not in unassigned
    home = text(officer.get("/home"))
    assert "EHC needs assessments" in home and "assigned to you" in home
    assert officer.get("/ehcna/?page=99999999999&view=nonsense").status_code == 200
    with app.app_context():
        viewed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "ehcna_request_list")
        ).all()
        assert len(viewed) >= 5 and all(e.action is AuditAction.VIEW for e in viewed)


def test_early_support_is_shown_on_the_request(app: Flask, world: World) -> None:
    from sendtrack.models import DecisionOutcome, PanelDecision

    with app.app_context():
        db.session.add(
            PanelDecision(
                referral_id=world["referral_a"],
                decision_date=TODAY - timedelta(days=100),
                outcome=DecisionOutcome.ADVICE_AND_RESOURCES,
                confirmed_at=db.func.now(),
            )
        )
        db.session.commit()
    made = _new(app, world, TODAY - timedelta(days=10))
    shown = text(client_for(app, "senco").get(f"/ehcna/{made.id}"))
    assert "Earlier early support" in shown
    assert "REF-TEST-A" in shown and "Advice and resources" in shown


def test_senco_list_shows_only_their_settings_requests(app: Flask, world: World) -> None:
    senco = text(client_for(app, "senco").get("/ehcna/"))
    assert "EHCNA-TEST-A" in senco and "EHCNA-TEST-B" not in senco
    other = text(client_for(app, "senco_b").get("/ehcna/"))
    assert "EHCNA-TEST-B" in other and "EHCNA-TEST-A" not in other
    home = text(client_for(app, "senco").get("/home"))
    assert "EHCNA-TEST-A" in home
