"""EHCNA records for the test world: on the A side a child at a1 with a request awaiting a
decision (with a 20-week exception) and a child at a1 with an issued plan and its first
annual review; on the B side the same at b1, which A-side accounts must never see."""

from __future__ import annotations

from datetime import date, timedelta

from sendtrack.extensions import db
from sendtrack.models import (
    AnnualReview,
    AssessDecision,
    AssessmentOutcome,
    EhcnaRequest,
    ExceptionGround,
    RequestSource,
    SenStatus,
    Sex,
    TimescaleException,
)
from sendtrack.services.pupils import records as pupils
from tests.clock import TODAY
from tests.world import World


def build(w: World, password: str) -> None:
    del password
    today = TODAY
    for side, setting, surname in (("a", "a1", "Ashworth"), ("b", "b1", "Barraclough")):
        child = pupils.create_pupil(
            None,
            pupils.PupilDetails(
                legal_surname=surname,
                legal_forename="Eden",
                date_of_birth=date(2016, 6, 2),
                sex=Sex.MALE,
                setting_id=w[setting],
            ),
            sen_status=SenStatus.SEN_SUPPORT,
            status_since=today - timedelta(days=400),
        )
        w.ids[f"ehcna_child_{side}"] = child.id
        request = EhcnaRequest(
            reference=f"EHCNA-TEST-{side.upper()}",
            pupil_id=child.id,
            setting_id=w[setting],
            received_date=today - timedelta(days=30),
            request_source=RequestSource.SETTING,
        )
        db.session.add(request)
        db.session.flush()
        w.ids[f"request_{side}"] = request.id
        exception = TimescaleException(
            request_id=request.id,
            ground=ExceptionGround.ABSENCE,
            reason="Family abroad for six weeks",
            start_date=today - timedelta(days=20),
        )
        db.session.add(exception)
        planned = pupils.create_pupil(
            None,
            pupils.PupilDetails(
                legal_surname=f"{surname}-Plan",
                legal_forename="Rowan",
                date_of_birth=date(2015, 1, 9),
                sex=Sex.FEMALE,
                setting_id=w[setting],
            ),
            sen_status=SenStatus.EHC_PLAN,
            status_since=today - timedelta(days=300),
        )
        w.ids[f"plan_child_{side}"] = planned.id
        issued = EhcnaRequest(
            reference=f"EHCNA-TEST-PLAN-{side.upper()}",
            pupil_id=planned.id,
            setting_id=w[setting],
            received_date=today - timedelta(days=440),
            request_source=RequestSource.PARENT,
            decision=AssessDecision.ASSESS,
            decision_date=today - timedelta(days=400),
            outcome=AssessmentOutcome.ISSUE,
            outcome_date=today - timedelta(days=330),
            plan_issued_date=today - timedelta(days=300),
        )
        db.session.add(issued)
        db.session.flush()
        w.ids[f"plan_request_{side}"] = issued.id
        review = AnnualReview(
            pupil_id=planned.id, request_id=issued.id, due_date=today + timedelta(days=65)
        )
        db.session.add(review)
        db.session.flush()
        w.ids[f"exception_{side}"] = exception.id
        w.ids[f"review_{side}"] = review.id
