"""Reception Transition Funding: applications received, awards approved, money awarded.

- applications: applications whose `application_date` is in the period (drafts have none).
- approved: applications decided approved or part approved with a `decision_date` in the
  period; declined applications are not counted.
- amount_awarded: pounds awarded by those approvals, to the penny.

Filters apply to the receiving school and the child's primary need (filters.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, func, select
from sqlalchemy.orm import Session

from sendtrack.models import RtfApplication, RtfDecision
from sendtrack.services.statistics import spans
from sendtrack.services.statistics.filters import NO_FILTERS, Filters
from sendtrack.services.statistics.referrals import pounds
from sendtrack.services.statistics.spans import Span

AWARDS = [d.value for d in RtfDecision if d.is_award]


def _chosen(filters: Filters) -> list[ColumnElement[bool]]:
    return filters.where(
        pupil_id=RtfApplication.pupil_id, setting_id=RtfApplication.receiving_setting_id
    )


def _columns() -> list[Any]:
    return [
        RtfApplication.pupil_id,
        RtfApplication.receiving_setting_id.label("setting_id"),
        RtfApplication.amount_awarded,
    ]


def application_rows(date_from: date, date_to: date, filters: Filters = NO_FILTERS) -> Subquery:
    return (
        select(*_columns())
        .where(
            RtfApplication.application_date >= date_from,
            RtfApplication.application_date <= date_to,
            *_chosen(filters),
        )
        .subquery()
    )


def approved_rows(date_from: date, date_to: date, filters: Filters = NO_FILTERS) -> Subquery:
    return (
        select(*_columns())
        .where(
            RtfApplication.decision.in_(AWARDS),
            RtfApplication.decision_date >= date_from,
            RtfApplication.decision_date <= date_to,
            *_chosen(filters),
        )
        .subquery()
    )


def rtf_measures(
    session: Session, date_from: date, date_to: date, filters: Filters = NO_FILTERS
) -> dict[str, int | float]:
    return rtf_measures_by_period(session, [(date_from, date_to)], filters)[0]


def rtf_measures_by_period(
    session: Session, periods: Sequence[Span], filters: Filters = NO_FILTERS
) -> list[dict[str, int | float]]:
    spans.check(periods)
    a = RtfApplication
    applied = spans.bucket(a.application_date, periods)
    applications: dict[int, int] = dict(
        session.execute(
            select(applied, func.count())
            .where(spans.within(a.application_date, periods), *_chosen(filters))
            .group_by(*spans.group(applied, periods))
        ).all()
    )
    decided = spans.bucket(a.decision_date, periods)
    approved: dict[int, tuple[int, Any]] = {
        index: (count, money)
        for index, count, money in session.execute(
            select(decided, func.count(), func.sum(a.amount_awarded))
            .where(
                a.decision.in_(AWARDS),
                spans.within(a.decision_date, periods),
                *_chosen(filters),
            )
            .group_by(*spans.group(decided, periods))
        )
    }
    return [
        {
            "rtf.applications": applications.get(index, 0),
            "rtf.approved": approved.get(index, (0, None))[0],
            "rtf.amount_awarded": pounds(approved.get(index, (0, None))[1]),
        }
        for index in range(len(periods))
    ]
