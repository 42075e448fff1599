"""Many new rows of one table in one executemany, with the values converted for the driver
column by column (by SQLAlchemy's own type processors) instead of row by row.

SQLAlchemy's executemany builds and converts each row's parameters separately, which for a
county's pupils file (160,000 rows over four tables) cost more than SQLite took to store
them. Columns left out of the rows take their server defaults; a column with a Python-side
default must be given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all with the same keys) into `table` on `connection`."""
    if not rows:
        return
    keys = list(rows[0])
    missing = [c.key for c in table.c if c.default is not None and c.key not in keys]
    if missing:
        raise ValueError(f"{table.name}: give the column(s) {', '.join(missing)}")
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    columns = []
    for name in names:
        bind = compiled.binds[name]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        values = [row[bind.key] for row in rows]
        columns.append([process(v) for v in values] if process else values)
    if compiled.positional:
        params: list[Any] = list(zip(*columns, strict=True))
    else:
        params = [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
    connection.exec_driver_sql(compiled.string, params)
