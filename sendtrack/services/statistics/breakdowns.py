"""The figures broken down by cluster, setting or primary need: one GROUP BY per area.

Each area's rows (the same subqueries its measures count, so a breakdown always adds up
to the headline figure) are grouped by a key:
- cluster: the record's cluster (the referral's; otherwise its setting's cluster);
- setting: the record's setting (see filters.py for which setting that is);
- need: the child's primary need now.
Records with no key (a setting outside any cluster, a child with no need recorded) form a
group of their own, keyed None.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, distinct, func, select
from sqlalchemy.orm import Session

from sendtrack.models import Cluster, NeedCode, PupilNeed, Setting
from sendtrack.models.panels import EARLY_SUPPORT_OUTCOMES
from sendtrack.services.statistics.avoided import CATEGORIES, classified
from sendtrack.services.statistics.filters import NO_FILTERS, Filters
from sendtrack.services.statistics.measures import label
from sendtrack.services.statistics.referrals import decisions_in_period, pounds, received_rows
from sendtrack.services.statistics.register import register_rows
from sendtrack.services.statistics.rtf import application_rows, approved_rows

DIMENSIONS = ("cluster", "setting", "need")
DIMENSION_LABELS = {"cluster": "Cluster", "setting": "Setting", "need": "Primary need"}

# The measures a breakdown carries, in the order they are shown.
BROKEN_DOWN = (
    "register.sen_support",
    "register.ehc_plan",
    "referrals.received",
    "referrals.decided",
    "referrals.pupils_supported",
    "referrals.amount_awarded",
    "rtf.applications",
    "rtf.approved",
    "rtf.amount_awarded",
    *(f"avoided.{c}" for c in CATEGORIES),
)


# Short column headings for the wide tables; the full labels are in measures.LABELS.
SHORT_LABELS = {
    "register.sen_support": "SEN support",
    "register.ehc_plan": "EHC plan",
    "referrals.received": "Referrals received",
    "referrals.decided": "Referrals decided",
    "referrals.pupils_supported": "Children supported",
    "referrals.amount_awarded": "Panel awards",
    "rtf.applications": "RTF applications",
    "rtf.approved": "RTF awards",
    "rtf.amount_awarded": "RTF pounds",
    "avoided.avoided": "Requests avoided",
    "avoided.escalated": "Escalated",
    "avoided.pending": "Pending",
    "avoided.lost_to_follow_up": "Lost to follow-up",
    "avoided.not_flagged": "Not flagged",
    "ehcna.requests_received": "EHCNA requests",
}


def short_label(measure: str) -> str:
    return SHORT_LABELS.get(measure) or label(measure)


def _key(rows: Subquery, dimension: str) -> ColumnElement[Any]:
    c = rows.c
    if dimension == "setting":
        return c.setting_id
    if dimension == "need":
        return (
            select(PupilNeed.code)
            .where(PupilNeed.pupil_id == c.pupil_id, PupilNeed.rank == 1)
            .scalar_subquery()
        )
    if "cluster_id" in c:
        return c.cluster_id
    return select(Setting.cluster_id).where(Setting.id == c.setting_id).scalar_subquery()


def _keyed(rows: Subquery, dimension: str, *columns: str) -> Subquery:
    """The rows (or just `columns` of them) with their key first: grouping the outer query
    by it lets the key be a correlated subquery on both databases. The primary need is
    joined (one row per child: pupil_need is unique on (pupil_id, rank)), not looked up
    per row, which SQLite did twice per row (measured on the county benchmark)."""
    chosen = [rows.c[name] for name in columns] if columns else list(rows.c)
    if dimension == "need":
        primary = and_(PupilNeed.pupil_id == rows.c.pupil_id, PupilNeed.rank == 1)
        return (
            select(PupilNeed.code.label("key"), *chosen)
            .select_from(rows.outerjoin(PupilNeed, primary))
            .subquery()
        )
    if dimension == "cluster" and "cluster_id" not in rows.c:
        return (
            select(Setting.cluster_id.label("key"), *chosen)
            .select_from(rows.outerjoin(Setting, Setting.id == rows.c.setting_id))
            .subquery()
        )
    return select(_key(rows, dimension).label("key"), *chosen).subquery()


def _counts(session: Session, rows: Subquery, dimension: str, *by: str) -> list[Any]:
    """(key, *by columns, count, sum of amount_awarded when the rows carry money)."""
    keyed = _keyed(rows, dimension)
    columns = [keyed.c.key, *(keyed.c[name] for name in by)]
    money = [func.sum(keyed.c.amount_awarded)] if "amount_awarded" in keyed.c else []
    return list(session.execute(select(*columns, func.count(), *money).group_by(*columns)).all())


def _plain(key: Any) -> Any:
    return getattr(key, "value", key)


def breakdown(
    session: Session,
    dimension: str,
    date_from: date,
    date_to: date,
    as_at: date,
    window_months: int,
    filters: Filters = NO_FILTERS,
) -> dict[Any, dict[str, int | float]]:
    """{key: {measure id: value}} for the BROKEN_DOWN measures, every key with them all."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"Unknown breakdown {dimension!r}")
    table: dict[Any, dict[str, int | float]] = defaultdict(dict)
    register_ids = {"K": "register.sen_support", "E": "register.ehc_plan"}
    for key, status, count in _counts(session, register_rows(as_at, filters), dimension, "status"):
        measure = register_ids.get(str(_plain(status)))
        if measure:
            table[_plain(key)][measure] = count
    for key, count in _counts(session, received_rows(date_from, date_to, filters), dimension):
        table[_plain(key)]["referrals.received"] = count
    for key, decided, supported, awarded in _decided(
        session, decisions_in_period(date_from, date_to, filters), dimension
    ):
        row = table[_plain(key)]
        row["referrals.decided"] = decided
        row["referrals.pupils_supported"] = supported
        row["referrals.amount_awarded"] = pounds(awarded)
    for key, count, _money in _counts(
        session, application_rows(date_from, date_to, filters), dimension
    ):
        table[_plain(key)]["rtf.applications"] = count
    for key, count, awarded in _counts(
        session, approved_rows(date_from, date_to, filters), dimension
    ):
        table[_plain(key)]["rtf.approved"] = count
        table[_plain(key)]["rtf.amount_awarded"] = pounds(awarded)
    children = classified(date_from, date_to, as_at, window_months, filters)
    keyed = _keyed(children, dimension, "category")
    for key, category, count in session.execute(
        select(keyed.c.key, keyed.c.category, func.count()).group_by(keyed.c.key, keyed.c.category)
    ):
        table[_plain(key)][f"avoided.{category}"] = count
    for row in table.values():
        for measure in BROKEN_DOWN:
            row.setdefault(measure, 0.0 if measure.endswith("amount_awarded") else 0)
    return dict(table)


def _decided(session: Session, latest: Subquery, dimension: str) -> list[Any]:
    """Per key: referrals decided (latest decision each), children given advice and/or
    resources by them, and pounds awarded."""
    keyed = _keyed(latest, dimension)
    early = sorted(EARLY_SUPPORT_OUTCOMES)
    supported = case((keyed.c.outcome.in_(early), keyed.c.pupil_id), else_=None)
    return list(
        session.execute(
            select(
                keyed.c.key,
                func.count(),
                func.count(distinct(supported)),
                func.sum(keyed.c.amount_awarded),
            ).group_by(keyed.c.key)
        ).all()
    )


def key_names(session: Session, dimension: str, keys: list[Any]) -> dict[Any, str]:
    """A person's name for each key: the cluster's or setting's name, the need's label."""
    if dimension == "need":
        return {k: (NeedCode(k).label if k else "No need recorded") for k in keys}
    model = Cluster if dimension == "cluster" else Setting
    ids = [k for k in keys if k is not None]
    query = select(model.id, model.name)
    if len(ids) <= 50:
        query = query.where(model.id.in_(ids))
    # else every name: a county's 600 settings read whole cost less than binding 600 ids.
    names = dict(session.execute(query).all())
    none_label = "No cluster" if dimension == "cluster" else "No setting"
    return {k: names.get(k, none_label) if k is not None else none_label for k in keys}
