"""Computed figures kept while the records they come from are unchanged.

The dashboard shows one period with the previous one, an 8-quarter trend and three
breakdowns: about a dozen full sets of figures. Computing them takes seconds at county
scale, and the page, its chart images and its downloads all need the same ones. So each
web worker keeps the figures it has computed, keyed by the data version.

The data version (table `statistics_stamp`) goes up by one in every committed transaction
that wrote to any table that is not in IGNORED. It is watched at the lowest level, every SQL
statement sent on the engine, so ORM flushes, Core bulk inserts (imports), deletes
(retention) and raw SQL are all seen; nothing has to remember to announce a change. The
bump is the last statement before COMMIT, inside the same transaction, so the row lock on
PostgreSQL is held only for the commit itself and the version never runs ahead of the data.

Why the figures served are never stale:
- the version is read before any figure is computed, so figures stored under version V
  include at least every change committed before V was read (a change committed in
  between makes the version V + 1, and V is then never asked for again);
- a transaction that has itself written (not yet committed) neither reads nor stores
  cached figures: it must see its own changes;
- the cache is per process and bounded (LRU); a restart simply starts it empty.

Exports from `flask stats` and the benchmark call `statistics.compute` directly and never
use this cache.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

T = TypeVar("T")

STAMP_TABLE = "statistics_stamp"
# Writes to these never change a figure (audit trail, sign-in, accounts and memberships,
# which decide a person's scope: scope is part of every cache key, not of the data).
IGNORED = frozenset(
    {
        STAMP_TABLE,
        "alembic_version",
        "audit_event",
        "login_attempt",
        "recovery_code",
        "user_account",
        "role_membership",
        "generated_pack",
        "import_upload",
    }
)
READS = frozenset({"SELECT", "WITH", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN"})
READS |= {"COMMIT", "SET", "SHOW", "EXPLAIN"}
DDL = frozenset({"CREATE", "DROP", "ALTER", "TRUNCATE"})
TARGET = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+\"?(\w+)\"?",
    re.IGNORECASE,
)
DIRTY = "statistics_dirty"
WROTE = "wrote_anything"
MAX_ENTRIES = 256

_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
# Per engine: whether the stamp table exists (None: not known; re-checked after DDL).
_stamp_ready: dict[int, bool | None] = {}


def writes_counted_data(statement: str) -> bool:
    """Whether a SQL statement may change a figure (a write to a table not IGNORED)."""
    stripped = statement.lstrip()
    if not stripped:
        return False
    verb = stripped[:10].split(None, 1)[0].upper()
    if verb in READS:
        return False
    found = TARGET.match(stripped)
    if found is None:
        return True  # DDL or anything unrecognised: assume it may change figures
    return found.group(1).lower() not in IGNORED


@event.listens_for(Engine, "before_cursor_execute")
def _watch(
    conn: Connection, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    verb = statement.lstrip()[:10].split(None, 1)[0].upper() if statement.strip() else ""
    if verb and verb not in READS:
        conn.info[WROTE] = True
    if writes_counted_data(statement):
        conn.info[DIRTY] = True
        if statement.lstrip()[:8].split(None, 1)[0].upper() in DDL:
            _stamp_ready[id(conn.engine)] = None


@event.listens_for(Engine, "commit")
def _bump(conn: Connection) -> None:
    if conn.info.pop(DIRTY, False) and _has_stamp(conn):
        conn.exec_driver_sql(f"UPDATE {STAMP_TABLE} SET version = version + 1")  # noqa: S608
    conn.info.pop(WROTE, None)  # after the bump, which is itself a write


@event.listens_for(Engine, "rollback")
def _forget(conn: Connection) -> None:
    conn.info.pop(DIRTY, None)
    conn.info.pop(WROTE, None)


def has_uncommitted_writes(conn: Connection) -> bool:
    """Whether this connection's transaction has written anything at all."""
    return bool(conn.info.get(WROTE))


def _has_stamp(conn: Connection) -> bool:
    key = id(conn.engine)
    known = _stamp_ready.get(key)
    if known is None:
        from sqlalchemy import inspect

        known = inspect(conn).has_table(STAMP_TABLE)
        _stamp_ready[key] = known
    return known


def version(session: Session) -> int | None:
    """The data version as this transaction sees it; None when figures must not be cached
    (this transaction has uncommitted writes, or the table is not there)."""
    conn = session.connection()
    if conn.info.get(DIRTY) or not _has_stamp(conn):
        return None
    value = conn.execute(text(f"SELECT version FROM {STAMP_TABLE}")).scalar()  # noqa: S608
    return None if value is None else int(value)


def cached(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or the value computed for `key` at the current data version."""
    current = version(session)
    if current is None:
        return compute()
    full_key = (current, key)
    with _lock:
        if full_key in _entries:
            _entries.move_to_end(full_key)
            return _copy(_entries[full_key])
    value = compute()
    with _lock:
        _entries[full_key] = _copy(value)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def _copy(value: T) -> T:
    """A copy the caller may change without changing the cache: figures are dicts of
    numbers, or dicts of such dicts (breakdowns); copying two levels is enough and is far
    cheaper than deepcopy (measured: 90 ms for the 600-setting breakdown)."""
    if isinstance(value, dict):
        return {  # type: ignore[return-value]
            k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
            for k, v in value.items()
        }
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
