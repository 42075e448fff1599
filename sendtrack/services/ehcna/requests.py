"""EHC needs assessment requests: recording them, the LA's decisions against the statutory
clocks (Code of Practice chapter 9), 20-week exceptions, and who may see which request.

From the date the LA receives a request: decide whether to assess within 6 weeks (42 days);
after assessing, a decision not to issue a plan is due within 16 weeks (112 days); the final
plan within 20 weeks (140 days). Day counts are from the received date, so a decision 42 days
after receipt is in time and one 43 days after is late (the `ehcna.*` statistics count the
same way). The rules every path shares (forms and the `ehcna` import) are in `check_dates`.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select

from sendtrack.extensions import db
from sendtrack.models import (
    AssessDecision,
    AssessmentOutcome,
    AuditAction,
    EhcnaRequest,
    ExceptionGround,
    Pupil,
    RequestSource,
    Role,
    RoleMembership,
    SenStatus,
    TimescaleException,
    User,
)
from sendtrack.models.ehcna import DECISION_DAYS, FINAL_PLAN_DAYS, NOT_ISSUE_DAYS
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.ehcna import annual_reviews
from sendtrack.services.errors import DomainError
from sendtrack.services.pupils import records as pupils

# Shown on the request page; re-exported so views call one service module.
from sendtrack.services.pupils.early_support import EarlySupport as EarlySupport
from sendtrack.services.pupils.early_support import early_support as early_support
from sendtrack.services.scoping import get_exception as get_exception
from sendtrack.services.scoping import get_request as get_request
from sendtrack.services.scoping import request_scope as request_scope

AUDIT_FIELDS = [
    "reference",
    "pupil_id",
    "setting_id",
    "received_date",
    "request_source",
    "assigned_officer_id",
    "decision",
    "decision_date",
    "outcome",
    "outcome_date",
    "draft_plan_date",
    "plan_issued_date",
    "mediation",
    "tribunal",
    "notes",
]

DECISION_LABELS = {
    AssessDecision.ASSESS: "Assess",
    AssessDecision.NOT_ASSESS: "Not assess",
    AssessDecision.WITHDRAWN: "Withdrawn",
}
OUTCOME_LABELS = {
    AssessmentOutcome.ISSUE: "Issue an EHC plan",
    AssessmentOutcome.NOT_ISSUE: "Not issue an EHC plan",
}


# --- who may see what -------------------------------------------------------------------


def open_request(user: User, request_id: uuid.UUID, viewing: str | None) -> EhcnaRequest:
    """A request for one of its pages (404 out of scope); `viewing` names the page, audited
    as a view of the child (None on a post, which is audited as the change it makes)."""
    found = get_request(user, request_id)
    if viewing:
        audit.record(
            user,
            AuditAction.VIEW,
            "ehcna_request",
            found.id,
            pupil_id=found.pupil_id,
            summary=f"Viewed {viewing} of request {found.reference}",
        )
    return found


def requests_for_child(user: User, pupil_id: uuid.UUID) -> list[EhcnaRequest]:
    return list(
        db.session.scalars(
            select(EhcnaRequest)
            .where(EhcnaRequest.pupil_id == pupil_id, request_scope(user))
            .order_by(EhcnaRequest.received_date.desc(), EhcnaRequest.reference)
        )
    )


# --- stages and clocks ------------------------------------------------------------------


def stage(request: EhcnaRequest) -> str:
    """Where the request stands, in the officers' words."""
    if request.decision is None:
        return "Awaiting decision"
    if request.decision is AssessDecision.WITHDRAWN:
        return "Withdrawn"
    if request.decision is AssessDecision.NOT_ASSESS:
        return "Not assessed"
    if request.outcome is None:
        return "Assessing"
    if request.outcome is AssessmentOutcome.NOT_ISSUE:
        return "Plan not issued"
    if request.plan_issued_date is None:
        return "Drafting plan"
    return "Plan issued"


STAGES = [
    "Awaiting decision",
    "Assessing",
    "Drafting plan",
    "Plan issued",
    "Plan not issued",
    "Not assessed",
    "Withdrawn",
]
OPEN_STAGES = ("Awaiting decision", "Assessing", "Drafting plan")


@dataclass(frozen=True)
class Clock:
    name: str  # "Decision whether to assess (week 6)"
    due: date
    done: date | None
    applies: bool
    text: str  # "due in 3 days", "overdue by 2 days", "met", "missed", "not needed"
    state: str  # "due", "overdue", "met", "missed", "na": chooses the tag colour


def _phrase(due: date, today: date) -> tuple[str, str]:
    days = (due - today).days
    if days == 0:
        return "due today", "due"
    unit = "day" if abs(days) == 1 else "days"
    if days > 0:
        return f"due in {days} {unit}", "due"
    return f"overdue by {-days} {unit}", "overdue"


def _clock(name: str, due: date, done: date | None, applies: bool, today: date) -> Clock:
    if not applies:
        return Clock(name, due, done, False, "not needed", "na")
    if done is not None:
        met = done <= due
        return Clock(name, due, done, True, "met" if met else "missed", "met" if met else "missed")
    text, state = _phrase(due, today)
    return Clock(name, due, None, True, text, state)


def clocks(request: EhcnaRequest, today: date | None = None) -> list[Clock]:
    """The three statutory clocks, each due a fixed number of days after receipt."""
    today = today or date.today()
    received = request.received_date
    decided = request.decision in (AssessDecision.ASSESS, AssessDecision.NOT_ASSESS)
    assessing = request.decision is AssessDecision.ASSESS
    return [
        _clock(
            "Decision whether to assess (week 6)",
            received + timedelta(days=DECISION_DAYS),
            request.decision_date if decided else None,
            request.decision is not AssessDecision.WITHDRAWN,
            today,
        ),
        _clock(
            "Notice of a decision not to issue a plan (week 16)",
            received + timedelta(days=NOT_ISSUE_DAYS),
            request.outcome_date if request.outcome is AssessmentOutcome.NOT_ISSUE else None,
            assessing and request.outcome is not AssessmentOutcome.ISSUE,
            today,
        ),
        _clock(
            "Final EHC plan issued (week 20)",
            received + timedelta(days=FINAL_PLAN_DAYS),
            request.plan_issued_date,
            assessing and request.outcome is not AssessmentOutcome.NOT_ISSUE,
            today,
        ),
    ]


def next_due(request: EhcnaRequest) -> date | None:
    """The deadline the request is working towards now; None once it is finished."""
    days = {"Awaiting decision": DECISION_DAYS, "Assessing": NOT_ISSUE_DAYS}.get(
        stage(request), FINAL_PLAN_DAYS if stage(request) == "Drafting plan" else None
    )
    return request.received_date + timedelta(days=days) if days is not None else None


# --- the rules every path shares ----------------------------------------------------------


def _say(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_dates(
    *,
    received: date,
    decision: AssessDecision | None,
    decision_date: date | None,
    outcome: AssessmentOutcome | None,
    outcome_date: date | None,
    draft_plan_date: date | None,
    plan_issued_date: date | None,
    today: date | None = None,
) -> None:
    """Refuse dates in the future, and steps out of order: a decision before receipt, an
    outcome without a decision to assess, a plan before the decision to issue one."""
    today = today or date.today()
    if received > today:
        raise DomainError(
            "The date the request was received must not be in the future", field="received_date"
        )
    for value, name, label in (
        (decision_date, "decision_date", "The decision date"),
        (outcome_date, "outcome_date", "The outcome date"),
        (draft_plan_date, "draft_plan_date", "The draft plan date"),
        (plan_issued_date, "plan_issued_date", "The final plan date"),
    ):
        if value is not None and value > today:
            raise DomainError(f"{label} must not be in the future", field=name)
    if decision is not None and decision_date is None:
        raise DomainError("Enter the date of the decision", field="decision_date")
    if decision is None and decision_date is not None:
        raise DomainError("Choose the decision", field="decision")
    if decision_date is not None and decision_date < received:
        raise DomainError(
            f"The decision date must be on or after the date the request was received "
            f"({_say(received)})",
            field="decision_date",
        )
    if outcome is not None or outcome_date is not None:
        if decision is not AssessDecision.ASSESS:
            raise DomainError(
                "Record a decision to assess before the outcome of the assessment",
                field="outcome",
            )
        if outcome is None:
            raise DomainError("Choose the outcome of the assessment", field="outcome")
        if outcome_date is None:
            raise DomainError("Enter the date of the outcome", field="outcome_date")
        assert decision_date is not None
        if outcome_date < decision_date:
            raise DomainError(
                f"The outcome date must be on or after the decision to assess "
                f"({_say(decision_date)})",
                field="outcome_date",
            )
    if draft_plan_date is not None or plan_issued_date is not None:
        if outcome is not AssessmentOutcome.ISSUE:
            raise DomainError(
                "Record the decision to issue a plan before the plan's dates",
                field="plan_issued_date" if plan_issued_date else "draft_plan_date",
            )
        assert outcome_date is not None
        for value, name, label in (
            (draft_plan_date, "draft_plan_date", "The draft plan date"),
            (plan_issued_date, "plan_issued_date", "The final plan date"),
        ):
            if value is not None and value < outcome_date:
                raise DomainError(
                    f"{label} must be on or after the decision to issue a plan "
                    f"({_say(outcome_date)})",
                    field=name,
                )
    if draft_plan_date and plan_issued_date and plan_issued_date < draft_plan_date:
        raise DomainError(
            "The final plan date must be on or after the draft plan date",
            field="plan_issued_date",
        )


def _dates_of(request: EhcnaRequest, **changes: Any) -> dict[str, Any]:
    values = {
        "received": request.received_date,
        "decision": request.decision,
        "decision_date": request.decision_date,
        "outcome": request.outcome,
        "outcome_date": request.outcome_date,
        "draft_plan_date": request.draft_plan_date,
        "plan_issued_date": request.plan_issued_date,
    }
    values.update(changes)
    return values


# --- writing --------------------------------------------------------------------------


def new_reference(received: date) -> str:
    while True:
        reference = f"EHCNA-{received.year}-{secrets.token_hex(3).upper()}"
        if (
            db.session.scalar(select(EhcnaRequest.id).where(EhcnaRequest.reference == reference))
            is None
        ):
            return reference


def _save_audited(
    request: EhcnaRequest, actor: User | None, before: dict[str, Any], summary: str
) -> None:
    versions.save(request)
    changes = audit.diff(before, audit.snapshot(request, AUDIT_FIELDS))
    if changes:
        audit.record(
            actor,
            AuditAction.UPDATE,
            "ehcna_request",
            request.id,
            pupil_id=request.pupil_id,
            summary=summary,
            changes=changes,
        )


def record_request(
    actor: User,
    pupil: Pupil,
    received: date | None,
    source: RequestSource | None,
    notes: str | None = None,
    *,
    today: date | None = None,
) -> EhcnaRequest:
    """A request for this child, received by the LA on `received`. A SENCO records the
    requests their setting makes; an LA officer records a request from any source."""
    if received is None:
        raise DomainError("Enter the date the request was received", field="received_date")
    if source is None:
        raise DomainError("Choose who made the request", field="request_source")
    if not actor.is_area_wide and source is not RequestSource.SETTING:
        raise DomainError(
            "A school or setting records only the requests it makes itself",
            field="request_source",
        )
    if received < pupil.date_of_birth:
        raise DomainError(
            "The date the request was received must be after the child's date of birth",
            field="received_date",
        )
    check_dates(
        received=received,
        decision=None,
        decision_date=None,
        outcome=None,
        outcome_date=None,
        draft_plan_date=None,
        plan_issued_date=None,
        today=today,
    )
    open_request = db.session.scalar(
        select(EhcnaRequest.reference).where(
            EhcnaRequest.pupil_id == pupil.id,
            or_(
                EhcnaRequest.decision.is_(None),
                and_(
                    EhcnaRequest.decision == AssessDecision.ASSESS,
                    or_(
                        EhcnaRequest.outcome.is_(None),
                        and_(
                            EhcnaRequest.outcome == AssessmentOutcome.ISSUE,
                            EhcnaRequest.plan_issued_date.is_(None),
                        ),
                    ),
                ),
            ),
        )
    )
    if open_request is not None:
        raise DomainError(
            f"This child already has a request in progress ({open_request})",
            field="received_date",
        )
    request = EhcnaRequest(
        reference=new_reference(received),
        pupil_id=pupil.id,
        setting_id=pupil.setting_id,
        received_date=received,
        request_source=source,
        recorded_by_id=actor.id,
        notes=(notes or "").strip() or None,
        mediation=False,
        tribunal=False,
    )
    db.session.add(request)
    db.session.flush()
    audit.record_creation(actor, "ehcna_request", request, AUDIT_FIELDS, pupil_id=pupil.id)
    return request


def record_decision(
    actor: User,
    request: EhcnaRequest,
    decision: AssessDecision | None,
    decision_date: date | None,
    *,
    version: int | None = None,
) -> EhcnaRequest:
    versions.check(request, version)
    if decision is None:
        raise DomainError("Choose the decision", field="decision")
    if decision_date is None:
        raise DomainError("Enter the date of the decision", field="decision_date")
    if request.outcome is not None and decision is not AssessDecision.ASSESS:
        raise DomainError(
            "The assessment already has an outcome: the decision to assess cannot be changed",
            field="decision",
        )
    check_dates(**_dates_of(request, decision=decision, decision_date=decision_date))
    before = audit.snapshot(request, AUDIT_FIELDS)
    request.decision = decision
    request.decision_date = decision_date
    _save_audited(
        request, actor, before, f"Decision whether to assess: {DECISION_LABELS[decision]}"
    )
    return request


def record_outcome(
    actor: User,
    request: EhcnaRequest,
    outcome: AssessmentOutcome | None,
    outcome_date: date | None,
    *,
    version: int | None = None,
) -> EhcnaRequest:
    versions.check(request, version)
    if request.decision is not AssessDecision.ASSESS:
        raise DomainError(
            "Record a decision to assess before the outcome of the assessment", field="outcome"
        )
    if outcome is None:
        raise DomainError("Choose the outcome of the assessment", field="outcome")
    if outcome_date is None:
        raise DomainError("Enter the date of the outcome", field="outcome_date")
    if outcome is AssessmentOutcome.NOT_ISSUE and (
        request.draft_plan_date or request.plan_issued_date
    ):
        raise DomainError(
            "A plan has already been drafted or issued: the outcome cannot be 'not issue'",
            field="outcome",
        )
    check_dates(**_dates_of(request, outcome=outcome, outcome_date=outcome_date))
    before = audit.snapshot(request, AUDIT_FIELDS)
    request.outcome = outcome
    request.outcome_date = outcome_date
    _save_audited(request, actor, before, f"Assessment outcome: {OUTCOME_LABELS[outcome]}")
    return request


def record_plan(
    actor: User | None,
    request: EhcnaRequest,
    draft_plan_date: date | None,
    plan_issued_date: date | None,
    *,
    version: int | None = None,
) -> EhcnaRequest:
    """The draft and final plan dates. Issuing the final plan gives the child SEN status E
    from that date (a dated history row) and schedules the first annual review."""
    versions.check(request, version)
    if draft_plan_date is None and plan_issued_date is None:
        raise DomainError(
            "Enter the date the draft or final plan was issued", field="draft_plan_date"
        )
    if request.plan_issued_date is not None and plan_issued_date is None:
        raise DomainError("Enter the date the final plan was issued", field="plan_issued_date")
    check_dates(
        **_dates_of(request, draft_plan_date=draft_plan_date, plan_issued_date=plan_issued_date)
    )
    newly_issued = request.plan_issued_date is None and plan_issued_date is not None
    before = audit.snapshot(request, AUDIT_FIELDS)
    request.draft_plan_date = draft_plan_date
    request.plan_issued_date = plan_issued_date
    _save_audited(request, actor, before, "EHC plan dates")
    if newly_issued:
        assert plan_issued_date is not None
        plan_issued(actor, request, plan_issued_date)
    return request


def plan_issued(actor: User | None, request: EhcnaRequest, issued: date) -> None:
    """The child now has an EHC plan: status E with history, and the first annual review."""
    pupil = db.session.get(Pupil, request.pupil_id)
    assert pupil is not None
    # A status history row cannot start before the child's current status began; a plan
    # entered late (or imported) then dates the change from that start instead.
    start = max(issued, pupil.sen_status_since or issued)
    pupils.change_status(
        actor,
        pupil,
        SenStatus.EHC_PLAN,
        start,
        reason=f"Final EHC plan issued {_say(issued)} ({request.reference})",
    )
    annual_reviews.schedule_first(request, issued)


def update_case(
    actor: User,
    request: EhcnaRequest,
    *,
    assigned_officer_id: uuid.UUID | None,
    mediation: bool,
    tribunal: bool,
    notes: str | None,
    version: int | None = None,
) -> EhcnaRequest:
    versions.check(request, version)
    if assigned_officer_id is not None and assigned_officer_id not in {o.id for o in officers()}:
        raise DomainError("Choose an LA officer from the list", field="assigned_officer_id")
    before = audit.snapshot(request, AUDIT_FIELDS)
    request.assigned_officer_id = assigned_officer_id
    request.mediation = mediation
    request.tribunal = tribunal
    request.notes = (notes or "").strip() or None
    _save_audited(request, actor, before, "Case details")
    return request


def officers() -> list[User]:
    """LA officers a request can be assigned to."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                exists().where(
                    RoleMembership.user_id == User.id, RoleMembership.role == Role.LA_OFFICER
                ),
            )
            .order_by(User.name)
        )
    )


def add_exception(
    actor: User,
    request: EhcnaRequest,
    ground: ExceptionGround | None,
    reason: str | None,
    start: date | None,
    end: date | None,
    *,
    today: date | None = None,
) -> TimescaleException:
    """A 20-week exception on one of the legal grounds, with its reason and dates."""
    today = today or date.today()
    if ground is None:
        raise DomainError("Choose the ground for the exception", field="ground")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for the exception", field="reason")
    if start is None:
        raise DomainError("Enter the date the exception started", field="start_date")
    if start > today:
        raise DomainError("The start date must not be in the future", field="start_date")
    if end is not None and end > today:
        raise DomainError(
            "The end date must not be in the future: leave it blank while the exception lasts",
            field="end_date",
        )
    if start < request.received_date:
        raise DomainError(
            f"The start date must be on or after the date the request was received "
            f"({_say(request.received_date)})",
            field="start_date",
        )
    if end is not None and end < start:
        raise DomainError("The end date must be on or after the start date", field="end_date")
    exception = TimescaleException(
        request_id=request.id, ground=ground, reason=reason, start_date=start, end_date=end
    )
    db.session.add(exception)
    db.session.flush()
    db.session.expire(request, ["exceptions"])
    audit.record(
        actor,
        AuditAction.CREATE,
        "timescale_exception",
        exception.id,
        pupil_id=request.pupil_id,
        summary=f"20-week exception on {request.reference}: {ground.label}",
        changes={
            "ground": [None, ground.value],
            "reason": [None, reason],
            "start_date": [None, start],
            "end_date": [None, end],
        },
    )
    return exception


def remove_exception(actor: User, exception: TimescaleException) -> EhcnaRequest:
    request = exception.request
    audit.record(
        actor,
        AuditAction.DELETE,
        "timescale_exception",
        exception.id,
        pupil_id=request.pupil_id,
        summary=f"20-week exception removed from {request.reference}",
        changes={
            "ground": [exception.ground.value if exception.ground else None, None],
            "reason": [exception.reason, None],
        },
    )
    db.session.delete(exception)
    db.session.flush()
    db.session.expire(request, ["exceptions"])
    return request
