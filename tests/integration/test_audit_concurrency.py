"""Viewing a record while someone else saves is still audited (SQLite: a read transaction
cannot become the writer after another connection committed; services/audit.py)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, insert, inspect, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, User
from sendtrack.services import audit
from tests.world import World


def test_a_view_after_another_writer_committed_is_audited(
    committed: tuple[Flask, World],
) -> None:
    app, world = committed
    with app.test_request_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        officer = db.session.get(User, world["officer"])  # this request's read has begun
        assert officer is not None
        with db.engine.connect() as other:  # meanwhile, another person saves something
            other.execute(insert(AuditEvent).values(action=AuditAction.UPDATE, object_type="x"))
            other.commit()
        audit.record(
            officer, AuditAction.VIEW, "pupil", world["pupil_a"], pupil_id=world["pupil_a"]
        )
        # What the page had loaded stays loaded: reloading it would cost a query per row.
        assert not inspect(officer).expired_attributes
        db.session.commit()
        after = db.session.scalar(select(func.count()).select_from(AuditEvent))
        viewed = db.session.scalar(
            select(func.count()).where(
                AuditEvent.action == AuditAction.VIEW, AuditEvent.pupil_id == world["pupil_a"]
            )
        )
        db.session.remove()
    assert after == (before or 0) + 2 and viewed == 1
