"""Records for the test world's restricted child and for the unscheduled decided referral.

pupil_restricted (a1, restricted) gets a record of every kind the A-side children have: a
referral on meeting_a's agenda (so a new pack of meeting_a would include it), a decided
referral on meeting_past_a's agenda with a confirmed decision and an action (its outcome
letter and the meeting's decision record), a stored pack of meeting_past_a built before the
restriction (its case pages name that referral), an RTF application, an EHCNA request with
a timescale exception, an issued plan with an annual review, and an APDR cycle with an
outcome and a provision. Only LA officers and administrators may see any of them.

pupil_unscheduled (a1) has a decided referral with a confirmed decision and no meeting:
history imports bring many like it. The A-side SENCO and lead see it; the panel member
does not, as it was never on an agenda of a meeting they sit on (R2 of issue 19).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AnnualReview,
    ApdrCycle,
    ApdrOutcome,
    AssessDecision,
    AssessmentOutcome,
    CycleStatus,
    DecisionOutcome,
    EhcnaRequest,
    ExceptionGround,
    GeneratedPack,
    PackStatus,
    PanelAction,
    PanelDecision,
    Provision,
    Referral,
    ReferralStatus,
    RequestSource,
    RequestType,
    RtfApplication,
    RtfDecision,
    RtfStatus,
    Sex,
    TimescaleException,
    WouldRequestEhcna,
)
from sendtrack.services.pupils import records as pupils
from tests.clock import TODAY
from tests.world import World
from tests.world_packs import STAND_IN_PDF
from tests.world_rtf import next_september

# URL parameter -> world key of the restricted child's record of that kind.
RESTRICTED_PARAMS: dict[str, str] = {
    "pupil_id": "pupil_restricted",
    "referral_id": "referral_restricted_decided",
    "decision_id": "decision_restricted",
    "action_id": "action_restricted",
    "pack_id": "pack_restricted",
    "application_id": "rtf_restricted",
    "request_id": "request_restricted",
    "exception_id": "exception_restricted",
    "review_id": "review_restricted",
    "cycle_id": "cycle_restricted",
    "outcome_id": "outcome_restricted",
    "provision_id": "provision_restricted",
    "contact_id": "contact_restricted",
}

# URL parameter -> world key of the unscheduled decided referral's records.
UNSCHEDULED_PARAMS: dict[str, str] = {
    "pupil_id": "pupil_unscheduled",
    "referral_id": "referral_unscheduled",
    "decision_id": "decision_unscheduled",
}


def _referral(w: World, key: str, pupil: str, status: ReferralStatus, submitted: date) -> Referral:
    referral = Referral(
        reference=f"REF-TEST-{key.upper().replace('_', '-')}",
        pupil_id=w[pupil],
        setting_id=w["a1"],
        cluster_id=w["A"],
        status=status,
        request_type=RequestType.BOTH,
        amount_requested=Decimal("900"),
        reason="Needs help to settle in class",
        would_request_ehcna=WouldRequestEhcna.YES,
        submitted_date=submitted,
    )
    db.session.add(referral)
    db.session.flush()
    w.ids[key] = referral.id
    return referral


def _decision(
    w: World, key: str, referral: Referral, meeting: str | None, on: date, *, settled: bool
) -> None:
    """A confirmed award with one action; `settled`: the action done and the review not
    yet due (an old decision that adds nothing to anyone's follow-up figures)."""
    decision = PanelDecision(
        referral_id=referral.id,
        meeting_id=w[meeting] if meeting else None,
        decision_date=on,
        outcome=DecisionOutcome.ADVICE_AND_RESOURCES,
        rationale="Good evidence of the school's own support",
        advice_given="A visual timetable and a quiet space",
        amount_awarded=Decimal("600"),
        award_start=on,
        award_end=on + timedelta(days=180),
        review_date=on + timedelta(days=400 if settled else 180),
        confirmed_at=datetime.combine(on, time(16, 0), tzinfo=UTC),
    )
    db.session.add(decision)
    db.session.flush()
    w.ids[f"decision_{key}"] = decision.id
    action = PanelAction(
        decision_id=decision.id,
        description="Share the speech therapy report",
        owner="SENCO",
        due_date=on + timedelta(days=7),
        completed_on=on + timedelta(days=6) if settled else None,
    )
    db.session.add(action)
    db.session.flush()
    w.ids[f"action_{key}"] = action.id


def build(w: World, password: str) -> None:
    del password
    today = TODAY
    held = today - timedelta(days=21)

    # On meeting_a's agenda (upcoming), and decided at meeting_past_a.
    scheduled = _referral(
        w, "referral_restricted", "pupil_restricted", ReferralStatus.SCHEDULED, today
    )
    db.session.add(AgendaItem(meeting_id=w["meeting_a"], referral_id=scheduled.id, position=50))
    decided = _referral(
        w,
        "referral_restricted_decided",
        "pupil_restricted",
        ReferralStatus.DECIDED,
        held - timedelta(days=14),
    )
    db.session.add(AgendaItem(meeting_id=w["meeting_past_a"], referral_id=decided.id, position=50))
    _decision(w, "restricted", decided, "meeting_past_a", held, settled=False)

    # A pack of meeting_past_a built while the child was not yet restricted.
    pack = GeneratedPack(
        meeting_id=w["meeting_past_a"],
        version_number=1,
        fingerprint="1" * 64,
        status=PackStatus.READY,
        progress_done=3,
        progress_total=3,
        case_count=2,
        page_count=1,
        sha256=hashlib.sha256(STAND_IN_PDF).hexdigest(),
        size_bytes=len(STAND_IN_PDF),
        pdf=STAND_IN_PDF,
        case_pages={str(w["referral_decided_a"]): 1, str(decided.id): 1, "__front__": 1},
        generated_by_name="World",
    )
    db.session.add(pack)
    db.session.flush()
    w.ids["pack_restricted"] = pack.id

    application = RtfApplication(
        reference="RTF-TEST-R",
        pupil_id=w["pupil_restricted"],
        early_years_setting_id=w["ey_a"],
        receiving_setting_id=w["a1"],
        applied_by_setting_id=w["ey_a"],
        reception_year=next_september(today),
        status=RtfStatus.DECIDED,
        decision=RtfDecision.APPROVED,
        decision_date=today - timedelta(days=2),
        amount_awarded=Decimal("2000"),
        linked_at=datetime.now(UTC),  # on a1's roll already: nothing left to link
        follow_up_due=date(next_september(today), 12, 20),
        application_date=today - timedelta(days=9),
        needs_summary="Finds change hard",
        use_of_funding="Adult support at transitions",
        would_request_ehcna=WouldRequestEhcna.YES,
        parental_consent=True,
        amount_requested=Decimal("2000"),
    )
    db.session.add(application)
    db.session.flush()
    w.ids["rtf_restricted"] = application.id

    request = EhcnaRequest(
        reference="EHCNA-TEST-R",
        pupil_id=w["pupil_restricted"],
        setting_id=w["a1"],
        received_date=today - timedelta(days=25),
        request_source=RequestSource.SETTING,
    )
    db.session.add(request)
    db.session.flush()
    w.ids["request_restricted"] = request.id
    exception = TimescaleException(
        request_id=request.id,
        ground=ExceptionGround.ABSENCE,
        reason="Away for five weeks",
        start_date=today - timedelta(days=15),
    )
    db.session.add(exception)
    issued = EhcnaRequest(
        reference="EHCNA-TEST-PLAN-R",
        pupil_id=w["pupil_restricted"],
        setting_id=w["a1"],
        received_date=today - timedelta(days=700),
        request_source=RequestSource.PARENT,
        decision=AssessDecision.ASSESS,
        decision_date=today - timedelta(days=660),
        outcome=AssessmentOutcome.ISSUE,
        outcome_date=today - timedelta(days=590),
        plan_issued_date=today - timedelta(days=560),
    )
    db.session.add(issued)
    db.session.flush()
    w.ids["plan_request_restricted"] = issued.id
    review = AnnualReview(
        pupil_id=w["pupil_restricted"], request_id=issued.id, due_date=today + timedelta(days=40)
    )
    db.session.add(review)
    db.session.flush()
    w.ids["exception_restricted"] = exception.id
    w.ids["review_restricted"] = review.id

    cycle = ApdrCycle(
        pupil_id=w["pupil_restricted"],
        setting_id=w["a1"],
        number=1,
        status=CycleStatus.OPEN,
        needs_summary="Anxious in busy places",
        start_date=today - timedelta(days=50),
        review_date=today + timedelta(days=10),
    )
    cycle.outcomes.append(ApdrOutcome(position=1, description="Joins the class for lunch"))
    cycle.provisions.append(
        Provision(
            position=1,
            description="Nurture group",
            delivered_by="Teaching assistant",
            group_size=6,
            minutes_per_week=60,
            weeks=30,
            annual_cost=Decimal("150.00"),
        )
    )
    db.session.add(cycle)
    db.session.flush()
    w.ids["cycle_restricted"] = cycle.id
    w.ids["outcome_restricted"] = cycle.outcomes[0].id
    w.ids["provision_restricted"] = cycle.provisions[0].id

    # An A-side child's decided referral that was never on an agenda (imported history).
    child = pupils.create_pupil(
        None,
        pupils.PupilDetails(
            legal_surname="Offagenda",
            legal_forename="Uma",
            date_of_birth=date(2016, 11, 5),
            sex=Sex.FEMALE,
            setting_id=w["a1"],
            panel_consent=True,
            panel_consent_date=today - timedelta(days=400),
            panel_consent_recorded_by="Test",
        ),
    )
    w.ids["pupil_unscheduled"] = child.id
    unscheduled = _referral(
        w,
        "referral_unscheduled",
        "pupil_unscheduled",
        ReferralStatus.DECIDED,
        today - timedelta(days=300),
    )
    _decision(w, "unscheduled", unscheduled, None, today - timedelta(days=280), settled=True)
