"""Restricted children, and the area-wide child search LA officers use to find them.

A restricted child is hidden from everyone but LA officers and administrators (the rule is
in services.scoping.pupil_scope) instead of being deleted: for example a child at risk whose
whereabouts must not be seen by a setting. The reason is kept in the audit trail, which
cannot be changed or deleted."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, Pupil, User
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.organisation import Page, paginate
from sendtrack.services.scoping import get_pupil


def _squash(column: Any) -> Any:
    return func.replace(func.lower(column), " ", "")


def search_children(actor: User, text: str | None, page: int) -> Page[Pupil]:
    """Children across the area by name or UPN, forgiving case and spaces. Area-wide users
    only (restricted children included); audited as one page view."""
    if not actor.is_area_wide:
        raise NotFound("page")
    query = select(Pupil).order_by(Pupil.legal_surname, Pupil.legal_forename, Pupil.id)
    squashed = "".join((text or "").split()).lower()
    if squashed:
        escaped = squashed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        full = func.lower(Pupil.legal_forename + Pupil.legal_surname)
        full_reversed = func.lower(Pupil.legal_surname + Pupil.legal_forename)
        query = query.where(
            or_(
                func.lower(Pupil.upn).like(pattern, escape="\\"),
                _squash(Pupil.legal_surname).like(pattern, escape="\\"),
                _squash(Pupil.legal_forename).like(pattern, escape="\\"),
                func.replace(full, " ", "").like(pattern, escape="\\"),
                func.replace(full_reversed, " ", "").like(pattern, escape="\\"),
                func.lower(func.coalesce(Pupil.preferred_surname, "")).like(pattern, escape="\\"),
            )
        )
    found = paginate(query, page)
    audit.record(
        actor,
        AuditAction.VIEW,
        "pupil_search",
        summary=f"Child search '{(text or '').strip()[:80]}' ({found.total} found)",
    )
    return found


def get_child(actor: User, pupil_id: uuid.UUID) -> Pupil:
    if not actor.is_area_wide:
        raise NotFound("child")
    return get_pupil(actor, pupil_id)


def last_restriction_event(pupil: Pupil) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.pupil_id == pupil.id,
            AuditEvent.object_type == "pupil_restriction",
            AuditEvent.action == AuditAction.UPDATE,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def set_restricted(
    actor: User, pupil: Pupil, restricted: bool, reason: str, version: int | None
) -> Pupil:
    """Restrict or unrestrict a child, with the reason, audited."""
    if not actor.is_area_wide:
        raise NotFound("child")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Enter the reason", field="reason")
    versions.check(pupil, version)
    if pupil.is_restricted == restricted:
        raise DomainError(
            "This child's record is already restricted"
            if restricted
            else "This child's record is not restricted"
        )
    pupil.is_restricted = restricted
    db.session.flush()
    audit.record(
        actor,
        AuditAction.UPDATE,
        "pupil_restriction",
        pupil.id,
        pupil_id=pupil.id,
        summary=f"{'Restricted' if restricted else 'Restriction removed'}: {reason}",
        changes={"is_restricted": [not restricted, restricted]},
    )
    return pupil
