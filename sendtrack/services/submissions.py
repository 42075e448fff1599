"""One record per create form, however often it is posted.

Every create form carries a random token (sendtrack.forms.SubmissionToken). The record the
first post creates is remembered against (user, token) in the same transaction; a repeated
post with that token gets the first post's record back instead of making another, and the
view redirects to it as if it had just been made. Two identical posts at the same moment:
the second's insert of the token fails on the primary key (PostgreSQL makes it wait for the
first to commit), or its write to a versioned parent finds the version moved on; either way
its transaction is rolled back and it, too, gets the first post's record."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from sendtrack.extensions import db
from sendtrack.models import Submission, User
from sendtrack.services.errors import StaleRecord
from sendtrack.services.statistics.cache import has_uncommitted_writes

T = TypeVar("T")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_FOR = timedelta(days=1)


def valid_token(token: str | None) -> str | None:
    """The token if it looks like one we issued; anything else is ignored (not an error:
    the field is hidden, so a message about it would mean nothing to the user)."""
    return token if token and TOKEN.match(token) else None


def _earlier(actor: User, token: str, kind: type[T]) -> T | None:
    row = db.session.get(Submission, (actor.id, token))
    if row is None or row.object_type != _name(kind):
        return None
    return db.session.get(kind, row.object_id)


def _name(kind: type[Any]) -> str:
    return str(getattr(kind, "__tablename__", kind.__name__))


def once(actor: User, token: str | None, kind: type[T], create: Callable[[], T]) -> T:
    """`create()`'s record, made once per token: a token seen before returns the record its
    first post made (the same kind of record, made by the same user). Without a token the
    record is simply created."""
    _queue_behind_other_writers()
    token = valid_token(token)
    if token is None:
        return create()
    earlier = _earlier(actor, token, kind)
    if earlier is not None:
        return earlier
    actor_id = actor.id
    try:
        record = create()
        db.session.flush()  # the record's id, if the service has not flushed it yet
        db.session.add(
            Submission(
                user_id=actor_id,
                token=token,
                object_type=_name(kind),
                object_id=getattr(record, "id"),  # noqa: B009 (any model with a UUID id)
            )
        )
        db.session.flush()
    except (IntegrityError, StaleDataError, StaleRecord, OperationalError) as exc:
        # A post with the same token got there first (the unique key, a versioned parent it
        # also changed, or SQLite's lock it held): nothing of this one is kept.
        db.session.rollback()
        user = db.session.get(User, actor_id)
        earlier = _earlier(user, token, kind) if user is not None else None
        if earlier is not None:
            return earlier
        if isinstance(exc, StaleDataError):
            raise StaleRecord() from None
        raise
    return record


def _queue_behind_other_writers() -> None:
    """SQLite: a transaction that has only read cannot become the writer once another
    connection has committed ("database is locked" at once, whatever busy_timeout says), so
    the second of two simultaneous posts would fail rather than find the first's record (or
    be told the record changed). The read ends here (it wrote nothing) and the next
    transaction takes the write lock first, waiting under busy_timeout for the other post to
    commit, as services/audit.py does for views. PostgreSQL needs none of this: the primary
    key makes the second insert wait for the first to commit."""
    session = db.session()
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return  # PostgreSQL, or a session bound to one connection (the tests' savepoints)
    if session.new or session.dirty or session.deleted:
        return
    if session.in_transaction() and has_uncommitted_writes(session.connection()):
        return
    expire = session.expire_on_commit
    session.expire_on_commit = False  # what the page has loaded stays loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def purge(now: datetime | None = None) -> int:
    """Forget tokens older than a day (the retention job): a form is not re-posted later."""
    cutoff = (now or datetime.now(UTC)) - KEEP_FOR
    result = db.session.execute(delete(Submission).where(Submission.created_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
