"""EHC needs assessment figures with the DfE SEN2 ("Education, health and care plans")
definitions, as the `ehcna.*` measures of `flask stats` (docs/data-exchange.md).

- requests_received: requests with a received date in the period (both ends included);
- of those, requests_decided_to_assess / _decided_not_to_assess / _withdrawn: the decision
  recorded with a decision date on or before the as-at date; _decision_not_made: no
  decision, or one dated after the as-at date (not known then). The four add up to
  requests_received;
- decisions_within_6_weeks / decisions_over_6_weeks: decisions to assess or not to assess
  (withdrawals are not decisions) dated in the period, within 42 days of receipt (day 42 is
  within, day 43 is over), whenever the request was received;
- plans_issued / plans_issued_within_20_weeks: final plans issued in the period; of those,
  issued within 140 days of receipt (day 140 within, day 141 not);
- plans_issued_excluding_exceptions / ..._within_20_weeks_excluding_exceptions: the same
  with requests that have any 20-week exception recorded left out of both.

Day counts compare dates in SQL (received + N days), identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, exists, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from sendtrack.models import AssessDecision, EhcnaRequest, TimescaleException
from sendtrack.models.ehcna import DECISION_DAYS, FINAL_PLAN_DAYS
from sendtrack.services.statistics import spans
from sendtrack.services.statistics.filters import NO_FILTERS, Filters
from sendtrack.services.statistics.spans import Span


class add_days(FunctionElement[Any]):  # lower case: reads like the SQL it renders
    """date + N days (N a validated int, rendered inline), on SQLite and PostgreSQL."""

    type = Date()
    name = "add_days"
    inherit_cache = True

    def __init__(self, value: Any, days: int) -> None:
        super().__init__(value, literal_column(str(int(days))))


def _parts(element: add_days, compiler: Any, **kw: Any) -> tuple[str, int]:
    value, days = list(element.clauses)
    return compiler.process(value, **kw), int(str(days.name))


@compiles(add_days, "sqlite")
def _sqlite(element: add_days, compiler: Any, **kw: Any) -> str:
    value, days = _parts(element, compiler, **kw)
    return f"date({value}, '+{days} days')"


@compiles(add_days, "postgresql")
def _postgresql(element: add_days, compiler: Any, **kw: Any) -> str:
    value, days = _parts(element, compiler, **kw)
    return f"CAST({value} + {days} AS DATE)"


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def ehcna_measures(
    session: Session,
    date_from: date,
    date_to: date,
    as_at: date,
    filters: Filters = NO_FILTERS,
) -> dict[str, int | float]:
    return ehcna_measures_by_period(session, [(date_from, date_to)], as_at, filters)[0]


def _counts_by_period(
    session: Session,
    column: Any,
    periods: Sequence[Span],
    counts: Sequence[ColumnElement[Any]],
    *where: ColumnElement[bool],
) -> dict[int, list[int]]:
    """For each period (by index), the `counts` over the requests whose `column` falls in
    it and that meet `where`; a period with none is missing."""
    period = spans.bucket(column, periods)
    return {
        row[0]: [int(v) for v in row[1:]]
        for row in session.execute(
            select(period, *counts)
            .where(spans.within(column, periods), *where)
            .group_by(*spans.group(period, periods))
        )
    }


def ehcna_measures_by_period(
    session: Session,
    periods: Sequence[Span],
    as_at: date,
    filters: Filters = NO_FILTERS,
) -> list[dict[str, int | float]]:
    spans.check(periods)
    r = EhcnaRequest
    # A request belongs to the setting recorded on it (the child's setting when received).
    scope = filters.clause(pupil_id=r.pupil_id, setting_id=r.setting_id)
    known = and_(r.decision_date.is_not(None), r.decision_date <= as_at)
    received = _counts_by_period(
        session,
        r.received_date,
        periods,
        [
            func.count(),
            _count(and_(known, r.decision == AssessDecision.ASSESS)),
            _count(and_(known, r.decision == AssessDecision.NOT_ASSESS)),
            _count(and_(known, r.decision == AssessDecision.WITHDRAWN)),
        ],
        scope,
    )
    within_6 = r.decision_date <= add_days(r.received_date, DECISION_DAYS)
    decisions = _counts_by_period(
        session,
        r.decision_date,
        periods,
        [_count(within_6), _count(~within_6)],
        r.decision.in_([AssessDecision.ASSESS, AssessDecision.NOT_ASSESS]),
        scope,
    )
    within_20 = r.plan_issued_date <= add_days(r.received_date, FINAL_PLAN_DAYS)
    no_exception = ~exists().where(TimescaleException.request_id == r.id)
    plans = _counts_by_period(
        session,
        r.plan_issued_date,
        periods,
        [
            func.count(),
            _count(within_20),
            _count(no_exception),
            _count(and_(no_exception, within_20)),
        ],
        scope,
    )
    found: list[dict[str, int | float]] = []
    for index in range(len(periods)):
        total, assess, not_assess, withdrawn = received.get(index, [0, 0, 0, 0])
        in_time, late = decisions.get(index, [0, 0])
        plan_counts = plans.get(index, [0, 0, 0, 0])
        found.append(
            {
                "ehcna.requests_received": total,
                "ehcna.requests_decided_to_assess": assess,
                "ehcna.requests_decided_not_to_assess": not_assess,
                "ehcna.requests_withdrawn": withdrawn,
                "ehcna.requests_decision_not_made": total - assess - not_assess - withdrawn,
                "ehcna.decisions_within_6_weeks": in_time,
                "ehcna.decisions_over_6_weeks": late,
                "ehcna.plans_issued": plan_counts[0],
                "ehcna.plans_issued_within_20_weeks": plan_counts[1],
                "ehcna.plans_issued_excluding_exceptions": plan_counts[2],
                "ehcna.plans_issued_within_20_weeks_excluding_exceptions": plan_counts[3],
            }
        )
    return found
