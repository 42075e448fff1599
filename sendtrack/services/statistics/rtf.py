"""Reception Transition Funding: applications received, awards approved, money awarded.

- applications: applications whose `application_date` is in the period (drafts have none).
- approved: applications decided approved or part approved with a `decision_date` in the
  period; declined applications are not counted.
- amount_awarded: pounds awarded by those approvals, to the penny.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sendtrack.models import RtfApplication, RtfDecision
from sendtrack.services.statistics.referrals import pounds

AWARDS = [d.value for d in RtfDecision if d.is_award]


def rtf_measures(session: Session, date_from: date, date_to: date) -> dict[str, int | float]:
    applications = session.scalar(
        select(func.count())
        .select_from(RtfApplication)
        .where(
            RtfApplication.application_date >= date_from,
            RtfApplication.application_date <= date_to,
        )
    )
    approved, awarded = session.execute(
        select(func.count(), func.sum(RtfApplication.amount_awarded)).where(
            RtfApplication.decision.in_(AWARDS),
            RtfApplication.decision_date >= date_from,
            RtfApplication.decision_date <= date_to,
        )
    ).one()
    return {
        "rtf.applications": applications or 0,
        "rtf.approved": approved or 0,
        "rtf.amount_awarded": pounds(awarded),
    }
