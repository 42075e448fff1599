"""Searching and exporting the audit trail (LA officers and administrators only)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, Pupil, User
from sendtrack.services import audit, spreadsheets

EXPORT_COLUMNS = [
    "id",
    "occurred_at",
    "user_email",
    "role",
    "action",
    "object_type",
    "object_id",
    "pupil_id",
    "summary",
    "changes",
    "address",
]


@dataclass
class AuditFilter:
    child: str | None = None  # UPN or surname
    user: str | None = None  # email, or part of it
    action: AuditAction | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.__dict__.items() if v]
        return ", ".join(parts) or "everything"


def _query(f: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if f.child:
        term = "".join(f.child.split()).upper()
        matching = select(Pupil.id).where(
            or_(Pupil.upn == term, func.upper(Pupil.legal_surname) == f.child.strip().upper())
        )
        query = query.where(AuditEvent.pupil_id.in_(matching))
    if f.user:
        query = query.where(func.lower(AuditEvent.user_email).contains(f.user.strip().lower()))
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.date_from:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(f.date_from, time.min))
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), time.min)
        query = query.where(AuditEvent.occurred_at < end)
    return query


def search(
    actor: User, f: AuditFilter, page: int, per_page: int = 50
) -> tuple[list[AuditEvent], int, int]:
    """(events on the page, how many match, the page shown): a page past the last shows the
    last, and one before the first shows the first."""
    total = db.session.scalar(select(func.count()).select_from(_query(f).subquery())) or 0
    page = min(max(page, 1), max((total + per_page - 1) // per_page, 1))
    rows = db.session.scalars(
        _query(f).order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    audit.record(actor, AuditAction.VIEW, "audit_trail", summary=f"Searched: {f.describe()}")
    return list(rows), total, page


def pupil_for_event(pupil_id: uuid.UUID | None) -> Pupil | None:
    return db.session.get(Pupil, pupil_id) if pupil_id else None


def export_csv(actor: User, f: AuditFilter) -> Iterator[str]:
    """Record the export (now, so the request's commit includes it), then return the matching
    events as a stream of CSV lines, oldest first."""
    audit.record(actor, AuditAction.EXPORT, "audit_trail", summary=f"Exported: {f.describe()}")
    return _csv_lines(_query(f))


def _csv_lines(query: Select[AuditEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = spreadsheets.CsvWriter(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    result = db.session.execute(
        query.order_by(AuditEvent.id).execution_options(yield_per=1000)
    ).scalars()
    for event in result:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                event.id,
                event.occurred_at.isoformat(),
                event.user_email or "",
                event.role or "",
                event.action.value,
                event.object_type,
                event.object_id or "",
                str(event.pupil_id or ""),
                event.summary or "",
                str(event.changes) if event.changes else "",
                event.address or "",
            ]
        )
        yield buffer.getvalue()
