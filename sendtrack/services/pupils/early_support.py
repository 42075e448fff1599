"""A child's earlier early-support episodes, shown on their EHCNA request: confirmed panel
decisions giving advice and/or resources, and Reception transition funding awards (the
episodes of the "requests avoided" method in services/statistics/avoided.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import PanelDecision, Referral, RtfApplication, RtfDecision
from sendtrack.models.panels import EARLY_SUPPORT_OUTCOMES


@dataclass(frozen=True)
class EarlySupport:
    kind: str  # "Panel decision" or "Reception transition funding"
    reference: str
    decided: date
    what: str


def early_support(pupil_id: uuid.UUID, before: date | None = None) -> list[EarlySupport]:
    """The child's earlier early-support episodes: confirmed panel decisions giving advice
    and/or resources, and RTF awards (the episodes of the "requests avoided" method)."""
    found: list[EarlySupport] = []
    panel = (
        select(PanelDecision, Referral.reference)
        .join(Referral, Referral.id == PanelDecision.referral_id)
        .where(
            Referral.pupil_id == pupil_id,
            PanelDecision.confirmed_at.is_not(None),
            PanelDecision.outcome.in_(sorted(EARLY_SUPPORT_OUTCOMES)),
        )
    )
    rtf = select(RtfApplication).where(
        RtfApplication.pupil_id == pupil_id,
        RtfApplication.decision.in_([RtfDecision.APPROVED, RtfDecision.PART_APPROVED]),
        RtfApplication.decision_date.is_not(None),
    )
    if before is not None:
        panel = panel.where(PanelDecision.decision_date <= before)
        rtf = rtf.where(RtfApplication.decision_date <= before)
    for decision, reference in db.session.execute(panel):
        what = decision.outcome.label
        if decision.amount_awarded:
            what += f", £{decision.amount_awarded:,.2f} awarded"
        found.append(EarlySupport("Panel decision", reference, decision.decision_date, what))
    for application in db.session.scalars(rtf):
        assert application.decision is not None and application.decision_date is not None
        found.append(
            EarlySupport(
                "Reception transition funding",
                application.reference,
                application.decision_date,
                f"{application.decision.label}, £{application.amount_awarded or 0:,.2f} awarded",
            )
        )
    return sorted(found, key=lambda e: (e.decided, e.reference))
