"""The SEN register as at a date: children at SEN support (K) and with an EHC plan (E).

A child's status as at the date comes from their dated history: the pupil row holds the
current status and the day it began (`sen_status_since`), so from that day on the current
status applies; before it, the newest SenStatusChange that had started by the date applies.
A child with no status that had started by then (a record created later) is not counted.
Children whose `left_date` is on or before the date had left and are not counted.
Filters apply to the child's current setting and primary need (filters.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import ColumnElement, Subquery, func, or_, select, union_all
from sqlalchemy.orm import Session

from sendtrack.models import Pupil, SenStatus, SenStatusChange
from sendtrack.services.statistics.filters import NO_FILTERS, Filters


def _conditions(
    as_at: date, filters: Filters
) -> tuple[ColumnElement[bool], ColumnElement[bool], list[ColumnElement[bool]]]:
    """(still here on the date, current status had begun by it, the filters) on Pupil."""
    return (
        or_(Pupil.left_date.is_(None), Pupil.left_date > as_at),
        or_(Pupil.sen_status_since.is_(None), Pupil.sen_status_since <= as_at),
        filters.where(pupil_id=Pupil.id, setting_id=Pupil.setting_id),
    )


def _history(as_at: date, filters: Filters) -> Subquery:
    """Status changes that had started by `as_at` of children still here whose current
    status began after it, `newest` = 1 on each child's latest."""
    still_here, current_applies, chosen = _conditions(as_at, filters)
    waiting = select(Pupil.id).where(still_here, ~current_applies, *chosen)
    return (
        select(
            SenStatusChange.status,
            SenStatusChange.pupil_id.label("pupil_id"),
            select(Pupil.setting_id)
            .where(Pupil.id == SenStatusChange.pupil_id)
            .scalar_subquery()
            .label("setting_id"),
            func.row_number()
            .over(
                partition_by=SenStatusChange.pupil_id,
                order_by=(
                    SenStatusChange.start_date.desc(),
                    SenStatusChange.recorded_at.desc(),
                    SenStatusChange.id.desc(),
                ),
            )
            .label("newest"),
        )
        .where(SenStatusChange.pupil_id.in_(waiting), SenStatusChange.start_date <= as_at)
        .subquery()
    )


def register_rows(as_at: date, filters: Filters = NO_FILTERS) -> Subquery:
    """One row per child on the register as at `as_at`: status, pupil_id, setting_id."""
    still_here, current_applies, chosen = _conditions(as_at, filters)
    current = select(
        Pupil.sen_status.label("status"),
        Pupil.id.label("pupil_id"),
        Pupil.setting_id.label("setting_id"),
    ).where(still_here, current_applies, *chosen)
    # Only children whose current status began after the date need their history: rank
    # just their changes that had started by then, newest first.
    # The children whose history is needed are found first (usually few: their current
    # status began after the date), then only their changes are read through the
    # (pupil_id, start_date) index. Joining pupil to every change instead made SQLite scan
    # the whole history table (measured on the county benchmark).
    history = _history(as_at, filters)
    earlier = select(history.c.status, history.c.pupil_id, history.c.setting_id).where(
        history.c.newest == 1
    )
    return union_all(current, earlier).subquery()


def status_counts(counts: dict[object, int]) -> dict[str, int | float]:
    by_code = {str(getattr(k, "value", k)): v for k, v in counts.items()}
    return {
        "register.sen_support": by_code.get(SenStatus.SEN_SUPPORT.value, 0),
        "register.ehc_plan": by_code.get(SenStatus.EHC_PLAN.value, 0),
    }


def register_measures(
    session: Session, as_at: date, filters: Filters = NO_FILTERS
) -> dict[str, int | float]:
    """Counted straight from the pupil index for children whose current status applies,
    plus the (usually few) others from their history: the two parts of register_rows,
    each grouped by status, without building a row per child first."""
    still_here, current_applies, chosen = _conditions(as_at, filters)
    counts: Counter[object] = Counter()
    counts.update(
        dict(
            session.execute(
                select(Pupil.sen_status, func.count())
                .where(still_here, current_applies, *chosen)
                .group_by(Pupil.sen_status)
            ).all()
        )
    )
    history = _history(as_at, filters)
    counts.update(
        dict(
            session.execute(
                select(history.c.status, func.count())
                .where(history.c.newest == 1)
                .group_by(history.c.status)
            ).all()
        )
    )
    return status_counts(dict(counts))
