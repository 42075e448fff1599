"""Panel rules: meetings and agendas (past dates, reordering, conflicts, quorum), decisions
(rationale, lock and audited change), budgets (overspend refused, officer override,
allocations), actions, payments and follow-up."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AuditEvent,
    ClusterBudget,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    Referral,
    ReferralStatus,
    RequestType,
)
from sendtrack.school_year import financial_year_of
from tests.clock import TODAY
from tests.conftest import client_for, day
from tests.integration.panels_helpers import count, version_in
from tests.world import World


def _meeting(client: FlaskClient, world: World, on: date, **extra: Any) -> Any:
    data = {
        "cluster_id": str(world["A"]),
        "meeting_date": day(on),
        "start_time": "",
        "location": "Hub",
        "chair_name": "Chair",
    }
    data.update(extra)
    return client.post("/panels/meetings/new", data=data)


def _submitted(app: Flask, world: World, n: int) -> list[Any]:
    ids = []
    with app.app_context():
        for i in range(n):
            r = Referral(
                reference=f"REF-RULES-{i}",
                pupil_id=world["pupil_a_quiet"],
                setting_id=world["a2" if i % 2 else "a1"],
                cluster_id=world["A"],
                status=ReferralStatus.SUBMITTED,
                request_type=RequestType.RESOURCES,
                amount_requested=Decimal("500"),
                reason="Needs support",
                submitted_date=TODAY,
            )
            db.session.add(r)
            db.session.flush()
            ids.append(r.id)
        db.session.commit()
    return ids


def _decision_data(**overrides: Any) -> dict[str, Any]:
    today = TODAY
    data: dict[str, Any] = {
        "outcome": "resources",
        "decision_date": day(today),
        "rationale": "Meets the criteria",
        "amount_awarded": "500",
        "award_start": day(today),
        "award_end": day(today + timedelta(days=90)),
        "review_date": day(today + timedelta(days=90)),
        "confirm": "Confirm decision",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_meetings_in_the_past_and_clashes_are_refused(app: Flask, world: World) -> None:
    lead = client_for(app, "lead")
    with app.app_context():
        before = count(PanelMeeting)
    response = _meeting(lead, world, TODAY - timedelta(days=1))
    assert response.status_code == 400
    assert "Date of the meeting must be today or in the future" in response.get_data(as_text=True)
    response = _meeting(lead, world, TODAY, location="", online_link="")
    assert "Enter where the meeting is, or the online link" in response.get_data(as_text=True)
    response = _meeting(lead, world, TODAY, online_link="javascript:alert(1)")
    assert "must be a web address starting with https://" in response.get_data(as_text=True)
    response = _meeting(lead, world, TODAY, start_time="25:99")
    assert "Enter the start time like 9:30am" in response.get_data(as_text=True)
    response = _meeting(lead, world, TODAY + timedelta(days=14))  # meeting_a's date
    assert "already has a meeting on that date" in response.get_data(as_text=True)
    response = _meeting(lead, world, TODAY, cluster_id=str(world["B"]))
    assert "Choose the cluster" in response.get_data(as_text=True)
    with app.app_context():
        assert count(PanelMeeting) == before


def test_agenda_of_a_past_meeting_is_closed(app: Flask, world: World) -> None:
    (referral_id,) = _submitted(app, world, 1)
    lead = client_for(app, "lead")
    url = f"/panels/meetings/{world['meeting_past_a']}/agenda"
    assert "already taken place" in lead.get(url).get_data(as_text=True)
    response = lead.post(url, data={"referral_ids": [str(referral_id)]})
    assert response.status_code == 400
    assert "This meeting has already taken place" in response.get_data(as_text=True)
    with app.app_context():
        assert count(AgendaItem, AgendaItem.referral_id == referral_id) == 0
        referral = db.session.get(Referral, referral_id)
        assert referral is not None and referral.status is ReferralStatus.SUBMITTED


def test_agenda_reorder_remove_conflicts_and_quorum(app: Flask, world: World) -> None:
    first, second = _submitted(app, world, 2)
    lead = client_for(app, "lead")
    meeting_id = world["meeting_a"]
    url = f"/panels/meetings/{meeting_id}"
    response = lead.post(f"{url}/agenda", data={"referral_ids": [str(first), str(second)]})
    assert response.status_code == 302

    def order() -> list[str]:
        # The lead's agenda: the world's restricted child's case is on it, hidden from them,
        # and keeps its place (after REF-TEST-A) whatever they move.
        with app.app_context():
            items = db.session.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting_id)
                .order_by(AgendaItem.position)
            ).all()
            refs = [i.referral.reference for i in items]
        assert refs.count("REF-TEST-REFERRAL-RESTRICTED") == 1
        refs.remove("REF-TEST-REFERRAL-RESTRICTED")
        return refs

    assert order() == ["REF-TEST-A", "REF-RULES-0", "REF-RULES-1"]
    with app.app_context():
        item = db.session.scalars(select(AgendaItem).where(AgendaItem.referral_id == second)).one()
        item_id = str(item.id)
    lead.post(f"{url}/agenda/move", data={"item_id": item_id, "direction": "up"})
    assert order() == ["REF-TEST-A", "REF-RULES-1", "REF-RULES-0"]
    lead.post(f"{url}/agenda/move", data={"item_id": item_id, "direction": "up"})
    lead.post(f"{url}/agenda/move", data={"item_id": item_id, "direction": "up"})  # at the top
    assert order() == ["REF-RULES-1", "REF-TEST-A", "REF-RULES-0"]
    page = lead.get(url).get_data(as_text=True)
    # Head A works at a1: a conflict on a1's cases (REF-TEST-A, REF-RULES-0), not on a2's.
    assert page.count("govuk-tag--orange") == 2
    assert "Not quorate: 1 of the 2 members" in page
    response = lead.post(
        f"{url}/conflicts",
        data={"item_id": item_id, "conflicts_declared": "P Panel knows the family"},
    )
    assert response.status_code == 302
    assert "P Panel knows the family" in lead.get(url).get_data(as_text=True)
    lead.post(f"{url}/agenda/remove", data={"item_id": item_id})
    assert order() == ["REF-TEST-A", "REF-RULES-0"]
    with app.app_context():
        referral = db.session.get(Referral, second)
        assert referral is not None and referral.status is ReferralStatus.SUBMITTED
    # Removing a member needs the button's confirmation field.
    lead.post(f"/panels/members/{world['member_a']}/remove")
    with app.app_context():
        assert db.session.get(PanelMeeting, meeting_id).members  # type: ignore[union-attr]
    lead.post(f"/panels/members/{world['member_a']}/remove", data={"remove": "yes"})
    with app.app_context():
        assert not db.session.get(PanelMeeting, meeting_id).members  # type: ignore[union-attr]


def _past_meeting_with(app: Flask, world: World, referral_ids: list[Any]) -> Any:
    with app.app_context():
        meeting = PanelMeeting(cluster_id=world["A"], meeting_date=TODAY, location="Hub")
        db.session.add(meeting)
        db.session.flush()
        for n, rid in enumerate(referral_ids, start=1):
            db.session.add(AgendaItem(meeting_id=meeting.id, referral_id=rid, position=n))
            db.session.get(Referral, rid).status = ReferralStatus.SCHEDULED  # type: ignore[union-attr]
        db.session.commit()
        return meeting.id


def test_decisions_need_rationale_and_valid_amounts(app: Flask, world: World) -> None:
    (rid,) = _submitted(app, world, 1)
    meeting_id = _past_meeting_with(app, world, [rid])
    lead = client_for(app, "lead")
    url = f"/panels/meetings/{meeting_id}/referrals/{rid}/decision"
    for overrides, message in (
        ({"rationale": ""}, "Enter the reasons for the decision"),
        ({"amount_awarded": "-5"}, "Amount awarded must be £0 or more"),
        ({"amount_awarded": "five hundred"}, "Amount awarded must be an amount in pounds"),
        ({"amount_awarded": ""}, "Enter the amount awarded"),
        ({"outcome": "advice", "amount_awarded": ""}, "Enter the advice the panel gave"),
        ({"outcome": "declined", "amount_awarded": "10"}, "Leave the amount blank unless"),
        ({"award_end": day(TODAY - timedelta(days=5))}, "End of the award period"),
        ({"decision_date": day(TODAY + timedelta(days=1))}, "must not be in the future"),
        ({"outcome": ""}, "Choose the panel&#39;s decision"),
        ({"action_description": "Call the parents"}, "Enter who will do it"),
    ):
        response = lead.post(url, data=_decision_data(**overrides))
        assert response.status_code == 400, overrides
        assert message in response.get_data(as_text=True), (overrides, message)
    with app.app_context():
        assert count(PanelDecision, PanelDecision.referral_id == rid) == 0
        assert db.session.get(Referral, rid).status is ReferralStatus.SCHEDULED  # type: ignore[union-attr]
    # A future meeting's cases cannot be decided yet.
    response = lead.get(
        f"/panels/meetings/{world['meeting_a']}/referrals/{world['referral_a']}/decision"
    )
    assert response.status_code == 302


def _set_allocation(app: Flask, world: World, amount: str) -> None:
    with app.app_context():
        budget = db.session.scalars(
            select(ClusterBudget).where(
                ClusterBudget.cluster_id == world["A"],
                ClusterBudget.financial_year == financial_year_of(TODAY),
            )
        ).one()
        budget.allocation = Decimal(amount)
        db.session.commit()


def test_an_award_that_would_overspend_needs_an_officer_override(app: Flask, world: World) -> None:
    first, second = _submitted(app, world, 2)
    meeting_id = _past_meeting_with(app, world, [first, second])
    # Up to £2,400 of it committed by the world's A-side decisions (decision_a's £1,200, and
    # £600 each for the restricted child's and the unscheduled referral's, in most years).
    _set_allocation(app, world, "3000")
    with app.app_context():
        from sendtrack.models import Cluster
        from sendtrack.services.panels import budgets as cluster_budgets

        cluster = db.session.get(Cluster, world["A"])
        assert cluster is not None
        remaining = cluster_budgets.position(cluster, financial_year_of(TODAY)).remaining
        assert remaining is not None
    too_much = str(remaining + Decimal("1"))
    lead = client_for(app, "lead")
    url = f"/panels/meetings/{meeting_id}/referrals/{first}/decision"
    response = lead.post(url, data=_decision_data(amount_awarded=too_much))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "would overspend the Cluster A budget" in page and "ask an LA officer" in page
    # A draft is not a commitment: it may be saved and confirmed later by an officer.
    response = lead.post(
        url, data=_decision_data(amount_awarded=too_much, confirm=None, save_draft="Save as draft")
    )
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.scalars(
            select(PanelDecision).where(PanelDecision.referral_id == first)
        ).one()
        draft_id, version = draft.id, draft.version
    assert (
        lead.post(f"/panels/decisions/{draft_id}/confirm", data={"version": version}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(PanelDecision, draft_id).confirmed_at is None  # type: ignore[union-attr]
    officer = client_for(app, "officer")
    edit = officer.get(f"/panels/decisions/{draft_id}/edit").get_data(as_text=True)
    data = _decision_data(amount_awarded=too_much, version=version_in(edit))
    response = officer.post(f"/panels/decisions/{draft_id}/edit", data=data)
    assert response.status_code == 400
    assert "enter the reason for overriding the budget" in response.get_data(as_text=True)
    data["budget_override_reason"] = "Exceptional need agreed by the head of SEND"
    response = officer.post(f"/panels/decisions/{draft_id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        decision = db.session.get(PanelDecision, draft_id)
        assert decision is not None and decision.confirmed_at is not None
        assert decision.budget_override_reason == "Exceptional need agreed by the head of SEND"
        assert decision.budget_override_by_id == world["officer"]
    budgets = officer.get("/panels/budgets").get_data(as_text=True)
    assert "Overspent" in budgets


def test_a_confirmed_decision_is_locked_and_changes_are_audited(app: Flask, world: World) -> None:
    lead = client_for(app, "lead")
    url = f"/panels/decisions/{world['decision_a']}/edit"
    page = lead.get(url).get_data(as_text=True)
    assert "confirmed and locked" in page
    held = TODAY - timedelta(days=21)
    data = _decision_data(
        outcome="advice_and_resources",
        advice_given="Precision teaching three times a week",
        rationale="Clear evidence of need and of the school's own provision",
        decision_date=day(held),
        award_start=day(held),
        award_end=day(held + timedelta(days=180)),
        review_date=day(held + timedelta(days=180)),
        amount_awarded="900",
        version=version_in(page),
        confirm="Confirm decision",
    )
    response = lead.post(url, data=data)
    assert response.status_code == 400
    assert "enter the reason for changing it" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PanelDecision, world["decision_a"]).amount_awarded == Decimal("1200")  # type: ignore[union-attr]
    data["change_reason"] = "The school already funds part of the programme"
    response = lead.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == str(world["decision_a"]),
                AuditEvent.summary.like("Confirmed decision changed%"),
            )
        ).one()
        assert event.changes is not None
        old, new = event.changes["amount_awarded"]
        assert (Decimal(old), Decimal(new)) == (Decimal("1200"), Decimal("900"))
        assert "already funds part" in (event.summary or "")
    page = lead.get(f"/panels/decisions/{world['decision_a']}").get_data(as_text=True)
    assert "The school already funds part of the programme" in page and "→" in page


def test_actions_payments_follow_up_and_impact(app: Flask, world: World) -> None:
    lead = client_for(app, "lead")
    follow = lead.get("/panels/follow-up").get_data(as_text=True)
    assert "Send the reading assessment to the EP" in follow  # due two weeks ago
    assert "Overdue actions (1)" in follow and "Reviews due (0)" in follow
    assert "1 overdue action" in lead.get("/home").get_data(as_text=True)
    decision_url = f"/panels/decisions/{world['decision_a']}"
    response = lead.post(
        f"{decision_url}/actions/new",
        data={
            "description": "Phone the parents",
            "owner": "Area SEND Lead",
            "due_date": day(TODAY),
        },
    )
    assert response.status_code == 302
    lead.post(f"/panels/actions/{world['action_a']}/done")
    with app.app_context():
        action = db.session.get(PanelAction, world["action_a"])
        assert action is not None and action.completed_on == TODAY
    assert "Overdue actions (0)" in lead.get("/panels/follow-up").get_data(as_text=True)

    page = lead.get(f"{decision_url}/payment").get_data(as_text=True)
    bad = lead.post(
        f"{decision_url}/payment", data={"version": version_in(page), "amount_paid": "5000"}
    )
    assert bad.status_code == 400 and "no more than the £1,200 awarded" in bad.get_data(
        as_text=True
    )
    ok = lead.post(
        f"{decision_url}/payment", data={"version": version_in(page), "amount_paid": "600"}
    )
    assert ok.status_code == 302
    assert "£600" in lead.get(f"/panels/budgets/{world['A']}").get_data(as_text=True)
    # The same form again, from before that save: refused at the top, what was typed kept.
    stale = lead.post(
        f"{decision_url}/payment", data={"version": version_in(page), "amount_paid": "700"}
    )
    html = stale.get_data(as_text=True)
    assert stale.status_code == 400 and "changed by someone else: reload the page" in html
    assert 'value="700"' in html
    assert "£600" in lead.get(f"/panels/budgets/{world['A']}").get_data(as_text=True)

    with app.app_context():
        decision = db.session.get(PanelDecision, world["decision_a"])
        assert decision is not None
        decision.review_date = TODAY - timedelta(days=1)
        db.session.commit()
    assert "Reviews due (1)" in lead.get("/panels/follow-up").get_data(as_text=True)
    page = lead.get(f"{decision_url}/impact").get_data(as_text=True)
    assert (
        lead.post(f"{decision_url}/impact", data={"version": version_in(page)}).status_code == 400
    )
    response = lead.post(
        f"{decision_url}/impact",
        data={
            "version": version_in(page),
            "impact_effective": "partly",
            "more_needed": "yes",
            "impact_notes": "Reading age up a year; spelling still behind",
        },
    )
    assert response.status_code == 302
    assert "Reviews due (0)" in lead.get("/panels/follow-up").get_data(as_text=True)
    assert "spelling still behind" in lead.get(decision_url).get_data(as_text=True)


def test_officers_set_allocations(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    url = f"/panels/budgets/{world['B']}/allocation"
    assert officer.get(url + "?year=nonsense").status_code == 200
    for data, message in (
        ({"financial_year": "2030", "allocation": "100"}, "Enter the financial year as"),
        ({"financial_year": "2030-31", "allocation": "-1"}, "Allocation must be £0 or more"),
        ({"financial_year": "2030-31", "allocation": "abc"}, "must be an amount in pounds"),
    ):
        response = officer.post(url, data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    response = officer.post(url, data={"financial_year": "2030-31", "allocation": "45,000"})
    assert response.status_code == 302
    page = officer.get("/panels/budgets?year=2030-31").get_data(as_text=True)
    assert "£45,000" in page
    assert client_for(app, "lead").get(url).status_code == 403
