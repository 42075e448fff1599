"""Plain data for a panel pack, read from the models once.

Templates never see ORM objects: each case becomes a dict of strings, numbers and dates,
which can be hashed (the cache key), pickled to a render worker and rendered without any
way back to the database. The pseudonymised pack is made here, before rendering: names
become initials, every string of a case goes through services.packs.pseudonyms (so the
names of every child on the agenda are replaced inside free text too), and UPN, date of
birth and addresses are left out.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sendtrack import settings
from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    ApdrCycle,
    LocalAuthority,
    PanelDecision,
    PanelMeeting,
    Pupil,
    Referral,
    RtfApplication,
)
from sendtrack.school_year import age_on, year_group, year_group_label
from sendtrack.services.packs import pseudonyms
from sendtrack.services.ranges import judgements, planning
from sendtrack.services.scoping import pack_case_scope

DEFAULT_THRESHOLD = Decimal("6000")


def council_name() -> str:
    la = db.session.scalar(select(LocalAuthority).limit(1))
    if la is not None:
        return la.name
    return str(settings.config().get("COUNCIL_NAME", "Council"))


def notional_threshold() -> Decimal:
    value = db.session.scalar(select(LocalAuthority.notional_sen_threshold).limit(1))
    return Decimal(value) if value is not None else DEFAULT_THRESHOLD


def panel_name(cluster_name: str) -> str:
    """ "Northbrook cluster panel", whether the cluster is called "Northbrook" or "Northbrook
    cluster" (councils name them both ways)."""
    if cluster_name.lower().endswith("cluster"):
        return f"{cluster_name} panel"
    return f"{cluster_name} cluster panel"


def meeting_title(meeting: PanelMeeting) -> str:
    return f"{meeting.cluster.name} panel, {meeting.meeting_date.day} {meeting.meeting_date:%B %Y}"


def meeting_data(meeting: PanelMeeting) -> dict[str, Any]:
    """The cover: who meets, when and where. Panel members are adults named on purpose."""
    return {
        "council_name": council_name(),
        "cluster_name": meeting.cluster.name,
        "panel_name": panel_name(meeting.cluster.name),
        "title": meeting_title(meeting),
        "meeting_date": meeting.meeting_date,
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
        "location": meeting.location or "",
        "online": bool(meeting.online_link),
        "chair_name": meeting.chair_name or "",
        "co_chair_name": meeting.co_chair_name or "",
        "members": [{"name": m.name, "role": m.professional_role} for m in meeting.members],
    }


def _money(value: Decimal | None) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _cycle(cycle: ApdrCycle) -> dict[str, Any]:
    total = sum((Decimal(x.annual_cost or 0) for x in cycle.provisions), Decimal(0))
    return {
        "number": cycle.number,
        "status": "Open" if cycle.status.value == "open" else "Reviewed",
        "start_date": cycle.start_date,
        "review_date": cycle.review_date,
        "reviewed_on": cycle.reviewed_on,
        "needs_summary": cycle.needs_summary or "",
        "assessments_used": cycle.assessments_used or "",
        "impact_notes": cycle.impact_notes or "",
        "next_step": cycle.next_step.label if cycle.next_step else "",
        "outcomes": [
            {
                "description": o.description or "",
                "success_criteria": o.success_criteria or "",
                "progress": o.progress.label if o.progress else "Not reviewed yet",
                "progress_notes": o.progress_notes or "",
            }
            for o in cycle.outcomes
        ],
        "provisions": [
            {
                "description": x.description or "",
                "provision_type": x.provision_type or "",
                "frequency": x.frequency or "",
                "group_size": x.group_size,
                "delivered_by": x.delivered_by or "",
                "minutes_per_week": x.minutes_per_week,
                "weeks": x.weeks,
                "annual_cost": _money(x.annual_cost),
            }
            for x in cycle.provisions
        ],
        "total_cost": _money(total),
        # Ranges (docs/ranges.md): the confirmed levels, and the gap in an open cycle.
        "levels": [
            {"area": j.area.name, "level": j.level.name, "version": j.framework.number}
            for j in judgements.judgements_of_cycle(cycle)
            if j.level is not None
        ],
        "gap": [
            {"description": e.item.description, "area": e.area.name, "level": e.level_name}
            for e in (planning.gap(cycle) if cycle.status.value == "open" else [])
        ],
    }


def _child(pupil: Pupil, on: date, pseudonymised: bool) -> dict[str, Any]:
    years, months = age_on(pupil.date_of_birth, on)
    year = year_group(pupil.date_of_birth, on, pupil.year_group_override)
    return {
        "name": pseudonyms.child(pupil).initials if pseudonymised else pupil.full_name,
        "legal_name": "" if pseudonymised else f"{pupil.legal_forename} {pupil.legal_surname}",
        "age": f"{years} years {months} month{'s' if months != 1 else ''}",
        "date_of_birth": None if pseudonymised else pupil.date_of_birth,
        "upn": "" if pseudonymised else (pupil.upn or ""),
        "sex": pupil.sex.label,
        "year_group": year_group_label(year),
        "setting": pupil.setting.name,
        "looked_after": pupil.looked_after,
        "sen_status": pupil.sen_status.label,
        "needs": [
            {"rank": n.rank, "code": n.code.value, "label": n.code.label} for n in pupil.needs
        ],
        "status_history": [
            {"status": s.status.label, "start_date": s.start_date, "reason": s.reason or ""}
            for s in pupil.status_history
        ],
    }


def _case(
    item: AgendaItem,
    cycles: list[ApdrCycle],
    decisions: list[PanelDecision],
    rtf: list[RtfApplication],
    meeting: PanelMeeting,
    names: pseudonyms.Pseudonyms | None,
    threshold: Decimal,
) -> dict[str, Any]:
    referral = item.referral
    pupil = referral.pupil
    pseudonymised = names is not None
    cycle_data = [_cycle(c) for c in cycles]
    latest_cost = Decimal(cycle_data[-1]["total_cost"]) if cycle_data else Decimal(0)
    case = {
        "referral_id": str(referral.id),
        "position": item.position,
        "reference": referral.reference,
        "meeting_title": meeting_title(meeting),
        "pseudonymised": pseudonymised,
        "child": _child(pupil, meeting.meeting_date, pseudonymised),
        "cycles": cycle_data,
        "threshold": _money(threshold),
        "latest_cost": _money(latest_cost),
        "over_threshold": _money(max(latest_cost - threshold, Decimal(0))),
        "previous_decisions": [
            {
                "date": d.decision_date,
                "outcome": d.outcome.label,
                "amount_awarded": _money(d.amount_awarded),
                "rationale": d.rationale or "",
                "advice_given": d.advice_given or "",
                "review_date": d.review_date,
            }
            for d in decisions
        ],
        "rtf_awards": [
            {
                "reference": a.reference,
                "date": a.decision_date,
                "decision": a.decision.value.replace("_", " ").capitalize() if a.decision else "",
                "amount_awarded": _money(a.amount_awarded),
            }
            for a in rtf
        ],
        "request": {
            "type": referral.request_type.label,
            "amount": _money(referral.amount_requested) if referral.amount_requested else "",
            "reason": referral.reason or "",
            "submitted_date": referral.submitted_date,
            "would_request_ehcna": referral.would_request_ehcna.label
            if referral.would_request_ehcna
            else "Not answered",
        },
        "child_views": referral.child_views or "",
        "parent_views": referral.parent_views or "",
        "professionals_involved": referral.professionals_involved or "",
        "conflicts_declared": item.conflicts_declared or "",
        "ordinarily_available": [
            f"{j.area.name}: {j.level.name}"
            for j in planning.ordinarily_available_levels(pupil.id)
            if j.level is not None
        ],
    }
    # Every string, not a list of fields: a field added later is covered too.
    return names.replaced(case, own=pseudonyms.child(pupil)) if names else case


def _group(rows: Iterable[Any], key: str) -> dict[uuid.UUID, list[Any]]:
    grouped: dict[uuid.UUID, list[Any]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def case_data(meeting: PanelMeeting, pseudonymised: bool) -> list[dict[str, Any]]:
    """One dict per agenda item, in agenda order, read with a fixed number of queries.
    A restricted child's case is left out, whoever builds the pack (scoping.pack_case_scope)."""
    items = list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, pack_case_scope())
            .order_by(AgendaItem.position)
            .options(
                selectinload(AgendaItem.referral)
                .selectinload(Referral.pupil)
                .selectinload(Pupil.status_history)
            )
        )
    )
    pupil_ids = [i.referral.pupil_id for i in items]
    cycles = _group(
        db.session.scalars(
            select(ApdrCycle)
            .where(ApdrCycle.pupil_id.in_(pupil_ids))
            .order_by(ApdrCycle.number)
            .options(selectinload(ApdrCycle.outcomes), selectinload(ApdrCycle.provisions))
        ),
        "pupil_id",
    )
    # Earlier decisions on any of the child's referrals; this meeting's own are the outcome.
    decision_rows = db.session.execute(
        select(PanelDecision, Referral.pupil_id)
        .join(Referral, PanelDecision.referral_id == Referral.id)
        .where(Referral.pupil_id.in_(pupil_ids), PanelDecision.decision_date < meeting.meeting_date)
        .order_by(PanelDecision.decision_date)
    ).all()
    decisions: dict[uuid.UUID, list[PanelDecision]] = {}
    for decision, pupil_id in decision_rows:
        decisions.setdefault(pupil_id, []).append(decision)
    rtf = _group(
        db.session.scalars(
            select(RtfApplication)
            .where(RtfApplication.pupil_id.in_(pupil_ids), RtfApplication.decision.is_not(None))
            .order_by(RtfApplication.decision_date)
        ),
        "pupil_id",
    )
    threshold = notional_threshold()
    names = (
        pseudonyms.Pseudonyms([pseudonyms.child(i.referral.pupil) for i in items])
        if pseudonymised
        else None
    )
    return [
        _case(
            item,
            cycles.get(item.referral.pupil_id, []),
            decisions.get(item.referral.pupil_id, []),
            rtf.get(item.referral.pupil_id, []),
            meeting,
            names,
            threshold,
        )
        for item in items
    ]
