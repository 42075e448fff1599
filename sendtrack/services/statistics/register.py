"""The SEN register as at a date: children at SEN support (K) and with an EHC plan (E).

A child's status as at the date comes from their dated history: the pupil row holds the
current status and the day it began (`sen_status_since`), so from that day on the current
status applies; before it, the newest SenStatusChange that had started by the date applies.
A child with no status that had started by then (a record created later) is not counted.
Children whose `left_date` is on or before the date had left and are not counted.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from sendtrack.models import Pupil, SenStatus, SenStatusChange


def register_measures(session: Session, as_at: date) -> dict[str, int | float]:
    history = (
        select(
            SenStatusChange.pupil_id,
            SenStatusChange.status,
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
        .where(SenStatusChange.start_date <= as_at)
        .subquery()
    )
    status_as_at = case(
        (
            or_(Pupil.sen_status_since.is_(None), Pupil.sen_status_since <= as_at),
            Pupil.sen_status,
        ),
        else_=history.c.status,
    )
    per_child = (
        select(status_as_at.label("status"))
        .select_from(Pupil)
        .outerjoin(history, and_(history.c.pupil_id == Pupil.id, history.c.newest == 1))
        .where(or_(Pupil.left_date.is_(None), Pupil.left_date > as_at))
        .subquery()
    )
    # Grouped in an outer query: PostgreSQL cannot match a CASE with bound dates in the
    # select list to the same CASE in GROUP BY.
    counts: dict[object, int] = dict(
        session.execute(
            select(per_child.c.status, func.count())
            .where(per_child.c.status.is_not(None))
            .group_by(per_child.c.status)
        ).all()
    )
    by_code = {str(getattr(k, "value", k)): v for k, v in counts.items()}
    return {
        "register.sen_support": by_code.get(SenStatus.SEN_SUPPORT.value, 0),
        "register.ehc_plan": by_code.get(SenStatus.EHC_PLAN.value, 0),
    }
