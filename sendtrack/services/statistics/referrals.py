"""Referrals to cluster panels: received, decided (by outcome), children supported, money.

- received: referrals whose `submitted_date` is in the period.
- decided: referrals with a confirmed panel decision (`confirmed_at` set) dated in the
  period. A referral can have more than one decision (deferred, then decided): each referral
  counts once, by its latest confirmed decision in the period (latest decision date, then
  latest confirmation, then id), so a referral deferred in one quarter and decided in the
  next counts in both quarters, and once in the year. Unconfirmed decisions are drafts and
  never count.
- outcome.<outcome>: those decided referrals by the outcome of that decision; every outcome
  is always reported, 0 when none.
- pupils_supported: distinct children whose decided referrals gave advice and/or resources.
- amount_awarded: pounds awarded by those decisions, to the penny.

Filters apply to the referral's setting, the cluster it was referred to and the child's
primary need (filters.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Date,
    Subquery,
    and_,
    case,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from sendtrack.models import DecisionOutcome, PanelDecision, Referral
from sendtrack.models.panels import EARLY_SUPPORT_OUTCOMES
from sendtrack.services.statistics import spans
from sendtrack.services.statistics.filters import NO_FILTERS, Filters
from sendtrack.services.statistics.spans import Span


def pounds(value: Decimal | float | int | None) -> float:
    """A sum of money as a number of pounds to the penny (SQLite sums money as floats)."""
    return float(round(Decimal(str(value or 0)), 2))


def _chosen(filters: Filters) -> list[ColumnElement[bool]]:
    return filters.where(
        pupil_id=Referral.pupil_id, setting_id=Referral.setting_id, cluster_id=Referral.cluster_id
    )


def received_rows(date_from: date, date_to: date, filters: Filters = NO_FILTERS) -> Subquery:
    """Referrals submitted in the period: pupil_id, setting_id, cluster_id."""
    return (
        select(Referral.pupil_id, Referral.setting_id, Referral.cluster_id)
        .where(
            Referral.submitted_date >= date_from,
            Referral.submitted_date <= date_to,
            *_chosen(filters),
        )
        .subquery()
    )


def _decided_where(periods: Sequence[Span], filters: Filters) -> list[ColumnElement[bool]]:
    """Confirmed decisions dated in one of the periods that are their referral's latest
    confirmed decision in that period: the next one on the referral (`superseded_on`,
    facts.py) is after the period's end, or there is none. With setting or cluster filters
    the referral is read for its setting and cluster; the child's need needs no join."""
    period_end = (
        literal(periods[0][1], Date)
        if len(periods) == 1
        else case(
            *((and_(PanelDecision.decision_date >= s, PanelDecision.decision_date <= e), e)
              for s, e in periods)
        )
    )  # fmt: skip
    clauses: list[ColumnElement[bool]] = [
        PanelDecision.confirmed_at.is_not(None),
        spans.within(PanelDecision.decision_date, periods),
        or_(PanelDecision.superseded_on.is_(None), PanelDecision.superseded_on > period_end),
        *filters.need_condition(PanelDecision.pupil_id),
    ]
    if filters.setting_ids is not None or filters.cluster_ids is not None:
        chosen = and_(
            *filters.settings_condition(Referral.setting_id, Referral.cluster_id),
        )
        clauses.append(
            exists()
            .where(Referral.id == PanelDecision.referral_id, chosen)
            .correlate_except(Referral)
        )
    return clauses


def decisions_in_period(date_from: date, date_to: date, filters: Filters = NO_FILTERS) -> Subquery:
    """Each referral's latest confirmed decision dated in the period, with its referral's
    child, setting and cluster (for breakdowns)."""
    return (
        select(
            PanelDecision.referral_id,
            PanelDecision.outcome,
            PanelDecision.amount_awarded,
            Referral.pupil_id,
            Referral.setting_id,
            Referral.cluster_id,
        )
        .join(Referral, Referral.id == PanelDecision.referral_id)
        .where(*_decided_where([(date_from, date_to)], filters))
        .subquery()
    )


def referral_measures(
    session: Session, date_from: date, date_to: date, filters: Filters = NO_FILTERS
) -> dict[str, int | float]:
    return referral_measures_by_period(session, [(date_from, date_to)], filters)[0]


def referral_measures_by_period(
    session: Session, periods: Sequence[Span], filters: Filters = NO_FILTERS
) -> list[dict[str, int | float]]:
    """The referral figures of each period (periods must not overlap: spans.py)."""
    spans.check(periods)
    received: dict[int, int] = {}
    key = spans.bucket(Referral.submitted_date, periods)
    for index, count in session.execute(
        select(key, func.count())
        .where(spans.within(Referral.submitted_date, periods), *_chosen(filters))
        .group_by(*spans.group(key, periods))
    ):
        received[index] = count
    by_outcome: list[dict[str, int]] = [{} for _ in periods]
    awarded: list[Decimal] = [Decimal(0) for _ in periods]
    supported = [0 for _ in periods]
    period = spans.bucket(PanelDecision.decision_date, periods)
    decided = _decided_where(periods, filters)
    for index, outcome, count, money in session.execute(
        select(period, PanelDecision.outcome, func.count(), func.sum(PanelDecision.amount_awarded))
        .where(*decided)
        .group_by(*spans.group(period, periods), PanelDecision.outcome)
    ):
        by_outcome[index][str(getattr(outcome, "value", outcome))] = count
        awarded[index] += Decimal(str(money or 0))
    for index, children in session.execute(
        select(period, func.count(distinct(PanelDecision.pupil_id)))
        .where(*decided, PanelDecision.outcome.in_(sorted(EARLY_SUPPORT_OUTCOMES)))
        .group_by(*spans.group(period, periods))
    ):
        supported[index] = children
    found = []
    for index in range(len(periods)):
        measures: dict[str, int | float] = {
            "referrals.received": received.get(index, 0),
            "referrals.decided": sum(by_outcome[index].values()),
            "referrals.pupils_supported": supported[index],
            "referrals.amount_awarded": pounds(awarded[index]),
        }
        for outcome in DecisionOutcome:
            measures[f"referrals.outcome.{outcome.value}"] = by_outcome[index].get(outcome.value, 0)
        found.append(measures)
    return found
