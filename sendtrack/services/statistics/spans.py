"""Several periods in one query: each row is put in the bucket (0, 1, ...) of the period its
date falls in, and the query groups by that bucket. The dashboard's 8-quarter trend is then
one statement per area instead of eight; one period is simply one bucket, so the figures
of `flask stats` come from the same code.

Periods must not overlap (a row belongs to one bucket). Dates are inclusive at both ends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, literal, or_

Span = tuple[date, date]


def check(spans: Sequence[Span]) -> None:
    if not spans:
        raise ValueError("At least one period is needed")
    ordered = sorted(spans)
    for (_start, end), (next_start, _end) in pairwise(ordered):
        if next_start <= end:
            raise ValueError("The periods overlap")
    for start, end in spans:
        if start > end:
            raise ValueError("The start of the period must be on or before its end")


def contiguous(spans: Sequence[Span]) -> bool:
    ordered = sorted(spans)
    return all(b[0] == a[1] + timedelta(days=1) for a, b in pairwise(ordered))


def within(column: Any, spans: Sequence[Span]) -> ColumnElement[bool]:
    """The date is in one of the periods (one indexed range when they are contiguous)."""
    if contiguous(spans):
        return and_(column >= min(s for s, _ in spans), column <= max(e for _, e in spans))
    return or_(*(and_(column >= s, column <= e) for s, e in spans))


def bucket(column: Any, spans: Sequence[Span]) -> ColumnElement[Any]:
    """The index of the period the date falls in (NULL outside them all); for one period
    simply 0, since the statements keep their rows to the periods (`within`)."""
    if len(spans) == 1:
        return literal(0, Integer)
    return case(*((and_(column >= s, column <= e), i) for i, (s, e) in enumerate(spans)))


def group(key: ColumnElement[Any], spans: Sequence[Span]) -> tuple[ColumnElement[Any], ...]:
    """What to group by for the bucket `key`: nothing for one period. Computing and sorting
    the bucket per row cost about 1.5 ms a statement on the county (SQLite builds a
    temporary B-tree for it). Without it an aggregate of no rows still gives one row, of
    zero counts and NULL sums."""
    return () if len(spans) == 1 else (key,)
