"""Work queues of EHCNA requests: due this week, overdue, by officer, by stage.

The deadline a request is working towards depends on its stage (services/ehcna.next_due):
awaiting a decision -> received + 42 days; assessing -> received + 112 days (the outcome is
due by week 16 when no plan will be issued); drafting the plan -> received + 140 days.
Finished requests (decided not to assess, withdrawn, not issued, plan issued) leave the
queues. The same rule is written here in SQL so filtering and paging happen in the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, null, or_, select

from sendtrack.extensions import db
from sendtrack.models import AssessDecision, AssessmentOutcome, EhcnaRequest, Pupil, User
from sendtrack.models.ehcna import DECISION_DAYS, FINAL_PLAN_DAYS, NOT_ISSUE_DAYS
from sendtrack.services.ehcna.requests import request_scope
from sendtrack.services.statistics.ehcna import add_days

WEEK_DAYS = 7
UNASSIGNED = "unassigned"


def stage_sql() -> ColumnElement[str]:
    r = EhcnaRequest
    return case(
        (r.decision.is_(None), "Awaiting decision"),
        (r.decision == AssessDecision.WITHDRAWN, "Withdrawn"),
        (r.decision == AssessDecision.NOT_ASSESS, "Not assessed"),
        (r.outcome.is_(None), "Assessing"),
        (r.outcome == AssessmentOutcome.NOT_ISSUE, "Plan not issued"),
        (r.plan_issued_date.is_(None), "Drafting plan"),
        else_="Plan issued",
    )


def next_due_sql() -> ColumnElement[date]:
    r = EhcnaRequest
    return case(
        (r.decision.is_(None), add_days(r.received_date, DECISION_DAYS)),
        (
            and_(r.decision == AssessDecision.ASSESS, r.outcome.is_(None)),
            add_days(r.received_date, NOT_ISSUE_DAYS),
        ),
        (
            and_(
                r.decision == AssessDecision.ASSESS,
                r.outcome == AssessmentOutcome.ISSUE,
                r.plan_issued_date.is_(None),
            ),
            add_days(r.received_date, FINAL_PLAN_DAYS),
        ),
        else_=null(),
    )


def open_sql() -> ColumnElement[bool]:
    """The same rows as next_due_sql() IS NOT NULL, written so an index can find them
    (ix_ehcna_request_queue) instead of working out every request's deadline."""
    r = EhcnaRequest
    return or_(
        r.decision.is_(None),
        and_(r.decision == AssessDecision.ASSESS, r.outcome.is_(None)),
        and_(
            r.decision == AssessDecision.ASSESS,
            r.outcome == AssessmentOutcome.ISSUE,
            r.plan_issued_date.is_(None),
        ),
    )


@dataclass(frozen=True)
class Filters:
    view: str = "open"  # open, week, overdue, all
    stage: str | None = None
    officer: str | None = None  # a user id, or "unassigned"
    setting_id: uuid.UUID | None = None


@dataclass
class QueueRow:
    request: EhcnaRequest
    pupil: Pupil
    stage: str
    due: date | None


@dataclass
class QueuePage:
    rows: list[QueueRow]
    count: int
    page: int
    pages: int


def _clauses(user: User, filters: Filters, today: date) -> list[ColumnElement[bool]]:
    return [request_scope(user), *_filter_clauses(filters, today)]


def _filter_clauses(filters: Filters, today: date) -> list[ColumnElement[bool]]:
    due = next_due_sql()
    clauses: list[ColumnElement[bool]] = []
    if filters.view in ("open", "week", "overdue"):
        clauses.append(open_sql())  # only open requests have a deadline
    if filters.view == "open":
        clauses.append(due.is_not(None))
    elif filters.view == "week":
        clauses.append(and_(due >= today, due <= today + timedelta(days=WEEK_DAYS - 1)))
    elif filters.view == "overdue":
        clauses.append(due < today)
    if filters.stage:
        clauses.append(stage_sql() == filters.stage)
    if filters.officer == UNASSIGNED:
        clauses.append(EhcnaRequest.assigned_officer_id.is_(None))
    elif filters.officer:
        try:
            clauses.append(EhcnaRequest.assigned_officer_id == uuid.UUID(filters.officer))
        except ValueError:
            clauses.append(EhcnaRequest.id.is_(None))
    if filters.setting_id is not None:
        clauses.append(EhcnaRequest.setting_id == filters.setting_id)
    return clauses


def find(
    user: User,
    filters: Filters,
    *,
    page: int = 1,
    page_size: int = 50,
    today: date | None = None,
) -> QueuePage:
    """One page of requests, soonest deadline first (finished ones last, newest first)."""
    today = today or date.today()
    clauses = _clauses(user, filters, today)
    count = db.session.scalar(select(func.count()).select_from(EhcnaRequest).where(*clauses)) or 0
    pages = max(1, -(-count // page_size))
    page = min(max(page, 1), pages)
    return QueuePage(_rows(clauses, page_size, (page - 1) * page_size), count, page, pages)


def first_rows(
    user: User, filters: Filters, *, limit: int = 5, today: date | None = None
) -> list[QueueRow]:
    """The first rows of find() (same order), without counting them all: the home page."""
    return _rows(_clauses(user, filters, today or date.today()), limit, 0)


def _rows(clauses: list[ColumnElement[bool]], limit: int, offset: int) -> list[QueueRow]:
    due = next_due_sql()
    order = (
        case((due.is_(None), 1), else_=0),
        due,
        EhcnaRequest.received_date.desc(),
        EhcnaRequest.reference,
    )
    # The page's ids first (ordered and cut in the index), then only those rows are read
    # with their children, rather than joining every matching request before sorting.
    page_ids = (
        select(EhcnaRequest.id)
        .where(*clauses)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    rows = db.session.execute(
        select(EhcnaRequest, Pupil, stage_sql().label("stage"), due.label("due"))
        .join(page_ids, page_ids.c.id == EhcnaRequest.id)
        .join(Pupil, Pupil.id == EhcnaRequest.pupil_id)
        .order_by(*order)
    ).all()
    return [
        QueueRow(r, p, s, d if d is None or isinstance(d, date) else date.fromisoformat(d))
        for r, p, s, d in rows
    ]


def counts(user: User, today: date | None = None) -> dict[str, int]:
    """How many requests are overdue, due this week, open, and open with this officer."""
    today = today or date.today()
    views = {
        "overdue": Filters(view="overdue"),
        "week": Filters(view="week"),
        "open": Filters(view="open"),
        "mine": Filters(view="open", officer=str(user.id)),
    }
    # One pass over the user's open requests (every figure is of open ones, and the index
    # finds them), not one per figure and not over every request ever received.
    row = db.session.execute(
        select(
            *(
                func.count().filter(and_(*_filter_clauses(filters, today)))
                for filters in views.values()
            )
        )
        .select_from(EhcnaRequest)
        .where(request_scope(user), open_sql())
    ).one()
    return {view: n or 0 for view, n in zip(views, row, strict=True)}


def by_officer(user: User) -> list[tuple[str, str, int]]:
    """(officer id or "unassigned", name, open requests) for the queue's officer summary."""
    rows = db.session.execute(
        select(EhcnaRequest.assigned_officer_id, User.name, func.count())
        .outerjoin(User, User.id == EhcnaRequest.assigned_officer_id)
        .where(request_scope(user), open_sql(), next_due_sql().is_not(None))
        .group_by(EhcnaRequest.assigned_officer_id, User.name)
        .order_by(User.name)
    ).all()
    return [(str(i) if i else UNASSIGNED, name or "Not assigned", n) for i, name, n in rows]


def by_stage(user: User) -> dict[str, int]:
    """Requests at each stage (stage_sql), counted from the few (decision, outcome) groups
    the index holds in order, rather than working out every request's stage."""
    r = EhcnaRequest
    found: dict[str, int] = {}
    for decision, outcome, n, not_issued in db.session.execute(
        select(
            r.decision,
            r.outcome,
            func.count(),
            func.coalesce(func.sum(case((r.plan_issued_date.is_(None), 1), else_=0)), 0),
        )
        .where(request_scope(user))
        .group_by(r.decision, r.outcome)
    ):
        if decision is None:
            counted = {"Awaiting decision": n}
        elif decision == AssessDecision.WITHDRAWN:
            counted = {"Withdrawn": n}
        elif decision == AssessDecision.NOT_ASSESS:
            counted = {"Not assessed": n}
        elif outcome is None:
            counted = {"Assessing": n}
        elif outcome == AssessmentOutcome.NOT_ISSUE:
            counted = {"Plan not issued": n}
        else:
            counted = {"Drafting plan": int(not_issued), "Plan issued": n - int(not_issued)}
        for stage, count in counted.items():
            if count:
                found[stage] = found.get(stage, 0) + count
    return found
