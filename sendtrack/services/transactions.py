"""The request's unit of work: one commit at the end (sendtrack.create_app), plus the few
places that must do otherwise: a view that drops what a failed attempt did, a request that
will write and so takes SQLite's write lock first, and a long import that commits in batches
(docs/concurrency.md)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from sendtrack.database import IMMEDIATE, holds_write_lock
from sendtrack.extensions import db


def discard() -> None:
    """Forget everything this request has written so far (a stale save must keep nothing)."""
    db.session.rollback()


def take_write_lock() -> None:
    """On SQLite, make the current transaction one that holds the write lock from its start
    (BEGIN IMMEDIATE, queueing behind any other writer), so that what it reads is still true
    when it writes. What it read before is kept loaded. Nothing to do on PostgreSQL, whose
    rows lock as they are written, nor in a session bound to one connection (tests)."""
    session = db.session()
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return
    if session.in_transaction() and holds_write_lock(session.connection()):
        return
    commit_keeping_loaded()
    session.connection(execution_options={"sqlite_begin": IMMEDIATE})


def commit_batch() -> None:
    """Commit what a long job has written so far and go on in a new transaction (with the
    write lock again on SQLite): other people's writes get their turn in between."""
    commit_keeping_loaded()
    take_write_lock()


def commit_keeping_loaded() -> None:
    """Commit without expiring what has been loaded: the page goes on to show it, and
    reloading every row's attributes one by one would be a query per row."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
