"""The decision record (minutes) of a meeting and the outcome letter per referral, from the
recorded PanelDecisions. Small documents: rendered in the request, one process."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AuditAction,
    PanelDecision,
    PanelMeeting,
    Referral,
    ReferralStatus,
    User,
)
from sendtrack.services import audit, scoping
from sendtrack.services.errors import NotFound
from sendtrack.services.packs import data, pseudonyms, render


def get_referral(user: User, referral_id: uuid.UUID) -> Referral:
    """A referral the user may see (services.scoping), beyond draft."""
    referral = scoping.get_referral(user, referral_id)
    if referral.status is ReferralStatus.DRAFT:
        raise NotFound("referral")
    return referral


def latest_decision(referral: Referral) -> PanelDecision | None:
    return db.session.scalars(
        select(PanelDecision)
        .where(PanelDecision.referral_id == referral.id)
        .order_by(PanelDecision.decision_date.desc(), PanelDecision.created_at.desc())
        .options(selectinload(PanelDecision.actions))
        .limit(1)
    ).first()


def _decision(d: PanelDecision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "date": d.decision_date,
        "outcome": d.outcome.label,
        "is_award": d.amount_awarded > 0,
        "amount_awarded": str(d.amount_awarded),
        "award_start": d.award_start,
        "award_end": d.award_end,
        "rationale": d.rationale or "",
        "advice_given": d.advice_given or "",
        "conditions": d.conditions or "",
        "review_date": d.review_date,
        "confirmed": d.confirmed_at is not None,
        "actions": [
            {"description": a.description, "owner": a.owner, "due_date": a.due_date}
            for a in d.actions
        ],
    }


def decision_record(user: User | None, meeting: PanelMeeting) -> tuple[bytes, str]:
    items = list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, scoping.agenda_scope(user))
            .order_by(AgendaItem.position)
            .options(selectinload(AgendaItem.referral).selectinload(Referral.pupil))
        )
    )
    decisions = {
        d.referral_id: d
        for d in db.session.scalars(
            select(PanelDecision)
            .where(PanelDecision.meeting_id == meeting.id)
            .order_by(PanelDecision.decision_date, PanelDecision.created_at)
            .options(selectinload(PanelDecision.actions))
        )
    }
    pseudonymised = meeting.pseudonymised_pack
    rows = []
    for item in items:
        pupil = item.referral.pupil
        rows.append(
            {
                "reference": item.referral.reference,
                "child": ".".join(pupil.initials) + "." if pseudonymised else pupil.full_name,
                "setting": item.referral.setting.name,
                "conflicts": item.conflicts_declared or "",
                "decision": _decision(decisions.get(item.referral_id)),
            }
        )
    title = f"Decision record: {data.meeting_title(meeting)}"
    context: dict[str, Any] = {
        "meeting": data.meeting_data(meeting),
        "attendance": [
            {"name": m.name, "role": m.professional_role, "attended": m.attended}
            for m in meeting.members
        ],
        "items": rows,
        "decided_count": sum(1 for r in rows if r["decision"]),
        "pdf_title": title,
    }
    names = pseudonyms.Pseudonyms(
        [pseudonyms.child(i.referral.pupil) for i in items] if pseudonymised else []
    )
    if pseudonymised:
        # Each item's text about its own child first; the rest (attendance, place) too.
        context["items"] = [
            names.replaced(row, own=pseudonyms.child(item.referral.pupil))
            for row, item in zip(rows, items, strict=True)
        ]
        context = names.replaced(context)
    pdf, _ = render.render_template("pdf/pack/decision_record.html", context, tagged=True)
    if pseudonymised:
        pseudonyms.refuse_names(pdf, names, "decision record")
    audit.record(
        user,
        AuditAction.DOWNLOAD,
        "panel_meeting",
        meeting.id,
        summary=f"Decision record for {data.meeting_title(meeting)}",
    )
    return pdf, f"decision-record-{meeting.meeting_date.isoformat()}.pdf"


def outcome_letter(user: User | None, referral: Referral) -> tuple[bytes, str] | None:
    """The letter to the school, or None while no decision is recorded."""
    decision = latest_decision(referral)
    if decision is None:
        return None
    pupil = referral.pupil
    meeting = decision.meeting
    context = {
        "council_name": data.council_name(),
        "setting": referral.setting.name,
        "setting_urn": referral.setting.urn,
        "reference": referral.reference,
        "child_name": pupil.full_name,
        "date_of_birth": pupil.date_of_birth,
        "upn": pupil.upn or "",
        "cluster_name": referral.cluster.name,
        "panel_name": data.panel_name(referral.cluster.name),
        "meeting_date": meeting.meeting_date if meeting else decision.decision_date,
        "request_type": referral.request_type.label,
        "amount_requested": str(referral.amount_requested) if referral.amount_requested else "",
        "decision": _decision(decision),
        "today": date.today(),
        "pdf_title": f"Panel outcome {referral.reference}",
    }
    pdf, _ = render.render_template("pdf/pack/outcome_letter.html", context, tagged=True)
    audit.record(
        user,
        AuditAction.DOWNLOAD,
        "referral",
        referral.id,
        pupil_id=referral.pupil_id,
        summary=f"Panel outcome letter {referral.reference}",
    )
    return pdf, f"{referral.reference}-outcome-letter.pdf"
