"""Derived data the statistics read, kept in step with the records in the same transaction.

- `panel_decision.pupil_id`: the referral's child, copied when a decision is inserted;
- `panel_decision.superseded_on`: the date of the next confirmed decision on the same
  referral (by decision date, then confirmation time, then id), None when there is none;
- `early_support_start`: each child's first early-support episode ever
  (models/early_support.py; the method is in avoided.py).

With them, "referrals decided in a period, each by its latest decision there" is an
indexed range read (confirmed, dated in the period, not superseded before the period's
end) and "children whose first episode ever was in the period" is another; neither needs
a join per decision or a window over every episode, which was most of the statistics'
time on the county benchmark (bench/stats_vs_pandas.py).

Every ORM flush that inserts, changes or deletes a panel decision, a referral or an RTF
application rebuilds, with SQL on the flush's own connection, the rows of the children and
referrals it touched: they commit or roll back with the change. Loads that bypass the ORM
(bench/generate.py, the migration that added these) call `rebuild()`. `differences()`
compares every stored row with a fresh computation (`flask statistics-facts --check`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    Table,
    and_,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, UOWTransaction

from sendtrack.models import (
    EarlySupportStart,
    PanelDecision,
    Referral,
    RtfApplication,
    RtfDecision,
)
from sendtrack.models.panels import EARLY_SUPPORT_OUTCOMES

PANEL = "panel"
RTF = "rtf"
AWARDS = sorted(d for d in RtfDecision if d.is_award)
CHUNK = 500  # ids per IN list
_PENDING = "statistics_facts_pending"

decision = cast(Table, PanelDecision.__table__)
referral = cast(Table, Referral.__table__)
application = cast(Table, RtfApplication.__table__)
start = cast(Table, EarlySupportStart.__table__)
COLUMNS = ("pupil_id", "decision_date", "source", "source_id", "answer", "setting_id", "cluster_id")


def _chunks(ids: Iterable[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    ordered = sorted(set(ids))
    for first in range(0, len(ordered), CHUNK):
        yield ordered[first : first + CHUNK]


def first_episodes(pupil_ids: Sequence[uuid.UUID] | None = None) -> Select:
    """Each child's first early-support episode ever (of these children, or of all): a
    confirmed panel decision giving advice and/or resources, or an approved or part-approved
    RTF award; the earliest decision date, a panel decision before an RTF award on the same
    day, then the lower id."""
    panel = (
        select(
            decision.c.pupil_id,
            decision.c.decision_date,
            literal_column(f"'{PANEL}'", String).label("source"),
            decision.c.id.label("source_id"),
            referral.c.would_request_ehcna.label("answer"),
            referral.c.setting_id,
            referral.c.cluster_id,
        )
        .join(referral, referral.c.id == decision.c.referral_id)
        .where(
            decision.c.confirmed_at.is_not(None),
            decision.c.outcome.in_(sorted(EARLY_SUPPORT_OUTCOMES)),
        )
    )
    rtf = select(
        application.c.pupil_id,
        application.c.decision_date,
        literal_column(f"'{RTF}'", String),
        application.c.id,
        application.c.would_request_ehcna,
        application.c.receiving_setting_id,
        null(),
    ).where(
        application.c.decision.in_(AWARDS),
        application.c.pupil_id.is_not(None),
        # An award without a date is in no period, so it cannot be a first episode.
        application.c.decision_date.is_not(None),
    )
    if pupil_ids is not None:
        panel = panel.where(decision.c.pupil_id.in_(pupil_ids))
        rtf = rtf.where(application.c.pupil_id.in_(pupil_ids))
    episodes = union_all(panel, rtf).subquery()
    ranked = select(
        *episodes.c,
        func.row_number()
        .over(
            partition_by=episodes.c.pupil_id,
            # "panel" sorts before "rtf": the documented same-day tie-break.
            order_by=(episodes.c.decision_date, episodes.c.source, episodes.c.source_id),
        )
        .label("nth"),
    ).subquery()
    return select(*(ranked.c[name] for name in COLUMNS)).where(ranked.c.nth == 1)


def _later_than_this(other: Any) -> ColumnElement[bool]:
    """`other` comes after the decision being updated, in (date, confirmed at, id) order."""
    return or_(
        other.c.decision_date > decision.c.decision_date,
        and_(
            other.c.decision_date == decision.c.decision_date,
            or_(
                other.c.confirmed_at > decision.c.confirmed_at,
                and_(
                    other.c.confirmed_at == decision.c.confirmed_at,
                    other.c.id > decision.c.id,
                ),
            ),
        ),
    )


def _next_decision_date() -> Any:
    """The date of the next confirmed decision on the same referral (NULL while none)."""
    following = decision.alias("following")
    return (
        select(func.min(following.c.decision_date))
        .where(
            following.c.referral_id == decision.c.referral_id,
            following.c.confirmed_at.is_not(None),
            _later_than_this(following),
        )
        .scalar_subquery()
    )


def _referral_child() -> Any:
    """The child of the decision's referral."""
    return (
        select(referral.c.pupil_id).where(referral.c.id == decision.c.referral_id).scalar_subquery()
    )


def _superseded(referral_ids: Sequence[uuid.UUID] | None) -> Any:
    next_date = _next_decision_date()
    child = _referral_child()
    # updated_at is kept: this is derived data, not a change anyone made to the decision.
    statement = update(decision).values(
        superseded_on=next_date, pupil_id=child, updated_at=decision.c.updated_at
    )
    if referral_ids is not None:
        statement = statement.where(decision.c.referral_id.in_(referral_ids))
    return statement


def refresh(
    connection: Connection,
    pupil_ids: Iterable[uuid.UUID] = (),
    referral_ids: Iterable[uuid.UUID] = (),
) -> None:
    """Rebuild the derived rows of these children and referrals."""
    for chunk in _chunks(referral_ids):
        connection.execute(_superseded(chunk))
    for chunk in _chunks(pupil_ids):
        connection.execute(delete(start).where(start.c.pupil_id.in_(chunk)))
        connection.execute(insert(start).from_select(COLUMNS, first_episodes(chunk)))


def rebuild(connection: Connection) -> None:
    """Rebuild every derived row (after a load that bypassed the ORM)."""
    connection.execute(
        update(decision)
        .values(
            pupil_id=_referral_child(),
            updated_at=decision.c.updated_at,
        )
        .where(decision.c.pupil_id.is_(None))
    )
    connection.execute(_superseded(None))
    connection.execute(delete(start))
    connection.execute(insert(start).from_select(COLUMNS, first_episodes()))


@dataclass(frozen=True)
class Differences:
    """Rows that differ from a fresh computation (all empty when everything is in step)."""

    children: list[uuid.UUID]
    decisions: list[uuid.UUID]

    @property
    def none(self) -> bool:
        return not self.children and not self.decisions


def differences(connection: Connection) -> Differences:
    """Every stored row compared with what `rebuild()` would write, in SQL."""
    fresh = first_episodes().subquery()
    stored = select(*(start.c[name] for name in COLUMNS))
    recomputed = select(*(fresh.c[name] for name in COLUMNS))
    # Two statements: SQLite cannot nest one compound SELECT inside another.
    children = sorted(
        {row.pupil_id for row in connection.execute(stored.except_(recomputed))}
        | {row.pupil_id for row in connection.execute(recomputed.except_(stored))}
    )
    next_date = _next_decision_date()
    child = _referral_child()
    wrong = select(decision.c.id).where(
        or_(
            decision.c.superseded_on.is_distinct_from(next_date),
            decision.c.pupil_id.is_distinct_from(child),
        )
    )
    return Differences(children, sorted(connection.execute(wrong).scalars()))


# Keeping them in step: every ORM write to the records they are derived from.


@event.listens_for(PanelDecision, "before_insert")
def _copy_child(_mapper: Any, connection: Connection, target: PanelDecision) -> None:
    if target.pupil_id is None:
        target.pupil_id = connection.execute(
            select(referral.c.pupil_id).where(referral.c.id == target.referral_id)
        ).scalar_one()


def _keys(obj: object) -> tuple[set[Any], set[Any]]:
    """(children, referrals) whose derived rows a change to `obj` can alter."""
    pupils: set[Any] = set()
    referrals: set[Any] = set()
    if isinstance(obj, PanelDecision):
        pupils.add(obj.pupil_id)
        referrals.add(obj.referral_id)
    elif isinstance(obj, RtfApplication):
        pupils.add(obj.pupil_id)
        # An application linked to another child: both children's first episodes change.
        pupils.update(inspect(obj).attrs.pupil_id.history.deleted)
    elif isinstance(obj, Referral):
        pupils.add(obj.pupil_id)
        # A referral moved to another child (an import can do this): its decisions follow
        # it, and both children's first episodes change.
        pupils.update(inspect(obj).attrs.pupil_id.history.deleted)
        if inspect(obj).attrs.pupil_id.history.deleted:
            referrals.add(obj.id)
    return pupils, referrals


@event.listens_for(Session, "before_flush")
def _note_deletions(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    # Read now: once deleted, an expired attribute can no longer be loaded.
    for obj in session.deleted:
        pupils, referrals = _keys(obj)
        if pupils or referrals:
            pending = session.info.setdefault(_PENDING, (set(), set()))
            pending[0].update(pupils)
            pending[1].update(referrals)


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, _context: UOWTransaction) -> None:
    pupils, referrals = session.info.pop(_PENDING, (set(), set()))
    for obj in (*session.new, *session.dirty):
        more_pupils, more_referrals = _keys(obj)
        pupils |= more_pupils
        referrals |= more_referrals
    pupils.discard(None)
    referrals.discard(None)
    if pupils or referrals:
        refresh(session.connection(), pupils, referrals)
