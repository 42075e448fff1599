"""Calendar-month arithmetic on dates inside SQL, the same on SQLite and PostgreSQL.

`add_months(date_column, 12)` is the date 12 calendar months later. When the day does not
exist in the target month it is clamped to that month's last day (31 January + 1 month =
28 or 29 February; 29 February + 12 months = 28 February), as PostgreSQL's date + interval
and Python's dateutil do. SQLite's own `date(d, '+N months')` rolls over instead (31
January + 1 month = 2 or 3 March), so on SQLite we take the earlier of that and the target
month's last day.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class add_months(FunctionElement[Any]):  # lower case: reads like the SQL function it renders
    type = Date()
    name = "add_months"
    inherit_cache = True

    def __init__(self, value: ColumnElement[Any], months: int) -> None:
        # The month count is rendered inline (it is a validated int), and is part of the
        # statement's cache key through the literal column's text.
        super().__init__(value, literal_column(str(int(months))))


def _parts(element: add_months, compiler: Any, **kw: Any) -> tuple[str, int]:
    value, months = list(element.clauses)
    return compiler.process(value, **kw), int(str(months.name))


@compiles(add_months, "sqlite")
def _sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    value, months = _parts(element, compiler, **kw)
    return (
        f"min(date({value}, '+{months} months'), "
        f"date({value}, 'start of month', '+{months + 1} months', '-1 day'))"
    )


@compiles(add_months, "postgresql")
def _postgresql(element: add_months, compiler: Any, **kw: Any) -> str:
    value, months = _parts(element, compiler, **kw)
    return f"CAST({value} + make_interval(months => {months}) AS DATE)"
