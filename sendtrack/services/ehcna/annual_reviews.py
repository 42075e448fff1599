"""Annual reviews of EHC plans: due 12 months after the plan was issued, then 12 months after
the last review meeting (Code of Practice 9.166). After the meeting the LA decides within 4
weeks whether to keep the plan as it is, amend it or cease it; unless it ceases, the next
review is scheduled from the meeting date."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select

from sendtrack.extensions import db
from sendtrack.models import AnnualReview, AuditAction, EhcnaRequest, Pupil, User
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError
from sendtrack.services.scoping import get_of_child

REVIEW_MONTHS = 12
DECISION_WITHIN_DAYS = 28  # the LA's decision after the review meeting: 4 weeks
DUE_SOON_DAYS = 56  # the queue's "due soon": the next 8 weeks, time to arrange a meeting
AUDIT_FIELDS = ["due_date", "meeting_date", "decision_date", "decision", "notes"]


class ReviewDecision(StrEnum):
    MAINTAIN = "maintain"
    AMEND = "amend"
    CEASE = "cease"

    @property
    def label(self) -> str:
        return {
            "maintain": "Keep the plan as it is",
            "amend": "Amend the plan",
            "cease": "Cease the plan",
        }[self.value]


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's end (29 February + 12 = 28 February)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule_first(request: EhcnaRequest, issued: date) -> AnnualReview | None:
    """The first review, 12 months after the final plan; once only per request."""
    exists = db.session.scalar(
        select(AnnualReview.id).where(AnnualReview.request_id == request.id).limit(1)
    )
    if exists is not None:
        return None
    return _schedule(request.pupil_id, request.id, issued)


def get_review(user: User, review_id: uuid.UUID) -> AnnualReview:
    return get_of_child(user, AnnualReview, review_id, "review")


@dataclass(frozen=True)
class ReviewStatus:
    text: str
    state: str  # due, overdue, met, missed


def status(review: AnnualReview, today: date | None = None) -> ReviewStatus:
    today = today or date.today()
    if review.decision_date is not None:
        return ReviewStatus("decided", "met")
    if review.meeting_date is not None:
        due = review.meeting_date + timedelta(days=DECISION_WITHIN_DAYS)
        days = (due - today).days
        if days >= 0:
            return ReviewStatus(f"decision due in {days} day{'s' if days != 1 else ''}", "due")
        return ReviewStatus(
            f"decision overdue by {-days} day{'s' if days != -1 else ''}", "overdue"
        )
    days = (review.due_date - today).days
    if days >= 0:
        return ReviewStatus(f"meeting due in {days} day{'s' if days != 1 else ''}", "due")
    return ReviewStatus(f"meeting overdue by {-days} day{'s' if days != -1 else ''}", "overdue")


@dataclass
class ReviewPage:
    rows: list[tuple[AnnualReview, Pupil]]
    count: int
    page: int
    pages: int


def _open_reviews(which: str, today: date) -> list[ColumnElement[bool]]:
    """Open reviews (no decision yet): `overdue` (meeting date passed with no meeting, or the
    decision is more than 4 weeks after the meeting), `due` (overdue ones plus those due in
    the next 8 weeks, or awaiting a decision) or `all`."""
    clauses: list[ColumnElement[bool]] = [AnnualReview.decision_date.is_(None)]
    decision_late = today - timedelta(days=DECISION_WITHIN_DAYS)
    if which == "overdue":
        clauses.append(
            or_(
                (AnnualReview.meeting_date.is_(None)) & (AnnualReview.due_date < today),
                AnnualReview.meeting_date < decision_late,
            )
        )
    elif which != "all":
        clauses.append(
            or_(
                AnnualReview.meeting_date.is_not(None),
                AnnualReview.due_date <= today + timedelta(days=DUE_SOON_DAYS),
            )
        )
    return clauses


def queue(
    *, which: str = "due", page: int = 1, page_size: int = 50, today: date | None = None
) -> ReviewPage:
    """One page of the open reviews of a kind (see _open_reviews), soonest due first."""
    clauses = _open_reviews(which, today or date.today())
    count = db.session.scalar(select(func.count()).select_from(AnnualReview).where(*clauses)) or 0
    pages = max(1, -(-count // page_size))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(AnnualReview, Pupil)
        .join(Pupil, Pupil.id == AnnualReview.pupil_id)
        .where(*clauses)
        .order_by(AnnualReview.due_date, Pupil.legal_surname, AnnualReview.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return ReviewPage([(r, p) for r, p in rows], count, page, pages)


def counts(today: date | None = None) -> dict[str, int]:
    """How many open reviews are overdue and due, in one statement that reads no rows out
    (the home page's figures; the queue's first page sorted every open review)."""
    today = today or date.today()
    kinds = ("overdue", "due")
    row = db.session.execute(
        select(*(func.count().filter(and_(*_open_reviews(w, today))) for w in kinds)).select_from(
            AnnualReview
        )
    ).one()
    return {w: int(n or 0) for w, n in zip(kinds, row, strict=True)}


def reviews_for_child(pupil_id: uuid.UUID) -> list[AnnualReview]:
    return list(
        db.session.scalars(
            select(AnnualReview)
            .where(AnnualReview.pupil_id == pupil_id)
            .order_by(AnnualReview.due_date.desc())
        )
    )


def record_review(
    actor: User,
    review: AnnualReview,
    *,
    meeting_date: date | None,
    decision: ReviewDecision | None,
    decision_date: date | None,
    notes: str | None,
    today: date | None = None,
    version: int | None = None,
) -> AnnualReview | None:
    """The meeting and the LA's decision. Returns the next review when one is scheduled.
    A form opened before someone else saved the review is refused (StaleRecord)."""
    versions.check(review, version)
    today = today or date.today()
    if meeting_date is None:
        raise DomainError("Enter the date of the review meeting", field="meeting_date")
    if meeting_date > today:
        raise DomainError("The meeting date must not be in the future", field="meeting_date")
    request = db.session.get(EhcnaRequest, review.request_id) if review.request_id else None
    if request is not None and request.plan_issued_date and meeting_date < request.plan_issued_date:
        raise DomainError(
            "The meeting date must be on or after the date the plan was issued",
            field="meeting_date",
        )
    if decision is not None and decision_date is None:
        raise DomainError("Enter the date of the decision", field="decision_date")
    if decision is None and decision_date is not None:
        raise DomainError("Choose the decision", field="decision")
    if decision_date is not None:
        if decision_date > today:
            raise DomainError("The decision date must not be in the future", field="decision_date")
        if decision_date < meeting_date:
            raise DomainError(
                "The decision date must be on or after the review meeting", field="decision_date"
            )
    before = audit.snapshot(review, AUDIT_FIELDS)
    newly_decided = review.decision_date is None and decision_date is not None
    review.meeting_date = meeting_date
    review.decision = decision.value if decision else None
    review.decision_date = decision_date
    review.notes = (notes or "").strip() or None
    versions.save(review)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "annual_review",
        review.id,
        pupil_id=review.pupil_id,
        summary="Annual review",
        changes=audit.diff(before, audit.snapshot(review, AUDIT_FIELDS)),
    )
    if newly_decided and decision is not ReviewDecision.CEASE:
        return _schedule(review.pupil_id, review.request_id, meeting_date)
    return None


def _schedule(pupil_id: uuid.UUID, request_id: uuid.UUID | None, after: date) -> AnnualReview:
    """The review due REVIEW_MONTHS after `after` (a final plan, or the last review)."""
    review = AnnualReview(
        pupil_id=pupil_id, request_id=request_id, due_date=add_months(after, REVIEW_MONTHS)
    )
    db.session.add(review)
    db.session.flush()
    return review
