"""The request's unit of work: one commit at the end (sendtrack.create_app), plus the few
places that must do otherwise: a view that drops what a failed attempt did, a request that
will write and so takes SQLite's write lock first, and a long import that commits in batches
(docs/concurrency.md)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

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


# After a batch, a long job waits this long before it writes again. SQLite does not queue
# writers in order: a waiting writer's busy handler looks for the lock every 100 ms at
# most, and a job that took the lock back at once would keep it from them batch after batch.
TURN_SECONDS = 0.15


@contextmanager
def batch() -> Iterator[None]:
    """One batch of a long job's writes (an import's confirmation): it holds SQLite's write
    lock, is committed at its end, and then other writers have their turn."""
    take_write_lock()
    yield
    commit_keeping_loaded()
    _give_others_a_turn()


@contextmanager
def rolled_back_batch() -> Iterator[None]:
    """One batch of a dry run's writes, always rolled back; then other writers' turn."""
    take_write_lock()
    nested = db.session.begin_nested()
    try:
        yield
    finally:
        nested.rollback()
    commit_keeping_loaded()
    _give_others_a_turn()


def one_writer_at_a_time() -> bool:
    """True on SQLite, where a long write keeps every other writer waiting, so long jobs
    write in batches. PostgreSQL's writers do not wait for each other's rows, so there a
    web import stays one transaction: all or nothing, as the import contract says."""
    bind = db.session().get_bind()
    return isinstance(bind, Engine) and bind.dialect.name == "sqlite"


def _give_others_a_turn() -> None:
    bind = db.session().get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        time.sleep(TURN_SECONDS)


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
