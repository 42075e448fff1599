"""Settings sendtrack puts on every database connection (sendtrack/database.py)."""

from __future__ import annotations

from sqlalchemy import text

from sendtrack.extensions import db


def test_every_connection_gets_the_settings_for_its_database(ctx: None) -> None:
    with db.engine.engine.connect() as connection:  # a connection of its own from the pool
        if connection.dialect.name == "postgresql":
            # JIT off: it compiled the statistics' statements for longer than they ran.
            assert connection.execute(text("SHOW jit")).scalar() == "off"
        else:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
