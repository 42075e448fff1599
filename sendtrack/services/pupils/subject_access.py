"""Subject access: everything held about one child, and who has accessed it.

Built generically from each table's columns, so a field added to a model appears in the
export without anyone remembering to add it here."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AnnualReview,
    ApdrCycle,
    ApdrOutcome,
    AuditAction,
    AuditEvent,
    Contact,
    EhcnaRequest,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    Provision,
    Pupil,
    PupilNeed,
    PupilTransfer,
    Referral,
    RtfApplication,
    SenStatusChange,
    Setting,
    TimescaleException,
    User,
)
from sendtrack.services import audit
from sendtrack.services.scoping import get_pupil

FORMAT_VERSION = 1


def _row(obj: Any) -> dict[str, Any]:
    mapper = sa_inspect(obj.__class__)
    return {c.key: audit._plain(getattr(obj, c.key)) for c in mapper.column_attrs}


def _rows(model: Any, *where: Any, order: Any = None) -> list[dict[str, Any]]:
    query = select(model).where(*where)
    if order is not None:
        query = query.order_by(order)
    return [_row(o) for o in db.session.scalars(query)]


def collect(actor: User, pupil_id: uuid.UUID, *, fmt: str = "JSON") -> dict[str, Any]:
    """The complete record of one child as plain data. Audited as an export."""
    pupil: Pupil = get_pupil(actor, pupil_id)
    referral_ids = select(Referral.id).where(Referral.pupil_id == pupil.id)
    decision_ids = select(PanelDecision.id).where(PanelDecision.referral_id.in_(referral_ids))
    cycle_ids = select(ApdrCycle.id).where(ApdrCycle.pupil_id == pupil.id)
    request_ids = select(EhcnaRequest.id).where(EhcnaRequest.pupil_id == pupil.id)
    setting_ids = (
        {pupil.setting_id}
        | {
            t.to_setting_id
            for t in db.session.scalars(
                select(PupilTransfer).where(PupilTransfer.pupil_id == pupil.id)
            )
        }
        | {
            t.from_setting_id
            for t in db.session.scalars(
                select(PupilTransfer).where(PupilTransfer.pupil_id == pupil.id)
            )
        }
    )
    record = {
        "format": "sendtrack subject access export",
        "format_version": FORMAT_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "generated_by": actor.email,
        "marking": "OFFICIAL-SENSITIVE",
        "child": _row(pupil),
        "settings": _rows(Setting, Setting.id.in_(setting_ids), order=Setting.name),
        "needs": _rows(PupilNeed, PupilNeed.pupil_id == pupil.id, order=PupilNeed.rank),
        "sen_status_history": _rows(
            SenStatusChange, SenStatusChange.pupil_id == pupil.id, order=SenStatusChange.start_date
        ),
        "moves": _rows(
            PupilTransfer, PupilTransfer.pupil_id == pupil.id, order=PupilTransfer.moved_on
        ),
        "apdr_cycles": _rows(ApdrCycle, ApdrCycle.pupil_id == pupil.id, order=ApdrCycle.number),
        "apdr_outcomes": _rows(ApdrOutcome, ApdrOutcome.cycle_id.in_(cycle_ids)),
        "provisions": _rows(Provision, Provision.cycle_id.in_(cycle_ids)),
        "referrals": _rows(Referral, Referral.pupil_id == pupil.id, order=Referral.created_at),
        "panel_agenda_places": _rows(AgendaItem, AgendaItem.referral_id.in_(referral_ids)),
        "panel_meetings": _rows(
            PanelMeeting,
            PanelMeeting.id.in_(
                select(AgendaItem.meeting_id).where(AgendaItem.referral_id.in_(referral_ids))
            ),
        ),
        "panel_decisions": _rows(
            PanelDecision,
            PanelDecision.referral_id.in_(referral_ids),
            order=PanelDecision.decision_date,
        ),
        "panel_actions": _rows(PanelAction, PanelAction.decision_id.in_(decision_ids)),
        "rtf_applications": _rows(RtfApplication, RtfApplication.pupil_id == pupil.id),
        "ehcna_requests": _rows(
            EhcnaRequest, EhcnaRequest.pupil_id == pupil.id, order=EhcnaRequest.received_date
        ),
        "timescale_exceptions": _rows(
            TimescaleException, TimescaleException.request_id.in_(request_ids)
        ),
        "annual_reviews": _rows(
            AnnualReview, AnnualReview.pupil_id == pupil.id, order=AnnualReview.due_date
        ),
        "advice_contacts": _rows(Contact, Contact.pupil_id == pupil.id, order=Contact.contact_date),
        "access_log": [
            {
                k: v
                for k, v in _row(e).items()
                if k in ("occurred_at", "user_email", "role", "action", "object_type", "summary")
            }
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.pupil_id == pupil.id).order_by(AuditEvent.id)
            )
        ],
    }
    audit.record(
        actor,
        AuditAction.EXPORT,
        "subject_access",
        pupil.id,
        pupil_id=pupil.id,
        summary=f"Subject access export ({fmt})",
    )
    return record


def label(pupil_record: dict[str, Any]) -> str:
    child = pupil_record["child"]
    return f"{child['legal_forename']} {child['legal_surname']}"


# Section titles for the PDF, in the order people read a record.
PDF_SECTIONS = [
    ("settings", "Schools and settings"),
    ("needs", "Needs"),
    ("sen_status_history", "SEN status history"),
    ("moves", "Moves between settings"),
    ("apdr_cycles", "Assess, plan, do, review cycles"),
    ("apdr_outcomes", "Outcomes"),
    ("provisions", "Provisions"),
    ("referrals", "Referrals to panels"),
    ("panel_agenda_places", "Places on panel agendas"),
    ("panel_meetings", "Panel meetings"),
    ("panel_decisions", "Panel decisions"),
    ("panel_actions", "Panel actions"),
    ("rtf_applications", "Reception transition funding"),
    ("ehcna_requests", "EHC needs assessment requests"),
    ("timescale_exceptions", "Timescale exceptions"),
    ("annual_reviews", "Annual reviews"),
    ("advice_contacts", "Advice and support contacts"),
]

# Internal keys that mean nothing to a parent reading the record.
_HIDDEN = {"id", "pupil_id", "version"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _readable(rows: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    return [
        [(k.replace("_", " ").capitalize(), _text(v)) for k, v in row.items() if k not in _HIDDEN]
        for row in rows
    ]


def pdf_context(record: dict[str, Any]) -> dict[str, Any]:
    """The same content as the JSON export, as plain strings laid out for people."""
    child = record["child"]
    return {
        "child_name": label(record),
        "generated_at": record["generated_at"],
        "generated_by": record["generated_by"],
        "child": [
            (k.replace("_", " ").capitalize(), _text(v)) for k, v in child.items() if k != "version"
        ],
        "sections": [
            (title, _readable(record[key])) for key, title in PDF_SECTIONS if key in record
        ],
        "access_log": record["access_log"],
    }
