"""Optimistic locking, the one place every service checks and saves a versioned record.

A form that edits a record carries the version it was opened at; a save against a record
someone else saved since is refused (StaleRecord) rather than overwriting it:
- `check(record, version)` before changing anything: the posted version is not the record's;
- `save(record)` to flush: the row moved on between our read and our write (SQLAlchemy's
  StaleDataError); the failed attempt is rolled back;
- `claim(record, version)` for a record whose version the mapper does not keep.
Views turn StaleRecord into the form's message with `sendtrack.web.saved` (docs/saving.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from sendtrack.extensions import db
from sendtrack.services.errors import StaleRecord


def check(record: Any, version: int | None) -> None:
    """Refuse a form opened before the record's last save. No version (a form that does not
    carry one, a script) is not checked here; the flush still is, by version_id_col."""
    if version is not None and version != record.version:
        raise StaleRecord(record)


def save(record: Any) -> None:
    """Flush, turning a concurrent save by someone else (the row's version moved on between
    our read and our write: SQLAlchemy's StaleDataError) into StaleRecord. The session is
    rolled back so the form can be drawn again with what was typed."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleRecord(record) from None


def claim(record: Any, version: int | None) -> None:
    """Check and move on the version of a record whose version the mapper does not keep
    (user accounts, whose row sign-in also writes). The UPDATE is conditional on the version
    read, so of two administrators saving the same account at once one is refused."""
    check(record, version)
    model = type(record)
    seen = record.version
    result = db.session.execute(
        update(model)
        .where(model.id == record.id, model.version == seen)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise StaleRecord(record)
    set_committed_value(record, "version", seen + 1)
