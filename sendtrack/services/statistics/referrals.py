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

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, select
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


def decisions_in_period(date_from: date, date_to: date, filters: Filters = NO_FILTERS) -> Subquery:
    """Confirmed decisions dated in the period, `newest` = 1 on each referral's latest."""
    return (
        select(
            PanelDecision.referral_id,
            PanelDecision.outcome,
            PanelDecision.amount_awarded,
            Referral.pupil_id,
            Referral.setting_id,
            Referral.cluster_id,
            func.row_number()
            .over(
                partition_by=PanelDecision.referral_id,
                order_by=(
                    PanelDecision.decision_date.desc(),
                    PanelDecision.confirmed_at.desc(),
                    PanelDecision.id.desc(),
                ),
            )
            .label("newest"),
        )
        .join(Referral, Referral.id == PanelDecision.referral_id)
        .where(
            PanelDecision.confirmed_at.is_not(None),
            PanelDecision.decision_date >= date_from,
            PanelDecision.decision_date <= date_to,
            *_chosen(filters),
        )
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
        .group_by(key)
    ):
        received[index] = count
    by_outcome: list[dict[str, int]] = [{} for _ in periods]
    awarded: list[Decimal] = [Decimal(0) for _ in periods]
    supported = [0 for _ in periods]
    for index, outcome, count, money, children in session.execute(_by_outcome(periods, filters)):
        by_outcome[index][str(getattr(outcome, "value", outcome))] = count
        awarded[index] += Decimal(str(money or 0))
        supported[index] += int(children or 0)
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


def _by_outcome(periods: Sequence[Span], filters: Filters) -> Select:
    """Per period and outcome of each referral's latest decision in that period: referrals,
    pounds, and children supported, in one pass. A child is counted once per period, on the
    first of their early-support rows there (a second window numbers each child's rows), so
    the per-outcome counts add up to the distinct children given advice and/or resources."""
    period = spans.bucket(PanelDecision.decision_date, periods)
    ranked = (
        select(
            period.label("period"),
            PanelDecision.outcome,
            PanelDecision.amount_awarded,
            Referral.pupil_id,
            func.row_number()
            .over(
                partition_by=(PanelDecision.referral_id, period),
                order_by=(
                    PanelDecision.decision_date.desc(),
                    PanelDecision.confirmed_at.desc(),
                    PanelDecision.id.desc(),
                ),
            )
            .label("newest"),
        )
        .join(Referral, Referral.id == PanelDecision.referral_id)
        .where(
            PanelDecision.confirmed_at.is_not(None),
            spans.within(PanelDecision.decision_date, periods),
            *_chosen(filters),
        )
        .subquery()
    )
    early = ranked.c.outcome.in_(sorted(EARLY_SUPPORT_OUTCOMES))
    latest = (
        select(
            ranked.c.period,
            ranked.c.outcome,
            ranked.c.amount_awarded,
            early.label("early"),
            func.row_number()
            .over(
                partition_by=(ranked.c.period, ranked.c.pupil_id, early),
                order_by=ranked.c.outcome,
            )
            .label("child_nth"),
        )
        .where(ranked.c.newest == 1)
        .subquery()
    )
    first_early = case((and_(latest.c.early, latest.c.child_nth == 1), 1), else_=0)
    return select(
        latest.c.period,
        latest.c.outcome,
        func.count(),
        func.sum(latest.c.amount_awarded),
        func.sum(first_early),
    ).group_by(latest.c.period, latest.c.outcome)
