"""Write audit events in the same transaction as the change they describe (a view of a
record on SQLite, which changes nothing, gets a transaction of its own: see record()).

A page listing many children is audited as one event (measured: one row per child shown
cost about 38% of throughput), naming the page and the filter; opening a child's record is
one event naming the child. The app only ever inserts into audit_event.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Engine, insert

from sendtrack import settings
from sendtrack.database import holds_write_lock
from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, User
from sendtrack.services import transactions
from sendtrack.services.statistics.cache import has_uncommitted_writes


def _no_client() -> str | None:
    return None


# The address of the client whose request is being served, or None outside a request (a
# command, a pack build's thread). create_app points it at the request's address: this
# module imports no Flask.
_client_address: Callable[[], str | None] = _no_client


def read_client_address_from(source: Callable[[], str | None]) -> None:
    """Where record() finds the client's address: called by create_app."""
    global _client_address
    _client_address = source


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    return value


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The audited fields of `obj` as plain JSON-able values."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def record_creation(
    actor: User | None,
    object_type: str,
    obj: Any,
    fields: list[str],
    *,
    pupil_id: uuid.UUID | None = None,
    summary: str | None = None,
) -> None:
    """A CREATE event for the new `obj`, every audited field listed as [None, value]."""
    record(
        actor,
        AuditAction.CREATE,
        object_type,
        obj.id,
        pupil_id=pupil_id,
        summary=summary,
        changes={k: [None, v] for k, v in snapshot(obj, fields).items()},
    )


def record(
    actor: User | None,
    action: AuditAction,
    object_type: str,
    object_id: Any = None,
    *,
    pupil_id: uuid.UUID | None = None,
    summary: str | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Add one audit event to the current transaction."""
    if action is AuditAction.VIEW and not settings.config().get("AUDIT_ENABLED", True):
        return
    role = None
    if actor is not None:
        role = ",".join(sorted(r.value for r in actor.roles))
    values: dict[str, Any] = {
        "user_id": actor.id if actor is not None else None,
        "user_email": actor.email if actor is not None else None,
        "role": role,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id) if object_id is not None else None,
        "pupil_id": pupil_id,
        "summary": summary[:500] if summary else None,
        "changes": {k: [_plain(v) for v in vals] for k, vals in changes.items()}
        if changes
        else None,
        "address": _client_address(),
    }
    if action is AuditAction.VIEW and _read_only_sqlite_transaction():
        _record_view_on_sqlite(values)
    else:
        _record_in_this_transaction(values)


def _record_in_this_transaction(values: dict[str, Any]) -> None:
    """A Core insert on the request's own transaction: it commits or rolls back with the
    request, like the change it describes. Pending changes are flushed first, so the rows
    the event names are there. An ORM add and flush of one event cost about 0.3 ms more a
    request (the audit-overhead benchmark, bench/web_load.py)."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    session.connection().execute(insert(AuditEvent), values)


def _record_view_on_sqlite(values: dict[str, Any]) -> None:
    """SQLite: a transaction that has only read cannot become the writer once another
    connection has committed ("database is locked" at once, whatever busy_timeout says).
    So the read ends here (it wrote nothing, nothing is lost) and the event is written in
    a transaction of its own that takes the write lock first, waiting for it like any
    writer (measured: 50 errors in a 20 s web load before). The row goes in with a Core
    insert: an ORM flush and commit of one event cost about 0.4 ms a view (measured)."""
    engine = db.session.get_bind()
    if not isinstance(engine, Engine):  # a session bound to one connection (tests)
        db.session.add(AuditEvent(**values))
        return
    transactions.commit_keeping_loaded()
    with engine.connect() as connection:
        connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin():
            connection.execute(insert(AuditEvent), values)


def _read_only_sqlite_transaction() -> bool:
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return False
    connection = session.connection()
    return (
        connection.dialect.name == "sqlite"
        and not has_uncommitted_writes(connection)
        and not holds_write_lock(connection)  # a POST: the view is audited in its transaction
    )
