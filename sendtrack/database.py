"""What sendtrack sets on every database connection, and how SQLite transactions take the
write lock (docs/concurrency.md).

SQLite has one writer at a time. A transaction that began by reading ("BEGIN", deferred)
cannot become the writer once another connection has committed after its read began:
SQLite answers "database is locked" at once, whatever the busy timeout says. So:
- a transaction that will write takes the lock when it begins ("BEGIN IMMEDIATE", waiting
  for it up to BUSY_TIMEOUT_SECONDS): every POST does (sendtrack.services.transactions);
- a transaction that began deferred (a GET, which only reads) and then writes after all
  (the audit of an export, say) ends its read there, which loses nothing since it wrote
  nothing, and goes on in a transaction that takes the lock first (upgrade_on_first_write);
- no write transaction is allowed to last longer than a few seconds (imports commit in
  batches, pack builds commit their progress), so BUSY_TIMEOUT_SECONDS is far more than
  any writer waits.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# How long a writer waits for SQLite's write lock before "database is locked". The longest
# write transaction sendtrack allows is an import batch (imports.BATCH_ROWS rows, about 2 s
# on a loaded server) or a pack build's progress save (milliseconds); 30 s leaves room for a
# queue of them.
BUSY_TIMEOUT_SECONDS = 30
IMMEDIATE = "IMMEDIATE"
_LOCK = "sqlite_write_lock"  # connection.info: this transaction holds (or will take) it
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"})


@event.listens_for(Engine, "connect")
def _connection_settings(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are per connection in SQLite; WAL is set once when the file is created
    # (sendtrack._prepare_sqlite_file), since setting it on every connection caused I/O
    # errors under load. pysqlite's own transaction handling breaks SAVEPOINT, so
    # SQLAlchemy emits BEGIN (_begin).
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA mmap_size=1073741824")
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
    elif type(dbapi_connection).__module__.startswith("psycopg"):
        # PostgreSQL's JIT compiles a statement whose estimated cost passes jit_above_cost;
        # the statistics' statements pass it and run in milliseconds, so compiling cost more
        # than it saved (18 ms of 70 ms for the requests-avoided figures on the county).
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


@event.listens_for(Engine, "begin")
def _begin(connection: Connection) -> None:
    # The execution option sqlite_begin="IMMEDIATE" takes the write lock at once, waiting
    # for it under the busy timeout (SQLAlchemy's documented pysqlite recipe).
    if connection.dialect.name == "sqlite":
        immediate = connection.get_execution_options().get("sqlite_begin") == IMMEDIATE
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        connection.info[_LOCK] = immediate


@event.listens_for(Engine, "before_cursor_execute")
def upgrade_on_first_write(
    conn: Connection, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    """A deferred SQLite transaction about to write for the first time ends its read and
    begins again with the write lock (see the module's docstring). Inside a savepoint the
    read cannot be ended (the savepoint would go with it): such writers take the lock first
    (transactions.take_write_lock)."""
    if conn.dialect.name != "sqlite" or conn.info.get(_LOCK, True):
        return
    words = statement.lstrip()[:8].split(None, 1)
    if not words or words[0].upper() not in _WRITES:
        return
    conn.info[_LOCK] = True
    if conn.in_transaction() and not conn.in_nested_transaction():
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("COMMIT")
        driver.execute("BEGIN IMMEDIATE")


def holds_write_lock(conn: Connection) -> bool:
    """Whether this SQLite connection's transaction has the write lock (or is about to take
    it): another connection of the same thread would then wait for it in vain."""
    return conn.dialect.name == "sqlite" and conn.in_transaction() and bool(conn.info.get(_LOCK))
