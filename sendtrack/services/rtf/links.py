"""An RTF award follows the child's record into the receiving school: once the child whose
application was approved is on that school's roll, the award is linked (so the school is
asked how the child settled).

The link is made where a child joins a school or an award is made: a transfer
(services/pupils/transfers.py), a pupil or RTF import (services/imports/), and an RTF decision
(services/rtf/applications.py). Pages only read it: a GET never writes. The link is the
system's doing, not the person's who moved the child, so its audit event has no user.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, Pupil, RtfApplication, RtfDecision, User
from sendtrack.services import audit

ON_ROLL = "Child's record is on the receiving school's roll"


def sync_links(actor: User | None) -> int:
    """Link every award whose child's record is now on the receiving school's roll. Returns
    how many were linked."""
    return _sync_links(actor)


def sync_links_for_pupils(actor: User | None, pupil_ids: Collection[uuid.UUID]) -> int:
    """sync_links for these children's awards only (a transfer, a decision)."""
    if not pupil_ids:
        return 0
    return _sync_links(actor, RtfApplication.pupil_id.in_(pupil_ids))


def _sync_links(actor: User | None, *where: ColumnElement[bool]) -> int:
    rows = db.session.scalars(
        select(RtfApplication)
        .join(Pupil, Pupil.id == RtfApplication.pupil_id)
        .where(
            *where,
            RtfApplication.linked_at.is_(None),
            RtfApplication.decision.in_([RtfDecision.APPROVED, RtfDecision.PART_APPROVED]),
            Pupil.setting_id == RtfApplication.receiving_setting_id,
        )
    ).all()
    for application in rows:
        mark_linked(actor, application, ON_ROLL)
    return len(rows)


def mark_linked(actor: User | None, application: RtfApplication, summary: str) -> None:
    application.linked_at = datetime.now(UTC)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.UPDATE,
        "rtf_application",
        application.id,
        pupil_id=application.pupil_id,
        summary=summary,
        changes={"linked_at": [None, application.linked_at]},
    )
