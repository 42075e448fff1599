"""Everything that ever happened to a child, newest first, with who and when.

Built straight from the models (status history, APDR cycles, moves, referrals, panel
decisions, EHCNA requests, annual reviews) plus the RTF service's own entries, so nothing
depends on the audit log being searched. Draft referrals are left out: nobody has sent them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AnnualReview,
    ApdrCycle,
    AuditAction,
    EhcnaRequest,
    PanelDecision,
    Pupil,
    PupilTransfer,
    Referral,
    ReferralStatus,
    SenStatusChange,
    Setting,
    User,
)
from sendtrack.services import audit
from sendtrack.services.contacts import lists as contact_lists
from sendtrack.services.rtf import applications as rtf
from sendtrack.services.scoping import get_pupil
from sendtrack.wording import money


@dataclass
class Entry:
    on: date
    kind: str
    title: str
    detail: str = ""
    who: str = ""
    at: datetime | None = None
    # (endpoint, keyword arguments) for a link, when a page for it exists.
    link: tuple[str, dict[str, uuid.UUID]] | None = None


def _names(ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())


def _setting_names(ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return dict(
        db.session.execute(select(Setting.id, Setting.name).where(Setting.id.in_(ids))).all()
    )


def entries_for(user: User, pupil: Pupil) -> list[Entry]:
    pid = pupil.id
    changes = db.session.scalars(
        select(SenStatusChange).where(SenStatusChange.pupil_id == pid)
    ).all()
    cycles = db.session.scalars(select(ApdrCycle).where(ApdrCycle.pupil_id == pid)).all()
    moves = db.session.scalars(select(PupilTransfer).where(PupilTransfer.pupil_id == pid)).all()
    referrals = db.session.scalars(
        select(Referral).where(Referral.pupil_id == pid, Referral.status != ReferralStatus.DRAFT)
    ).all()
    decisions = (
        db.session.scalars(
            select(PanelDecision).where(PanelDecision.referral_id.in_([r.id for r in referrals]))
        ).all()
        if referrals
        else []
    )
    requests = db.session.scalars(select(EhcnaRequest).where(EhcnaRequest.pupil_id == pid)).all()
    reviews = db.session.scalars(select(AnnualReview).where(AnnualReview.pupil_id == pid)).all()
    names = _names(
        {c.recorded_by_id for c in changes}
        | {c.created_by_id for c in cycles}
        | {c.reviewed_by_id for c in cycles}
        | {m.recorded_by_id for m in moves}
        | {r.created_by_id for r in referrals}
        | {d.confirmed_by_id for d in decisions}
        | {r.recorded_by_id for r in requests}
    )
    settings = _setting_names({m.from_setting_id for m in moves} | {m.to_setting_id for m in moves})

    def who(user_id: uuid.UUID | None) -> str:
        return names.get(user_id, "") if user_id else ""

    out: list[Entry] = []
    for c in changes:
        out.append(
            Entry(c.start_date, "status", f"SEN status: {c.status.label} ({c.status.value})",
                  c.reason or "", who(c.recorded_by_id), c.recorded_at)
        )  # fmt: skip
    for cy in cycles:
        link = ("pupils.cycle", {"cycle_id": cy.id})
        out.append(
            Entry(cy.created_at.date(), "apdr", f"APDR cycle {cy.number} started",
                  "", who(cy.created_by_id), cy.created_at, link)
        )  # fmt: skip
        if cy.start_date:
            out.append(
                Entry(cy.start_date, "apdr", f"APDR cycle {cy.number}: support began",
                      f"Review due {cy.review_date:%-d %B %Y}" if cy.review_date else "",
                      link=link)
            )  # fmt: skip
        if cy.reviewed_on:
            out.append(
                Entry(cy.reviewed_on, "apdr", f"APDR cycle {cy.number} reviewed",
                      f"Next step: {cy.next_step.label}" if cy.next_step else "",
                      who(cy.reviewed_by_id), cy.reviewed_at, link)
            )  # fmt: skip
    for m in moves:
        out.append(
            Entry(m.moved_on, "move", "Moved setting",
                  f"From {settings.get(m.from_setting_id, '?')} to "
                  f"{settings.get(m.to_setting_id, '?')}", who(m.recorded_by_id), m.recorded_at)
        )  # fmt: skip
    by_referral = {r.id: r for r in referrals}
    for r in referrals:
        detail = f"{r.reference}: {r.request_type.label}"
        if r.amount_requested:
            detail += f", {money(r.amount_requested)} requested"
        out.append(
            Entry(r.submitted_date or r.created_at.date(), "referral",
                  f"Referred to cluster panel ({r.status.label.lower()})", detail,
                  who(r.created_by_id), r.created_at,
                  ("referrals.show", {"referral_id": r.id}))
        )  # fmt: skip
    for d in decisions:
        detail = d.outcome.label
        if d.amount_awarded:
            detail += f": {money(d.amount_awarded)} awarded"
        out.append(
            Entry(d.decision_date, "decision",
                  f"Panel decision on {by_referral[d.referral_id].reference}", detail,
                  who(d.confirmed_by_id), d.confirmed_at,
                  ("panels.decision", {"decision_id": d.id}))
        )  # fmt: skip
    for q in requests:
        out.append(
            Entry(q.received_date, "ehcna", "EHC needs assessment requested",
                  f"{q.reference}, from {q.request_source.label.lower()}", who(q.recorded_by_id),
                  link=("ehcna.show", {"request_id": q.id}))
        )  # fmt: skip
        if q.decision and q.decision_date:
            decided = {"assess": "Decided to assess", "not_assess": "Decided not to assess",
                       "withdrawn": "Request withdrawn"}[q.decision.value]  # fmt: skip
            out.append(Entry(q.decision_date, "ehcna", decided, q.reference))
        if q.plan_issued_date:
            out.append(Entry(q.plan_issued_date, "ehcna", "EHC plan issued", q.reference))
    for a in reviews:
        on = a.meeting_date or a.due_date
        title = "EHC plan annual review" + ("" if a.meeting_date else " due")
        out.append(Entry(on, "annual_review", title, a.decision or ""))
    for k in contact_lists.about_child(user, pid):
        out.append(
            Entry(k.contact_date, "contact",
                  f"Advice contact ({k.channel.label.lower()}) with {k.setting.name}",
                  k.question if len(k.question) <= 200 else k.question[:199] + "…",
                  k.recorded_by.name if k.recorded_by else "", k.created_at,
                  ("contacts.show", {"contact_id": k.id}))
        )  # fmt: skip
    for e in rtf.timeline_entries(user, pid):
        out.append(
            Entry(e.on, "rtf", e.title, e.detail,
                  link=("rtf.show", {"application_id": e.application_id})
                  if e.application_id else None)
        )  # fmt: skip
    created = pupil.created_at
    out.append(Entry(created.date(), "record", "Record created", pupil.setting.name, at=created))
    out.sort(key=lambda e: (e.on, e.at.timestamp() if e.at else 0), reverse=True)
    return out


def timeline(user: User, pupil_id: uuid.UUID) -> tuple[Pupil, list[Entry]]:
    """The timeline page: the child, their entries, and one audit event for the view."""
    pupil = get_pupil(user, pupil_id)
    entries = entries_for(user, pupil)
    audit.record(
        user,
        AuditAction.VIEW,
        "pupil_timeline",
        pupil.id,
        pupil_id=pupil.id,
        summary=f"Viewed timeline of {pupil.full_name} ({len(entries)} entries)",
    )
    return pupil, entries
