"""Demo EHC needs assessment requests: about a year of them at every stage, made through the
same services the pages use. Some are overdue, some have 20-week exceptions, some final
plans are issued (those children become E), and plans issued a year ago have annual reviews
due or overdue. The demo SENCO's school (990001) has requests of its own."""

from __future__ import annotations

from datetime import date, timedelta

from sendtrack.demo.context import DemoContext
from sendtrack.models import (
    AssessDecision,
    AssessmentOutcome,
    ExceptionGround,
    Pupil,
    RequestSource,
    SenStatus,
)
from sendtrack.services.ehcna import annual_reviews
from sendtrack.services.ehcna import requests as ehcna

S = RequestSource
A, N, W = AssessDecision.ASSESS, AssessDecision.NOT_ASSESS, AssessDecision.WITHDRAWN
ISSUE, NOT_ISSUE = AssessmentOutcome.ISSUE, AssessmentOutcome.NOT_ISSUE

# (received days ago, source, decision after N days, decision, outcome after N days,
#  outcome, draft after N days, final plan after N days, exception ground, assigned)
CASES = [
    (3, S.SETTING, None, None, None, None, None, None, None, False),
    (12, S.PARENT, None, None, None, None, None, None, None, True),
    (37, S.SETTING, None, None, None, None, None, None, None, True),  # decision due this week
    (40, S.HEALTH, None, None, None, None, None, None, None, True),
    (51, S.PARENT, None, None, None, None, None, None, None, True),  # decision overdue
    (64, S.SETTING, None, None, None, None, None, None, None, False),  # decision overdue
    (58, S.SETTING, 40, A, None, None, None, None, None, True),
    (90, S.SOCIAL_CARE, 42, A, None, None, None, None, None, True),
    (108, S.PARENT, 39, A, None, None, None, None, None, True),  # week 16 due this week
    (125, S.SETTING, 47, A, None, None, None, None, ExceptionGround.ABSENCE, True),
    (131, S.SETTING, 41, A, 98, ISSUE, 100, None, None, True),  # plan due in 9 days
    (152, S.PARENT, 36, A, 101, ISSUE, 103, None, ExceptionGround.PERSONAL_CIRCUMSTANCES, True),
    (160, S.HEALTH, 40, A, 104, ISSUE, 110, None, None, True),  # final plan overdue
    (75, S.PARENT, 33, N, None, None, None, None, None, True),
    (96, S.SETTING, 45, N, None, None, None, None, None, True),  # decided late
    (80, S.PARENT, 20, W, None, None, None, None, None, False),
    (170, S.SETTING, 40, A, 108, NOT_ISSUE, None, None, None, True),
    (200, S.SETTING, 38, A, 100, ISSUE, 105, 133, None, True),
    (230, S.PARENT, 41, A, 97, ISSUE, 110, 140, None, True),  # day 140: in time
    (250, S.OTHER, 42, A, 106, ISSUE, 120, 141, None, True),  # day 141: late
    (270, S.SETTING, 44, A, 110, ISSUE, 128, 168, ExceptionGround.SETTING_CLOSURE, True),
    (300, S.PARENT, 40, A, 104, ISSUE, 115, 138, None, True),
    (330, S.SETTING, 39, A, 99, ISSUE, 111, 137, None, True),
    (360, S.HEALTH, 41, A, 102, ISSUE, 125, 150, None, True),
    # A year or more ago: their plans are now due an annual review.
    (480, S.SETTING, 40, A, 100, ISSUE, 112, 139, None, True),
    (505, S.PARENT, 38, A, 95, ISSUE, 108, 136, None, True),
    (520, S.SETTING, 42, A, 103, ISSUE, 118, 140, None, True),
]
EXCEPTION_REASONS = {
    ExceptionGround.ABSENCE: "The family were abroad visiting relatives for six weeks.",
    ExceptionGround.PERSONAL_CIRCUMSTANCES: "A close family bereavement during the assessment.",
    ExceptionGround.SETTING_CLOSURE: "The school was closed over the summer when the "
    "educational psychologist's advice was requested.",
}


def _children(ctx: DemoContext, count: int) -> list[Pupil]:
    """Children at SEN support, the SENCO's school first for every third request, so the
    demo SENCO has requests of their own."""
    settings = ctx.made["settings"]
    home = [p for p in ctx.made["pupils"] if p.setting_id == settings["990001"].id]
    others = [p for p in ctx.made["pupils"] if p.setting_id != settings["990001"].id]
    home = [p for p in home if p.sen_status is SenStatus.SEN_SUPPORT]
    others = [p for p in others if p.sen_status is SenStatus.SEN_SUPPORT]
    chosen: list[Pupil] = []
    for i in range(count):
        pool = home if i % 3 == 0 and home else others
        chosen.append(pool.pop(ctx.rng.randrange(len(pool))))
    return chosen


def seed_ehcna(ctx: DemoContext) -> None:
    today = date.today()
    officer = ctx.made["users"]["officer"]
    made = []
    for child, case in zip(_children(ctx, len(CASES)), CASES, strict=True):
        ago, source, decided, decision, outcome_at, outcome, draft, final, ground, assign = case
        received = today - timedelta(days=ago)
        request = ehcna.record_request(officer, child, received, source)
        if assign:
            ehcna.update_case(
                officer,
                request,
                assigned_officer_id=officer.id,
                mediation=False,
                tribunal=False,
                notes=None,
            )
        if decision is not None and decided is not None:
            ehcna.record_decision(officer, request, decision, received + timedelta(days=decided))
        if outcome is not None and outcome_at is not None:
            ehcna.record_outcome(officer, request, outcome, received + timedelta(days=outcome_at))
        if ground is not None:
            ehcna.add_exception(
                officer,
                request,
                ground,
                EXCEPTION_REASONS[ground],
                received + timedelta(days=60),
                received + timedelta(days=95),
            )
        if draft is not None:
            ehcna.record_plan(
                officer,
                request,
                received + timedelta(days=draft),
                received + timedelta(days=final) if final is not None else None,
            )
        made.append(request)
    # One older plan has had its review meeting and is waiting for the council's decision.
    oldest = made[-1]
    review = annual_reviews.reviews_for_child(oldest.pupil_id)[0]
    annual_reviews.record_review(
        officer,
        review,
        meeting_date=min(today, review.due_date) - timedelta(days=10),
        decision=None,
        decision_date=None,
        notes="Parents and school want more speech and language therapy time.",
    )
    ctx.made["ehcna_requests"] = made
