"""Panel records for the test world: on each side a past meeting (three weeks ago) with a
decided referral whose confirmed decision awarded £1,200 and set one action, and a member
on the upcoming meeting (meeting_a / meeting_b). The A-side member works at a1, the
referring school of referral_a, so has a conflict of interest on that case."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    DecisionOutcome,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Referral,
    ReferralStatus,
    RequestType,
    WouldRequestEhcna,
)
from tests.clock import TODAY
from tests.world import World


def build(w: World, password: str) -> None:
    del password
    today = TODAY
    held = today - timedelta(days=21)
    for side, cluster, setting, pupil in (("a", "A", "a1", "pupil_a"), ("b", "B", "b1", "pupil_b")):
        meeting = PanelMeeting(
            cluster_id=w[cluster],
            meeting_date=held,
            start_time=time(13, 0),
            location="Cluster hub",
            chair_name="Past Chair",
        )
        db.session.add(meeting)
        db.session.flush()
        w.ids[f"meeting_past_{side}"] = meeting.id
        referral = Referral(
            reference=f"REF-TEST-D{side.upper()}",
            pupil_id=w[pupil],
            setting_id=w[setting],
            cluster_id=w[cluster],
            status=ReferralStatus.DECIDED,
            request_type=RequestType.BOTH,
            amount_requested=Decimal("1500"),
            reason="Reading has stalled despite two cycles of support",
            would_request_ehcna=WouldRequestEhcna.YES,
            submitted_date=held - timedelta(days=14),
        )
        db.session.add(referral)
        db.session.flush()
        w.ids[f"referral_decided_{side}"] = referral.id
        db.session.add(AgendaItem(meeting_id=meeting.id, referral_id=referral.id, position=1))
        decision = PanelDecision(
            referral_id=referral.id,
            meeting_id=meeting.id,
            decision_date=held,
            outcome=DecisionOutcome.ADVICE_AND_RESOURCES,
            rationale="Clear evidence of need and of the school's own provision",
            advice_given="Precision teaching three times a week",
            amount_awarded=Decimal("1200"),
            award_start=held,
            award_end=held + timedelta(days=180),
            review_date=held + timedelta(days=180),
            confirmed_at=datetime.combine(held, time(16, 0), tzinfo=UTC),
        )
        db.session.add(decision)
        db.session.flush()
        w.ids[f"decision_{side}"] = decision.id
        action = PanelAction(
            decision_id=decision.id,
            description="Send the reading assessment to the EP",
            owner="SENCO",
            due_date=held + timedelta(days=7),
        )
        db.session.add(action)
        member = PanelMember(
            meeting_id=w[f"meeting_{side}"],
            name=f"Head {side.upper()}",
            professional_role="Headteacher",
            setting_id=w[setting],
        )
        db.session.add(member)
        db.session.flush()
        w.ids[f"action_{side}"] = action.id
        w.ids[f"member_{side}"] = member.id
