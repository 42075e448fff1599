"""Assess, plan, do, review cycles: one open cycle per child, outcomes, costed provisions,
the review, and the next cycle.

A provision's yearly cost per child is the staff role's hourly rate x hours a week x weeks,
shared across the group (a group of 4 costs each child a quarter), unless a manual amount is
entered, which wins. It is stored on the row (`annual_cost`) so maps and reports are sums.
Editing any part of a cycle bumps the cycle's version, so two people editing one plan at
once are told rather than silently overwriting each other."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.exc import IntegrityError

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    ApdrOutcome,
    AuditAction,
    CycleStatus,
    NextStep,
    Progress,
    Provision,
    Pupil,
    UnitRate,
    User,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.pupils.records import editable
from sendtrack.services.scoping import get_of_child, pupil_scope

THRESHOLD = Decimal("6000")
# The rows that belong to one cycle, reached through their own pages.
CycleRow = TypeVar("CycleRow", Provision, ApdrOutcome)
CYCLE_FIELDS = [
    "needs_summary",
    "assessments_used",
    "child_views",
    "parent_views",
    "start_date",
    "review_date",
    "reviewed_on",
    "impact_notes",
    "next_step",
    "status",
]
PROVISION_FIELDS = [
    "description",
    "provision_type",
    "frequency",
    "group_size",
    "delivered_by",
    "minutes_per_week",
    "weeks",
    "unit_rate_id",
    "manual_cost",
    "annual_cost",
]
OUTCOME_FIELDS = ["description", "success_criteria", "progress", "progress_notes"]


# --- reading -----------------------------------------------------------------------------


def get_cycle(user: User, cycle_id: uuid.UUID) -> ApdrCycle:
    return get_of_child(user, ApdrCycle, cycle_id, "cycle")


def open_cycle_for_view(user: User, cycle_id: uuid.UUID) -> tuple[Pupil, ApdrCycle]:
    """A cycle page: the cycle, its child, and one audit event for the view."""
    cycle = get_cycle(user, cycle_id)
    pupil = db.session.get(Pupil, cycle.pupil_id)
    assert pupil is not None
    audit.record(
        user,
        AuditAction.VIEW,
        "apdr_cycle",
        cycle.id,
        pupil_id=pupil.id,
        summary=f"Viewed APDR cycle {cycle.number}",
    )
    return pupil, cycle


def editable_cycle(user: User, cycle_id: uuid.UUID, *, open_only: bool = True) -> ApdrCycle:
    cycle = get_cycle(user, cycle_id)
    pupil = db.session.get(Pupil, cycle.pupil_id)
    assert pupil is not None
    editable(user, pupil)
    if open_only and cycle.status is not CycleStatus.OPEN:
        raise DomainError("This cycle has been reviewed: start the next cycle to change the plan")
    return cycle


def open_cycle_form(user: User, cycle: ApdrCycle, viewing: str | None) -> Pupil:
    """The child of a cycle for one of its form pages: the user must be able to change the
    record (else 404); `viewing` names the page, audited as a view of the child (None on a
    post, which is audited as the change it makes)."""
    pupil = db.session.get(Pupil, cycle.pupil_id)
    assert pupil is not None
    editable(user, pupil)
    if viewing:
        audit.record(
            user,
            AuditAction.VIEW,
            "apdr_cycle",
            cycle.id,
            pupil_id=pupil.id,
            summary=f"Viewed {viewing} of APDR cycle {cycle.number}",
        )
    return pupil


def get_provision(user: User, provision_id: uuid.UUID) -> Provision:
    return _of_editable_cycle(user, db.session.get(Provision, provision_id), "provision")


def get_outcome(user: User, outcome_id: uuid.UUID) -> ApdrOutcome:
    return _of_editable_cycle(user, db.session.get(ApdrOutcome, outcome_id), "outcome")


def _of_editable_cycle(user: User, found: CycleRow | None, what: str) -> CycleRow:
    """A row of a cycle whose record the user may change (else 404), reviewed or not."""
    if found is None:
        raise NotFound(what)
    editable_cycle(user, found.cycle_id, open_only=False)
    return found


def cycles_of(pupil_id: uuid.UUID) -> list[ApdrCycle]:
    return list(
        db.session.scalars(
            select(ApdrCycle).where(ApdrCycle.pupil_id == pupil_id).order_by(ApdrCycle.number)
        )
    )


def active_rates() -> list[UnitRate]:
    return list(
        db.session.scalars(
            select(UnitRate).where(UnitRate.is_active.is_(True)).order_by(UnitRate.staff_role)
        )
    )


@dataclass
class Totals:
    yearly: Decimal
    threshold: Decimal = THRESHOLD

    @property
    def above(self) -> Decimal:
        return max(Decimal(0), self.yearly - self.threshold)

    @property
    def below(self) -> Decimal:
        return max(Decimal(0), self.threshold - self.yearly)

    @property
    def over_threshold(self) -> bool:
        return self.yearly > self.threshold

    @property
    def percent(self) -> int:
        return min(100, int(self.yearly * 100 / self.threshold)) if self.threshold else 0


def totals(cycle: ApdrCycle) -> Totals:
    return Totals(sum((p.annual_cost for p in cycle.provisions), Decimal(0)))


# --- cycles ----------------------------------------------------------------------------


def _touch(cycle: ApdrCycle) -> None:
    # Forces an UPDATE of the cycle row, so its version moves on with any child-row edit.
    cycle.updated_at = datetime.now(UTC)


def start_cycle(
    user: User,
    pupil: Pupil,
    *,
    copy_outcomes: bool = False,
    copy_provisions: bool = False,
) -> ApdrCycle:
    """Open the child's next cycle, optionally carrying over the last cycle's plan."""
    editable(user, pupil)
    cycles = cycles_of(pupil.id)
    if any(c.status is CycleStatus.OPEN for c in cycles):
        raise DomainError("This child already has an open cycle: review it first")
    previous = cycles[-1] if cycles else None
    cycle = ApdrCycle(
        pupil_id=pupil.id,
        setting_id=pupil.setting_id,
        number=(previous.number + 1) if previous else 1,
        status=CycleStatus.OPEN,
        created_by_id=user.id,
    )
    if previous is not None:
        cycle.needs_summary = previous.needs_summary
        if copy_outcomes:
            for o in previous.outcomes:
                cycle.outcomes.append(
                    ApdrOutcome(
                        position=o.position,
                        description=o.description,
                        success_criteria=o.success_criteria,
                    )
                )
        if copy_provisions:
            for p in previous.provisions:
                cycle.provisions.append(
                    Provision(**{f: getattr(p, f) for f in PROVISION_FIELDS}, position=p.position)
                )
    db.session.add(cycle)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Someone opened a cycle for this child at the same moment: the database refused.
        raise DomainError("This child already has an open cycle: review it first") from None
    audit.record(
        user,
        AuditAction.CREATE,
        "apdr_cycle",
        cycle.id,
        pupil_id=pupil.id,
        summary=f"Started APDR cycle {cycle.number}"
        + (f" from cycle {previous.number}" if previous else ""),
        changes={"status": [None, "open"], "number": [None, cycle.number]},
    )
    return cycle


def _save_cycle(
    user: User, cycle: ApdrCycle, version: int | None, values: dict[str, object]
) -> None:
    versions.check(cycle, version)
    before = audit.snapshot(cycle, CYCLE_FIELDS)
    for key, value in values.items():
        setattr(cycle, key, value)
    versions.save(cycle)
    changes = audit.diff(before, audit.snapshot(cycle, CYCLE_FIELDS))
    if changes:
        audit.record(
            user,
            AuditAction.UPDATE,
            "apdr_cycle",
            cycle.id,
            pupil_id=cycle.pupil_id,
            changes=changes,
        )


def save_assessment(
    user: User,
    cycle: ApdrCycle,
    version: int | None,
    *,
    needs_summary: str | None,
    assessments_used: str | None,
    child_views: str | None,
    parent_views: str | None,
) -> None:
    _save_cycle(
        user,
        cycle,
        version,
        {
            "needs_summary": needs_summary or None,
            "assessments_used": assessments_used or None,
            "child_views": child_views or None,
            "parent_views": parent_views or None,
        },
    )


def save_dates(
    user: User, cycle: ApdrCycle, version: int | None, start: date, review: date
) -> None:
    if review < start:
        raise DomainError(
            "The review date must be the same as or after the start date", "review_date"
        )
    if review > start + timedelta(days=366):
        raise DomainError("The review date must be within a year of the start date", "review_date")
    _save_cycle(user, cycle, version, {"start_date": start, "review_date": review})


# --- outcomes and provisions ---------------------------------------------------------


def save_outcome(
    user: User,
    cycle: ApdrCycle,
    version: int | None,
    description: str,
    success_criteria: str | None,
    outcome: ApdrOutcome | None = None,
) -> ApdrOutcome:
    versions.check(cycle, version)
    before = audit.snapshot(outcome, OUTCOME_FIELDS) if outcome else {}
    if outcome is None:
        outcome = ApdrOutcome(position=len(cycle.outcomes) + 1, description=description)
        cycle.outcomes.append(outcome)
    outcome.description = description
    outcome.success_criteria = success_criteria or None
    _touch(cycle)
    versions.save(cycle)
    audit.record(
        user,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        "apdr_outcome",
        outcome.id,
        pupil_id=cycle.pupil_id,
        changes=audit.diff(before, audit.snapshot(outcome, OUTCOME_FIELDS)),
    )
    return outcome


@dataclass
class ProvisionDetails:
    description: str
    provision_type: str | None = None
    frequency: str | None = None
    group_size: int | None = None
    delivered_by: str | None = None
    minutes_per_week: int | None = None
    weeks: int | None = None
    manual_cost: Decimal | None = None


def cost_of(details: ProvisionDetails, rate: UnitRate | None) -> Decimal:
    """Yearly cost per child: the manual amount, or rate x hours a week x weeks / group."""
    if details.manual_cost is not None:
        return details.manual_cost
    if rate is None:
        raise DomainError(
            "Enter a yearly cost, or choose a staff role with a unit rate", field="manual_cost"
        )
    if details.minutes_per_week is None:
        raise DomainError("Enter the minutes per week", field="minutes_per_week")
    if details.weeks is None:
        raise DomainError("Enter the number of weeks", field="weeks")
    hours = Decimal(details.minutes_per_week) / 60 * details.weeks
    cost = rate.hourly_rate * hours / (details.group_size or 1)
    return cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def save_provision(
    user: User,
    cycle: ApdrCycle,
    version: int | None,
    details: ProvisionDetails,
    provision: Provision | None = None,
) -> Provision:
    versions.check(cycle, version)
    rate = None
    if details.delivered_by:
        rate = db.session.scalar(
            select(UnitRate).where(
                UnitRate.staff_role == details.delivered_by, UnitRate.is_active.is_(True)
            )
        )
    annual = cost_of(details, rate)
    if annual >= Decimal("100000000"):
        raise DomainError("The yearly cost must be less than £100,000,000", field="manual_cost")
    before = audit.snapshot(provision, PROVISION_FIELDS) if provision else {}
    if provision is None:
        provision = Provision(position=len(cycle.provisions) + 1, description=details.description)
        cycle.provisions.append(provision)
    for key, value in details.__dict__.items():
        setattr(provision, key, value if value != "" else None)
    provision.unit_rate_id = rate.id if rate and details.manual_cost is None else None
    provision.annual_cost = annual
    _touch(cycle)
    versions.save(cycle)
    audit.record(
        user,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        "provision",
        provision.id,
        pupil_id=cycle.pupil_id,
        changes=audit.diff(before, audit.snapshot(provision, PROVISION_FIELDS)),
    )
    return provision


def remove_provision(user: User, provision: Provision, version: int | None) -> ApdrCycle:
    cycle = provision.cycle
    versions.check(cycle, version)
    if cycle.status is not CycleStatus.OPEN:
        raise DomainError("This cycle has been reviewed: its plan can no longer change")
    before = audit.snapshot(provision, PROVISION_FIELDS)
    cycle.provisions.remove(provision)
    for position, p in enumerate(cycle.provisions, start=1):
        p.position = position
    _touch(cycle)
    versions.save(cycle)
    audit.record(
        user,
        AuditAction.DELETE,
        "provision",
        provision.id,
        pupil_id=cycle.pupil_id,
        changes={k: [v, None] for k, v in before.items()},
    )
    return cycle


# --- review ----------------------------------------------------------------------------


def review_cycle(
    user: User,
    cycle: ApdrCycle,
    version: int | None,
    *,
    reviewed_on: date,
    progress: dict[uuid.UUID, Progress],
    impact_notes: str | None,
    next_step: NextStep,
) -> None:
    if cycle.start_date is None or cycle.review_date is None:
        raise DomainError("Enter the start and review dates (Do) before the review")
    if reviewed_on < cycle.start_date:
        raise DomainError(
            "The review date must be the same as or after the start date", field="reviewed_on"
        )
    if reviewed_on > date.today():
        raise DomainError("The date of the review cannot be in the future", field="reviewed_on")
    missing = [o for o in cycle.outcomes if o.id not in progress]
    if missing:
        raise DomainError("Choose the progress made towards every outcome", field="progress")
    versions.check(cycle, version)
    for outcome in cycle.outcomes:
        old = outcome.progress
        outcome.progress = progress[outcome.id]
        if old != outcome.progress:
            audit.record(
                user,
                AuditAction.UPDATE,
                "apdr_outcome",
                outcome.id,
                pupil_id=cycle.pupil_id,
                changes={"progress": [old.value if old else None, outcome.progress.value]},
            )
    cycle.reviewed_by_id = user.id
    cycle.reviewed_at = datetime.now(UTC)
    _save_cycle(
        user,
        cycle,
        None,
        {
            "reviewed_on": reviewed_on,
            "impact_notes": impact_notes or None,
            "next_step": next_step,
            "status": CycleStatus.REVIEWED,
        },
    )


# --- home page ---------------------------------------------------------------------------


@dataclass
class DueReview:
    cycle_id: uuid.UUID
    pupil_name: str
    number: int
    review_date: date | None


def reviews_due(
    user: User, days: int = 14, limit: int = 20, today: date | None = None
) -> tuple[list[DueReview], list[DueReview], int, int]:
    """(overdue, due soon, overdue count, due count) among open cycles in the user's settings."""
    today = today or date.today()
    soon = today + timedelta(days=days)
    where = (
        ApdrCycle.status == CycleStatus.OPEN,
        ApdrCycle.setting_id.in_(user.setting_ids),
        pupil_scope(user),
        Pupil.left_date.is_(None),
    )
    overdue_when = ApdrCycle.review_date < today
    due_when = and_(ApdrCycle.review_date >= today, ApdrCycle.review_date <= soon)
    # Both figures in one pass over the open cycles, then the first rows of each list. The
    # children are an IN list read once: joined, SQLite walked the setting's whole roll for
    # every cycle through the register index (3 s for a 2,000-child school, measured).
    children = select(Pupil.id).where(
        Pupil.setting_id.in_(user.setting_ids), pupil_scope(user), Pupil.left_date.is_(None)
    )
    n_overdue, n_due = db.session.execute(
        select(func.count().filter(overdue_when), func.count().filter(due_when))
        .select_from(ApdrCycle)
        .where(
            ApdrCycle.status == CycleStatus.OPEN,
            ApdrCycle.setting_id.in_(user.setting_ids),
            ApdrCycle.pupil_id.in_(children),
            ApdrCycle.review_date <= soon,
        )
    ).one()

    def fetch(when: ColumnElement[bool]) -> list[DueReview]:
        rows = db.session.execute(
            select(ApdrCycle.id, Pupil.legal_forename, Pupil.legal_surname,
                   Pupil.preferred_forename, Pupil.preferred_surname, ApdrCycle.number,
                   ApdrCycle.review_date)
            .join(Pupil, Pupil.id == ApdrCycle.pupil_id)
            .where(*where, when)
            .order_by(ApdrCycle.review_date)
            .limit(limit)
        ).all()  # fmt: skip
        return [DueReview(r[0], f"{r[3] or r[1]} {r[4] or r[2]}", r[5], r[6]) for r in rows]

    return fetch(overdue_when), fetch(due_when), n_overdue or 0, n_due or 0
