"""The statistics dashboard: a period's figures with the change on the previous period, the
trend over the last 8 financial quarters and the breakdowns, within what the user may see.

Scope: LA officers and administrators see the whole area; an Area SEND Lead sees only their
clusters' figures. A filter naming a cluster or setting outside the user's scope is refused
as not found (404), like any other out-of-scope id.

Dates: referrals, RTF and requests avoided count events in each period, classified as at
the as-at date (today unless chosen), as `flask stats` does. The SEN register is a
snapshot, so each period's register figures are as at the end of that period (or the
as-at date when that is earlier): otherwise every quarter of the trend would repeat today's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import Cluster, LocalAuthority, NeedCode, Setting, User
from sendtrack.services import statistics
from sendtrack.services.errors import NotFound
from sendtrack.services.scoping import cluster_scope, get_cluster, get_setting, setting_scope
from sendtrack.services.statistics import cache
from sendtrack.services.statistics.avoided import DEFAULT_WINDOW_MONTHS
from sendtrack.services.statistics.breakdowns import DIMENSIONS, breakdown, key_names
from sendtrack.services.statistics.filters import Filters
from sendtrack.services.statistics.measures import label, rate_note, sections, shown
from sendtrack.services.statistics.periods import Period, last_quarters, previous
from sendtrack.services.statistics.register import register_measures

HEADLINES = (
    "register.sen_support",
    "register.ehc_plan",
    "referrals.received",
    "referrals.decided",
    "referrals.pupils_supported",
    "referrals.amount_awarded",
    "rtf.approved",
    "avoided.avoided",
    "ehcna.requests_received",
)
TREND = (
    "referrals.received",
    "referrals.decided",
    "referrals.pupils_supported",
    "referrals.amount_awarded",
    "rtf.approved",
    "avoided.avoided",
    "avoided.escalated",
    "avoided.pending",
    "avoided.lost_to_follow_up",
    "avoided.not_flagged",
    "ehcna.requests_received",
)


@dataclass(frozen=True)
class Choice:
    """What the user asked for (ids not yet checked against their scope)."""

    period: Period
    as_at: date
    cluster_id: uuid.UUID | None = None
    setting_id: uuid.UUID | None = None
    need: NeedCode | None = None


@dataclass(frozen=True)
class Scope:
    """The checked filters, and what to call them on the page and in files."""

    filters: Filters
    description: str
    cluster_name: str | None = None
    setting_name: str | None = None
    area_wide: bool = True


@dataclass
class Figures:
    period: Period
    measures: dict[str, int | float]


@dataclass
class Dashboard:
    choice: Choice
    scope: Scope
    window_months: int
    current: Figures
    before: Figures
    trend: list[Figures]
    breakdowns: dict[str, list[tuple[str, dict[str, int | float]]]] = field(default_factory=dict)

    @property
    def rate_note(self) -> str:
        return rate_note(self.current.measures)

    def change(self, measure: str) -> str:
        """'up 3 on the previous period', 'no change', 'down £200.00', or '' when unknown."""
        now = self.current.measures.get(measure)
        then = self.before.measures.get(measure)
        if now is None or then is None:
            return ""
        difference = now - then
        if measure == "avoided.rate":
            points = round(difference * 100, 1)
            return (
                "no change"
                if points == 0
                else f"{'up' if points > 0 else 'down'} {abs(points)} points"
            )
        if difference == 0:
            return "no change"
        return f"{'up' if difference > 0 else 'down'} {shown(measure, abs(difference))}"

    def headlines(self) -> list[dict[str, Any]]:
        return [
            {
                "measure": m,
                "label": label(m),
                "value": self.current.measures[m],
                "shown": shown(m, self.current.measures[m]),
                "previous": shown(m, self.before.measures[m]) if m in self.before.measures else "",
                "change": self.change(m),
            }
            for m in HEADLINES
            if m in self.current.measures
        ]

    def sections(self) -> list[tuple[str, list[Any]]]:
        return sections(self.current.measures)

    def trend_measures(self) -> list[str]:
        return [m for m in TREND if all(m in f.measures for f in self.trend)]


def window_months() -> int:
    value = db.session.scalar(select(LocalAuthority.follow_up_window_months).limit(1))
    return DEFAULT_WINDOW_MONTHS if value is None else int(value)


def visible_cluster_ids(user: User) -> list[uuid.UUID]:
    return list(db.session.scalars(select(Cluster.id).where(cluster_scope(user))))


def scope_for(user: User, choice: Choice) -> Scope:
    """Check the chosen cluster and setting against the user's scope; build the filters."""
    cluster_name = setting_name = None
    cluster_ids: frozenset[uuid.UUID] | None = None
    if not user.is_area_wide:
        cluster_ids = frozenset(visible_cluster_ids(user))
    if choice.cluster_id is not None:
        cluster = get_cluster(user, choice.cluster_id)
        cluster_ids = frozenset({cluster.id})
        cluster_name = cluster.name
    setting_ids = None
    if choice.setting_id is not None:
        setting = get_setting(user, choice.setting_id)
        if choice.cluster_id is not None and setting.cluster_id != choice.cluster_id:
            raise NotFound("setting")
        setting_ids = frozenset({setting.id})
        setting_name = setting.name
    parts = [setting_name or cluster_name or ("The whole area" if user.is_area_wide else "")]
    if not parts[0]:
        names = db.session.scalars(
            select(Cluster.name).where(cluster_scope(user)).order_by(Cluster.name)
        ).all()
        parts[0] = "Your clusters: " + (", ".join(names) or "none")
    if choice.need is not None:
        parts.append(f"primary need {choice.need.value} ({choice.need.label.lower()})")
    return Scope(
        Filters(
            cluster_ids=cluster_ids,
            setting_ids=setting_ids,
            needs=frozenset({choice.need}) if choice.need else None,
        ),
        "; ".join(parts),
        cluster_name,
        setting_name,
        user.is_area_wide and choice.cluster_id is None and choice.setting_id is None,
    )


def _measures(period: Period, as_at: date, window: int, filters: Filters) -> dict[str, Any]:
    measures = statistics.compute(period.start, period.end, as_at, window, filters)
    register_date = min(period.end, as_at)
    if register_date != as_at:
        measures.update(register_measures(db.session(), register_date, filters))
    return measures


def _figures(period: Period, as_at: date, window: int, filters: Filters) -> Figures:
    key = ("figures", period.start, period.end, as_at, window, filters)
    return Figures(
        period,
        cache.cached(db.session(), key, lambda: _measures(period, as_at, window, filters)),
    )


def build(user: User, choice: Choice, *, with_breakdowns: bool = True) -> Dashboard:
    scope = scope_for(user, choice)
    window = window_months()
    filters = scope.filters
    # The trend's 8 quarters in one statement per area (spans.py); the chosen period and the
    # one before it are usually among them, and are computed on their own only when not.
    quarters = last_quarters(choice.period.end)
    spans_ = tuple((q.start, q.end) for q in quarters)
    trend_measures = cache.cached(
        db.session(),
        ("trend", spans_, choice.as_at, window, filters),
        lambda: statistics.compute_periods(
            spans_, choice.as_at, window, filters, register_as_at_period_end=True
        ),
    )
    done = {(q.start, q.end): m for q, m in zip(quarters, trend_measures, strict=True)}

    def figures(period: Period) -> Figures:
        known = done.get((period.start, period.end))
        if known is not None:
            return Figures(period, dict(known))
        return _figures(period, choice.as_at, window, filters)

    trend = [Figures(q, m) for q, m in zip(quarters, trend_measures, strict=True)]
    current = figures(choice.period)
    before = figures(previous(choice.period))
    dashboard = Dashboard(
        choice,
        scope,
        window,
        current,
        before,
        trend,
    )
    if with_breakdowns:
        for dimension in DIMENSIONS:
            if dimension == "setting" and scope.setting_name:
                continue
            if dimension == "cluster" and (scope.cluster_name or scope.setting_name):
                continue
            table = cache.cached(
                db.session(),
                ("breakdown", dimension, choice.period, choice.as_at, window, filters),
                partial(
                    breakdown,
                    db.session(),
                    dimension,
                    choice.period.start,
                    choice.period.end,
                    choice.as_at,
                    window,
                    filters,
                ),
            )
            names = key_names(db.session(), dimension, list(table))
            dashboard.breakdowns[dimension] = sorted(
                ((names[k], v) for k, v in table.items()), key=lambda kv: kv[0].lower()
            )
    return dashboard


def filter_choices(user: User) -> dict[str, list[tuple[str, str]]]:
    """Options for the cluster, setting and need filters, within the user's scope."""
    clusters = db.session.execute(
        select(Cluster.id, Cluster.name).where(cluster_scope(user)).order_by(Cluster.name)
    ).all()
    query = select(Setting.id, Setting.name, Setting.urn).where(setting_scope(user))
    if not user.is_area_wide:
        query = query.where(Setting.cluster_id.in_([c.id for c in clusters]))
    settings = db.session.execute(query.order_by(Setting.name)).all()
    return {
        "cluster": [(str(c.id), c.name) for c in clusters],
        "setting": [(str(s.id), f"{s.name} ({s.urn})") for s in settings],
        "need": [(n.value, f"{n.value}: {n.label}") for n in NeedCode],
    }
