"""Counting the SQL statements a piece of code sends, for tests whose point is that a page
or service does not issue a query per row (N+1).

    with count_queries() as statements:
        client.get("/referrals/")
    assert len(statements) <= 12

Compare a small and a large case where possible (the count must not grow with the rows),
rather than pinning an exact number that breaks on every harmless change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from sendtrack.extensions import db


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The statements sent on the app's engine inside the block (needs an app context)."""
    statements: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)
