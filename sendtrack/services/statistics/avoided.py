"""How many EHC needs assessment (EHCNA) requests early support avoided: the method.

The figures must be honest and checkable, so every rule, including each boundary, is here.

Episodes
    An early-support episode is either a confirmed panel decision (`confirmed_at` set) whose
    outcome gave advice and/or resources (DecisionOutcome.is_early_support), or an RTF
    application decided approved or part approved. Its date is the decision date.

Children, not episodes
    Each child is attributed to their FIRST episode ever: the earliest decision date; on the
    same day a panel decision comes before an RTF award, then the lower record id decides,
    so the choice is the same every time. The child is counted when that first episode was
    decided in the period (inclusive). A child whose first episode falls before the period
    is not counted again for a later episode.

The school's answer
    "Without this support, would you request an EHC needs assessment now?" is taken from
    the referral (panel episode) or the RTF application. Only children whose school answered
    "yes" are classified; "no", "not sure" or no answer count as `not_flagged`.

The follow-up window
    From the decision date to `window_end` = decision date + `window_months` calendar
    months (default 12). When the day does not exist in the target month it is the last
    day of that month (29 February 2024 + 12 months = 28 February 2025). Both ends are
    inside the window.

Classification as at the as-at date, first rule that applies wins
    1. escalated: an EHCNA request for the child was received on a date from the decision
       date to `window_end`, both inclusive, and on or before the as-at date (a request
       received after the as-at date was not known then). Any request counts, whatever
       was later decided on it. A request received before the decision date does not.
    2. lost_to_follow_up: the child's `left_date` is set, is before `window_end` (a child
       leaving on the window's last day was followed for the whole window) and is on or
       before the as-at date.
    3. pending: the window is still open, `window_end` is after the as-at date. A window
       ending ON the as-at date is closed.
    4. avoided: otherwise, the window has closed with no request.

Rate
    avoided.rate = avoided / (avoided + escalated), rounded half up to 3 decimal places
    (0.0625 -> 0.063). It is an estimate with that denominator, and is absent when the
    denominator is 0.

Filters (cluster, setting, need; an Area SEND Lead's clusters) apply to the child's first
episode, after it has been chosen from every episode: a child first supported in another
cluster is not counted in this one for later support.

Everything is computed in SQL, identically on SQLite and PostgreSQL. Each child's first
episode ever is kept in `early_support_start` (facts.py), rebuilt in the same transaction
as any change to the child's decisions, referrals or RTF applications; counting reads the
period's rows from its index, then one indexed check per child for a request in the
window, and one GROUP BY counts the categories.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    String,
    Subquery,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from sendtrack.models import (
    EarlySupportStart,
    EhcnaRequest,
    PanelDecision,
    Pupil,
    Referral,
    RtfApplication,
    Setting,
    WouldRequestEhcna,
)
from sendtrack.services.statistics import spans
from sendtrack.services.statistics.facts import PANEL
from sendtrack.services.statistics.filters import NO_FILTERS, Filters
from sendtrack.services.statistics.months import add_months
from sendtrack.services.statistics.spans import Span

CATEGORIES = ("avoided", "escalated", "pending", "lost_to_follow_up", "not_flagged")
DEFAULT_WINDOW_MONTHS = 12


@dataclass(frozen=True)
class AvoidedChild:
    """One child behind an `avoided.*` figure, with what put them there."""

    pupil_id: uuid.UUID
    name: str
    upn: str | None
    category: str
    source: str  # "panel" or "rtf"
    reference: str
    decision_date: date
    window_end: date
    answer: WouldRequestEhcna | None
    ehcna_received: date | None
    left_date: date | None
    setting_name: str = ""


def classified(
    date_from: date,
    date_to: date,
    as_at: date,
    window_months: int,
    filters: Filters = NO_FILTERS,
    *,
    details: bool = False,
) -> Subquery:
    """One row per child whose first episode was decided in the period, with its category;
    with `details`, also the child's name and UPN and the first request in the window
    (for drill-down: counting does not need them, and the extra lookup per child showed
    in the benchmark)."""
    f = EarlySupportStart
    # The cluster the referral went to; for an RTF award, its receiving school's now.
    cluster = func.coalesce(
        f.cluster_id,
        select(Setting.cluster_id).where(Setting.id == f.setting_id).scalar_subquery(),
    )
    reference: Any = literal_column("''", String)
    if details:
        reference = case(
            (
                f.source == PANEL,
                select(Referral.reference)
                .join(PanelDecision, PanelDecision.referral_id == Referral.id)
                .where(PanelDecision.id == f.source_id)
                .scalar_subquery(),
            ),
            else_=select(RtfApplication.reference)
            .where(RtfApplication.id == f.source_id)
            .scalar_subquery(),
        )
    first = (
        select(
            f.pupil_id,
            f.decision_date,
            f.source,
            reference.label("reference"),
            f.answer,
            f.setting_id,
            cluster.label("cluster_id"),
            add_months(f.decision_date.expression, window_months).label("window_end"),
        )
        .where(
            f.decision_date >= date_from,
            f.decision_date <= date_to,
            *filters.where(pupil_id=f.pupil_id, setting_id=f.setting_id, cluster_id=cluster),
        )
        .subquery()
    )
    in_window = and_(
        EhcnaRequest.pupil_id == first.c.pupil_id,
        EhcnaRequest.received_date >= first.c.decision_date,
        EhcnaRequest.received_date <= first.c.window_end,
        EhcnaRequest.received_date <= as_at,
    )
    leaver = aliased(Pupil, name="leaver")
    category = case(
        (
            or_(first.c.answer.is_(None), first.c.answer != WouldRequestEhcna.YES),
            literal_column("'not_flagged'"),
        ),
        (exists().where(in_window), literal_column("'escalated'")),
        (
            # Looked up only for the flagged children not escalated: joining every child
            # to read one date was a third of this statement on the county.
            exists().where(
                leaver.id == first.c.pupil_id,
                leaver.left_date.is_not(None),
                leaver.left_date < first.c.window_end,
                leaver.left_date <= as_at,
            ),
            literal_column("'lost_to_follow_up'"),
        ),
        (first.c.window_end > as_at, literal_column("'pending'")),
        else_=literal_column("'avoided'"),
    )
    extra: list[Any] = []
    if details:
        first_request = (
            select(func.min(EhcnaRequest.received_date)).where(in_window).scalar_subquery()
        )
        extra = [
            Pupil.legal_forename,
            Pupil.legal_surname,
            Pupil.upn,
            Pupil.left_date,
            first_request.label("ehcna_received"),
        ]
    query = select(*first.c, *extra, category.label("category"))
    if details:
        query = query.join(Pupil, Pupil.id == first.c.pupil_id)
    return query.subquery()


def rate(avoided: int, escalated: int) -> float | None:
    """avoided / (avoided + escalated) to 3 places, half up; None without a denominator."""
    denominator = avoided + escalated
    if denominator == 0:
        return None
    exact = Decimal(avoided) / Decimal(denominator)
    return float(exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def avoided_measures(
    session: Session,
    date_from: date,
    date_to: date,
    as_at: date,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    filters: Filters = NO_FILTERS,
) -> dict[str, int | float]:
    return avoided_measures_by_period(
        session, [(date_from, date_to)], as_at, window_months, filters
    )[0]


def avoided_measures_by_period(
    session: Session,
    periods: Sequence[Span],
    as_at: date,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    filters: Filters = NO_FILTERS,
) -> list[dict[str, int | float]]:
    """The figures of each period. For periods that follow each other without a gap, the
    children are classified once over the whole span and counted in the period of their
    first episode: a child's first episode ever lies in at most one of them, so this is
    exactly each period on its own."""
    spans.check(periods)
    if not spans.contiguous(periods):
        return [
            avoided_measures(session, start, end, as_at, window_months, filters)
            for start, end in periods
        ]
    start = min(s for s, _ in periods)
    end = max(e for _, e in periods)
    rows = classified(start, end, as_at, window_months, filters)
    period = spans.bucket(rows.c.decision_date, periods)
    counts: list[dict[str, int]] = [{} for _ in periods]
    for index, category, count in session.execute(
        select(period, rows.c.category, func.count()).group_by(
            *spans.group(period, periods), rows.c.category
        )
    ):
        counts[index][category] = count
    return [category_measures(c) for c in counts]


def category_measures(counts: dict[str, int]) -> dict[str, int | float]:
    measures: dict[str, int | float] = {f"avoided.{c}": counts.get(c, 0) for c in CATEGORIES}
    estimate = rate(counts.get("avoided", 0), counts.get("escalated", 0))
    if estimate is not None:
        measures["avoided.rate"] = estimate
    return measures


def avoided_children(
    session: Session,
    date_from: date,
    date_to: date,
    as_at: date,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    filters: Filters = NO_FILTERS,
    category: str | None = None,
) -> dict[str, list[AvoidedChild]]:
    """The children behind each `avoided.*` figure, by category, ordered by name."""
    found = classified(date_from, date_to, as_at, window_months, filters, details=True)
    c = found.c
    query = (
        select(found, Setting.name.label("setting_name"))
        .join(Setting, Setting.id == c.setting_id)
        .order_by(c.legal_surname, c.legal_forename, c.decision_date, c.pupil_id)
    )
    if category is not None:
        query = query.where(c.category == category)
    rows = session.execute(query).mappings()
    children: dict[str, list[AvoidedChild]] = {category: [] for category in CATEGORIES}
    for row in rows:
        answer = row["answer"]
        children[row["category"]].append(
            AvoidedChild(
                pupil_id=row["pupil_id"],
                name=f"{row['legal_forename']} {row['legal_surname']}",
                upn=row["upn"],
                category=row["category"],
                source=row["source"],
                reference=row["reference"],
                decision_date=row["decision_date"],
                window_end=row["window_end"],
                answer=WouldRequestEhcna(answer) if answer is not None else None,
                ehcna_received=row["ehcna_received"],
                left_date=row["left_date"],
                setting_name=row["setting_name"],
            )
        )
    return children
