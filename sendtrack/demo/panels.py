"""Demo cluster panels: Northbrook's meetings (two held, two coming up) with members,
referrals at every status, confirmed decisions with awards and actions (one overdue, one
review due), last year's budgets, and a Riverside panel for the other cluster. The demo
SENCO's school keeps children with consent who have not been referred yet, so a new user
can make a referral straight away."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from sendtrack.demo.context import DemoContext
from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    DecisionOutcome,
    PanelMeeting,
    Pupil,
    Referral,
    ReferralStatus,
    RequestType,
    SenStatus,
    User,
    WouldRequestEhcna,
)
from sendtrack.school_year import financial_year_of
from sendtrack.services.panels import budgets as cluster_budgets
from sendtrack.services.panels import decisions, meetings, referrals

REASON = (
    "Two assess-plan-do-review cycles of small-group support have not closed the gap; "
    "the school would like the panel's advice and funding for a targeted programme."
)


def _children(ctx: DemoContext, urn: str) -> list[Pupil]:
    found = [
        p
        for p in ctx.made["pupils"]
        if p.setting.urn == urn and p.sen_status is SenStatus.SEN_SUPPORT
    ]
    for p in found:
        # Parents told about SEN support and agreed to a panel discussion.
        p.panel_consent = True
        p.panel_consent_date = p.panel_consent_date or date.today() - timedelta(days=60)
    return found


def _refer(
    actor: User, child: Pupil, on: date, kind: RequestType, amount: str | None, **extra: str
) -> Referral:
    return referrals.create_referral(
        actor,
        child,
        referrals.ReferralDetails(
            request_type=kind,
            amount_requested=Decimal(amount) if amount else None,
            reason=extra.get("reason", REASON),
            child_views=extra.get("child", "I like working with Mrs Khan in the small group."),
            parent_views=extra.get("parent", "We can see the school is trying; we want more help."),
            professionals_involved=extra.get("pros", "School nurse; speech and language therapy"),
            would_request_ehcna=WouldRequestEhcna(extra.get("ehcna", "yes")),
        ),
        submit=True,
        today=on,
    )


def _held(cluster_id: object, on: date, chair: str, place: str) -> PanelMeeting:
    meeting = PanelMeeting(
        cluster_id=cluster_id, meeting_date=on, start_time=time(13, 30), location=place,
        chair_name=chair, co_chair_name="Mrs J Okafor (Hillcrest headteacher)",
    )  # fmt: skip
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _on_agenda(meeting: PanelMeeting, chosen: list[Referral]) -> None:
    for n, referral in enumerate(chosen, start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, referral_id=referral.id, position=n))
        referral.status = ReferralStatus.SCHEDULED
    db.session.flush()


def _decide(
    lead: User, meeting: PanelMeeting, referral: Referral, outcome: DecisionOutcome,
    amount: str | None, advice: str | None, review_days: int | None,
    action: tuple[str, str, int] | None = None,
) -> None:  # fmt: skip
    on = meeting.meeting_date
    award = outcome in decisions.AWARD_OUTCOMES
    decisions.record_decision(
        lead,
        meeting,
        referral,
        decisions.DecisionDetails(
            outcome=outcome,
            rationale="The evidence shows need beyond what the school can meet from its own "
            "SEN budget, and a clear plan for using the support.",
            decision_date=on,
            advice_given=advice,
            amount_awarded=Decimal(amount) if amount else None,
            award_start=on if award else None,
            award_end=on + timedelta(days=182) if award else None,
            conditions="Progress reported at the review" if award else None,
            review_date=on + timedelta(days=review_days) if review_days else None,
            action=decisions.NewAction(action[0], action[1], on + timedelta(days=action[2]))
            if action
            else None,
        ),
        confirm=True,
        today=date.today(),
    )


def seed_panels(ctx: DemoContext) -> None:
    today = date.today()
    users = ctx.made["users"]
    senco, lead, officer, panel = users["senco"], users["lead"], users["officer"], users["panel"]
    northbrook, riverside = ctx.made["clusters"][0], ctx.made["clusters"][1]
    last_year = financial_year_of(today - timedelta(days=366))
    for i, cluster in enumerate(ctx.made["clusters"]):
        cluster_budgets.set_allocation(officer, cluster, last_year, Decimal(55000 + 15000 * i))

    ours = _children(ctx, "990001")
    hillcrest = _children(ctx, "990002")
    theirs = _children(ctx, "990007")

    # Two Northbrook panels already held, with decisions.
    first = _held(
        northbrook.id, today - timedelta(days=63), "Lee Lead", "Northbrook Teachers' Centre"
    )
    second = _held(
        northbrook.id, today - timedelta(days=14), "Lee Lead", "Northbrook Teachers' Centre"
    )
    before_first = first.meeting_date - timedelta(days=21)
    before_second = second.meeting_date - timedelta(days=21)
    a = _refer(senco, ours[0], before_first, RequestType.BOTH, "1500")
    b = _refer(senco, ours[1], before_first, RequestType.RESOURCES, "2500")
    c = _refer(officer, hillcrest[0], before_first, RequestType.ADVICE, None, ehcna="unsure")
    d = _refer(senco, ours[2], before_second, RequestType.BOTH, "3000", ehcna="no")
    e = _refer(senco, ours[3], before_second, RequestType.ADVICE, None)
    _on_agenda(first, [a, b, c])
    _on_agenda(second, [d, e])
    _decide(
        lead, first, a, DecisionOutcome.ADVICE_AND_RESOURCES, "1200",
        "Precision teaching daily; EP consultation in the spring term", 56,
        ("Book the educational psychologist's consultation", "SENCO", 21),
    )  # fmt: skip
    _decide(
        lead, first, b, DecisionOutcome.RESOURCES, "2500", None, 120,
        ("Send the termly progress data to the Area SEND Lead", "SENCO", 90),
    )  # fmt: skip
    _decide(
        lead, first, c, DecisionOutcome.SIGNPOSTED, None,
        None, None, ("Refer the family to the early help hub", "Hillcrest SENCO", 14),
    )  # fmt: skip
    _decide(lead, second, d, DecisionOutcome.DECLINED, None, None, None)
    _decide(
        lead, second, e, DecisionOutcome.ADVICE, None,
        "Use the speech and language therapy service's language-rich classroom toolkit", 90,
    )  # fmt: skip

    # Two panels coming up: the next one already has an agenda.
    upcoming = []
    for days, place in ((14, "Northbrook Teachers' Centre"), (42, None)):
        upcoming.append(
            meetings.create_meeting(
                lead,
                meetings.MeetingDetails(
                    cluster_id=northbrook.id,
                    meeting_date=today + timedelta(days=days),
                    start_time=time(13, 30),
                    location=place,
                    online_link=None if place else "https://meet.example.org/northbrook-panel",
                    chair_name="Lee Lead",
                    co_chair_name="Mrs J Okafor (Hillcrest headteacher)",
                ),
            )
        )
    for meeting in [first, second, upcoming[0]]:
        for name, role, user_id, setting_id in (
            ("Lee Lead", "Area SEND Lead (chair)", lead.id, None),
            ("Mrs J Okafor", "Headteacher", None, ctx.made["settings"]["990002"].id),
            ("Pat Panel", "Educational psychologist", panel.id, None),
            ("Sunita Rao", "Speech and language therapist", None, None),
            ("Tom Achebe", "Virtual School", None, None),
        ):
            meetings.add_member(lead, meeting, name, role, user_id=user_id, setting_id=setting_id)
    f = _refer(senco, ours[4], today - timedelta(days=10), RequestType.BOTH, "1800")
    g = _refer(officer, hillcrest[1], today - timedelta(days=8), RequestType.RESOURCES, "900")
    meetings.add_to_agenda(lead, upcoming[0], [f.id, g.id])

    # Waiting for a panel, returned, withdrawn and a draft, at the demo SENCO's school.
    _refer(senco, ours[5], today - timedelta(days=3), RequestType.ADVICE, None)
    returned = _refer(senco, ours[6], today - timedelta(days=12), RequestType.BOTH, "2000")
    referrals.return_referral(
        lead, returned, "Please attach the latest speech and language therapy report"
    )
    withdrawn = _refer(senco, ours[7], today - timedelta(days=30), RequestType.ADVICE, None)
    referrals.withdraw_referral(senco, withdrawn, "The family has moved out of the area")
    referrals.create_referral(
        senco,
        ours[8],
        referrals.ReferralDetails(RequestType.ADVICE, None, "Started: needs more detail"),
        submit=False,
    )

    # The other cluster's panel, for scoping: the Riverside SENCO's case.
    river = _held(riverside.id, today - timedelta(days=20), "Rita River", "Riverside Library")
    r = _refer(users["other_senco"], theirs[0], river.meeting_date - timedelta(days=14),
               RequestType.BOTH, "1600")  # fmt: skip
    _on_agenda(river, [r])
    _decide(officer, river, r, DecisionOutcome.ADVICE_AND_RESOURCES, "1600",
            "Attachment-aware strategies for the classroom", 90)  # fmt: skip
    ctx.made["panel_meetings"] = [first, second, *upcoming, river]
