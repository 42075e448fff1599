"""Panel decisions on referrals: outcome, rationale, advice, award, conditions, actions and a
review date. A decision is a draft until confirmed; confirming locks it, and changing a
confirmed decision needs a reason, audited old -> new. An award must fit the cluster's
budget for the year unless an LA officer overrides with a reason."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AuditAction,
    AuditEvent,
    DecisionOutcome,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    Referral,
    ReferralStatus,
    User,
)
from sendtrack.role_permissions import Permission, user_has
from sendtrack.school_year import financial_year_of
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.panels import budgets as cluster_budgets
from sendtrack.services.scoping import decision_scope as decision_scope
from sendtrack.services.scoping import get_action as get_action
from sendtrack.services.scoping import get_decision as get_decision
from sendtrack.services.scoping import leads
from sendtrack.wording import money

AWARD_OUTCOMES = frozenset({DecisionOutcome.RESOURCES, DecisionOutcome.ADVICE_AND_RESOURCES})
ADVICE_OUTCOMES = frozenset({DecisionOutcome.ADVICE, DecisionOutcome.ADVICE_AND_RESOURCES})
# Outcomes a panel records; "withdrawn" is the school's doing (and history imports).
PANEL_OUTCOMES = [o for o in DecisionOutcome if o is not DecisionOutcome.WITHDRAWN]
AUDIT_FIELDS = [
    "outcome",
    "decision_date",
    "rationale",
    "advice_given",
    "amount_awarded",
    "amount_paid",
    "award_start",
    "award_end",
    "conditions",
    "review_date",
    "confirmed_at",
    "budget_override_reason",
    "impact_recorded_on",
    "impact_effective",
    "more_needed",
    "impact_notes",
]


def open_decision(user: User, decision_id: uuid.UUID, viewing: str | None) -> PanelDecision:
    """A decision for one of its pages (404 out of scope); `viewing` names the page, audited
    as a view of the child (None on a post, which is audited as the change it makes)."""
    decision = get_decision(user, decision_id)
    if viewing:
        audit.record(
            user,
            AuditAction.VIEW,
            "panel_decision",
            decision.id,
            pupil_id=decision.referral.pupil_id,
            summary=f"Viewed {viewing} of the decision on {decision.referral.reference}",
        )
    return decision


def can_record(user: User, referral: Referral) -> bool:
    return user_has(user, Permission.RECORD_DECISIONS) and leads(user, referral.cluster_id)


@dataclass
class DecisionDetails:
    outcome: DecisionOutcome | None
    rationale: str | None
    decision_date: date | None = None
    advice_given: str | None = None
    amount_awarded: Decimal | None = None
    award_start: date | None = None
    award_end: date | None = None
    conditions: str | None = None
    review_date: date | None = None
    budget_override_reason: str | None = None
    # A first action can be noted with the decision; more are added on the decision's page.
    action: NewAction | None = None


@dataclass
class NewAction:
    description: str | None
    owner: str | None
    due_date: date | None

    @property
    def empty(self) -> bool:
        return not (self.description or self.owner or self.due_date)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _check(details: DecisionDetails, meeting: PanelMeeting | None, today: date) -> None:
    if details.outcome is None:
        raise DomainError("Choose the panel's decision", field="outcome")
    if not details.rationale:
        raise DomainError("Enter the reasons for the decision", field="rationale")
    if details.decision_date is None:
        raise DomainError("Enter the date of the decision", field="decision_date")
    if details.decision_date > today:
        raise DomainError("Date of the decision must not be in the future", field="decision_date")
    if meeting is not None and details.decision_date < meeting.meeting_date:
        raise DomainError(
            "Date of the decision must be on or after the day of the meeting",
            field="decision_date",
        )
    amount = details.amount_awarded
    if amount is not None and amount < 0:
        raise DomainError("Amount awarded must be £0 or more", field="amount_awarded")
    if details.outcome in AWARD_OUTCOMES:
        if not amount:
            raise DomainError("Enter the amount awarded", field="amount_awarded")
        if details.award_start is None or details.award_end is None:
            raise DomainError(
                "Enter the start and end of the period the award covers", field="award_start"
            )
        if details.award_end < details.award_start:
            raise DomainError("End of the award period must be after its start", field="award_end")
        if details.review_date is None:
            raise DomainError("Enter the date the award will be reviewed", field="review_date")
    elif amount:
        raise DomainError(
            "Leave the amount blank unless the panel awarded resources", field="amount_awarded"
        )
    if details.outcome in ADVICE_OUTCOMES and not details.advice_given:
        raise DomainError("Enter the advice the panel gave", field="advice_given")
    if details.review_date is not None and details.review_date < details.decision_date:
        raise DomainError("Review date must be after the date of the decision", field="review_date")
    action = details.action
    if action is not None and not action.empty:
        _check_action(
            action.description,
            action.owner,
            action.due_date,
            details.decision_date,
            prefix="action_",
        )


def _check_action(
    description: str | None,
    owner: str | None,
    due_date: date | None,
    decided: date,
    *,
    prefix: str = "",
) -> None:
    if not description:
        raise DomainError("Enter what needs to be done", field=f"{prefix}description")
    if not owner:
        raise DomainError("Enter who will do it", field=f"{prefix}owner")
    if due_date is None:
        raise DomainError(
            "Enter the date it is due", field=prefix + ("due" if prefix else "due_date")
        )
    if due_date < decided:
        raise DomainError(
            "Due date must be after the date of the decision",
            field=prefix + ("due" if prefix else "due_date"),
        )


def _check_budget(
    actor: User, referral: Referral, decision: PanelDecision, details: DecisionDetails
) -> None:
    """Refuse an award that would overspend the cluster's budget for the year, unless an LA
    officer overrides with a reason (kept on the decision)."""
    amount = details.amount_awarded or Decimal(0)
    if amount <= 0 or details.decision_date is None:
        details.budget_override_reason = None
        return
    year = financial_year_of(details.decision_date)
    position = cluster_budgets.position(
        referral.cluster, year, except_decision=decision.id, lock=True
    )
    remaining = position.remaining if position.remaining is not None else Decimal(0)
    if amount <= remaining:
        details.budget_override_reason = None
        return
    if position.allocation is None:
        problem = f"{referral.cluster.name} has no budget for {year}"
    else:
        problem = (
            f"An award of {money(amount)} would overspend the {referral.cluster.name} budget "
            f"for {year}: {money(remaining)} remains"
        )
    if not user_has(actor, Permission.OVERRIDE_BUDGET):
        raise DomainError(
            f"{problem}. Lower the amount, or ask an LA officer to approve the overspend",
            field="amount_awarded",
        )
    if not details.budget_override_reason:
        raise DomainError(
            f"{problem}. To award it anyway, enter the reason for overriding the budget",
            field="budget_override_reason",
        )


def _fill(decision: PanelDecision, details: DecisionDetails, actor: User) -> None:
    decision.outcome = details.outcome  # type: ignore[assignment]
    decision.decision_date = details.decision_date  # type: ignore[assignment]
    decision.rationale = details.rationale
    decision.advice_given = details.advice_given
    decision.amount_awarded = details.amount_awarded or Decimal(0)
    award = details.outcome in AWARD_OUTCOMES
    decision.award_start = details.award_start if award else None
    decision.award_end = details.award_end if award else None
    decision.conditions = details.conditions
    decision.review_date = details.review_date
    if details.budget_override_reason:
        if decision.budget_override_reason != details.budget_override_reason:
            decision.budget_override_by_id = actor.id
        decision.budget_override_reason = details.budget_override_reason
    else:
        decision.budget_override_reason = None
        decision.budget_override_by_id = None


def _clean(details: DecisionDetails) -> DecisionDetails:
    for name in ("rationale", "advice_given", "conditions", "budget_override_reason"):
        setattr(details, name, _text(getattr(details, name)))
    if details.action is not None:
        details.action.description = _text(details.action.description)
        details.action.owner = _text(details.action.owner)
    return details


def _add_first_action(actor: User, decision: PanelDecision, details: DecisionDetails) -> None:
    action = details.action
    if action is not None and not action.empty:
        add_action(actor, decision, action.description, action.owner, action.due_date)


def _agenda_meeting(referral: Referral, meeting: PanelMeeting) -> None:
    on_agenda = db.session.scalar(
        select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.referral_id == referral.id
        )
    )
    if on_agenda is None:
        raise NotFound("agenda item")


def decision_for(referral: Referral, meeting: PanelMeeting) -> PanelDecision | None:
    return db.session.scalar(
        select(PanelDecision).where(
            PanelDecision.referral_id == referral.id, PanelDecision.meeting_id == meeting.id
        )
    )


def record_decision(
    actor: User,
    meeting: PanelMeeting,
    referral: Referral,
    details: DecisionDetails,
    *,
    confirm: bool,
    today: date | None = None,
) -> PanelDecision:
    """The panel's decision on a case on the meeting's agenda, saved as a draft or
    confirmed (locked) straight away."""
    today = today or date.today()
    _agenda_meeting(referral, meeting)
    if not can_record(actor, referral):
        raise DomainError("Only the cluster's Area SEND Lead can record decisions")
    if meeting.meeting_date > today:
        raise DomainError(
            "Decisions are recorded during or after the meeting: come back on "
            f"{meeting.meeting_date.day} {meeting.meeting_date:%B %Y}"
        )
    if decision_for(referral, meeting) is not None:
        raise DomainError("There is already a decision on this case from this meeting")
    if referral.status not in (ReferralStatus.SCHEDULED, ReferralStatus.SUBMITTED):
        raise DomainError(f"This referral is {referral.status.label.lower()}")
    details = _clean(details)
    _check(details, meeting, today)
    decision = PanelDecision(referral_id=referral.id, meeting_id=meeting.id)
    decision.id = uuid.uuid4()
    if confirm:
        _check_budget(actor, referral, decision, details)
    _fill(decision, details, actor)
    db.session.add(decision)
    db.session.flush()
    audit.record_creation(
        actor,
        "panel_decision",
        decision,
        AUDIT_FIELDS,
        pupil_id=referral.pupil_id,
        summary=f"Decision recorded: {decision.outcome.label}",
    )
    _add_first_action(actor, decision, details)
    if confirm:
        _confirm(actor, decision)
    return decision


def update_decision(
    actor: User,
    decision: PanelDecision,
    details: DecisionDetails,
    *,
    version: int | None,
    confirm: bool = False,
    change_reason: str | None = None,
    today: date | None = None,
) -> PanelDecision:
    """Change a draft; or change a confirmed decision, which needs a reason."""
    today = today or date.today()
    versions.check(decision, version)
    referral = decision.referral
    if not can_record(actor, referral):
        raise DomainError("Only the cluster's Area SEND Lead can change decisions")
    details = _clean(details)
    change_reason = _text(change_reason)
    locked = decision.confirmed_at is not None
    if locked and not change_reason:
        raise DomainError(
            "This decision is confirmed: enter the reason for changing it", field="change_reason"
        )
    _check(details, decision.meeting, today)
    if locked or confirm:
        _check_budget(actor, referral, decision, details)
    if details.outcome not in AWARD_OUTCOMES and decision.amount_paid:
        raise DomainError(
            f"{money(decision.amount_paid)} has already been paid on this award: it must stay "
            "an award of resources",
            field="outcome",
        )
    if (details.amount_awarded or 0) < decision.amount_paid:
        raise DomainError(
            f"Amount awarded must be at least the {money(decision.amount_paid)} already paid",
            field="amount_awarded",
        )
    before = audit.snapshot(decision, AUDIT_FIELDS)
    _fill(decision, details, actor)
    versions.save(decision)
    changes = audit.diff(before, audit.snapshot(decision, AUDIT_FIELDS))
    if changes or change_reason:
        audit.record(
            actor,
            AuditAction.UPDATE,
            "panel_decision",
            decision.id,
            pupil_id=referral.pupil_id,
            summary=f"Confirmed decision changed: {change_reason}" if locked else "Draft changed",
            changes=changes,
        )
    _add_first_action(actor, decision, details)
    if locked:
        _sync_referral(actor, decision)
    elif confirm:
        _confirm(actor, decision)
    return decision


def confirm_decision(
    actor: User, decision: PanelDecision, *, version: int | None = None
) -> PanelDecision:
    versions.check(decision, version)
    if decision.confirmed_at is not None:
        raise DomainError("This decision is already confirmed")
    if not can_record(actor, decision.referral):
        raise DomainError("Only the cluster's Area SEND Lead can confirm decisions")
    details = DecisionDetails(
        decision.outcome,
        decision.rationale,
        decision.decision_date,
        decision.advice_given,
        decision.amount_awarded,
        decision.award_start,
        decision.award_end,
        decision.conditions,
        decision.review_date,
        decision.budget_override_reason,
    )
    _check_budget(actor, decision.referral, decision, details)
    _confirm(actor, decision)
    return decision


def _confirm(actor: User, decision: PanelDecision) -> None:
    decision.confirmed_at = datetime.now(UTC)
    decision.confirmed_by_id = actor.id
    versions.save(decision)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "panel_decision",
        decision.id,
        pupil_id=decision.referral.pupil_id,
        summary=f"Decision confirmed: {decision.outcome.label}",
        changes={"confirmed_at": [None, decision.confirmed_at]},
    )
    _sync_referral(actor, decision)


def _sync_referral(actor: User, decision: PanelDecision) -> None:
    """A confirmed decision decides the referral; a deferral sends it back to wait for the
    next meeting's agenda."""
    referral = decision.referral
    status = (
        ReferralStatus.SUBMITTED
        if decision.outcome is DecisionOutcome.DEFERRED
        else ReferralStatus.DECIDED
    )
    if referral.status is status:
        return
    before = referral.status
    referral.status = status
    versions.save(decision)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "referral",
        referral.id,
        pupil_id=referral.pupil_id,
        summary=f"Panel decision: {decision.outcome.label}",
        changes={"status": [before.value, status.value]},
    )


def change_history(decision: PanelDecision) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "panel_decision",
                AuditEvent.object_id == str(decision.id),
                AuditEvent.action != AuditAction.VIEW,
            )
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )


# --- actions and payments ---------------------------------------------------------------


def add_action(
    actor: User,
    decision: PanelDecision,
    description: str | None,
    owner: str | None,
    due_date: date | None,
) -> PanelAction:
    if not can_record(actor, decision.referral):
        raise DomainError("Only the cluster's Area SEND Lead can add actions")
    description, owner = _text(description), _text(owner)
    _check_action(description, owner, due_date, decision.decision_date)
    assert description and owner and due_date
    action = PanelAction(
        decision_id=decision.id, description=description, owner=owner, due_date=due_date
    )
    db.session.add(action)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CREATE,
        "panel_action",
        action.id,
        pupil_id=decision.referral.pupil_id,
        summary=f"Action for {owner} due {due_date.isoformat()}",
        changes={"description": [None, description], "owner": [None, owner]},
    )
    return action


def complete_action(actor: User, action: PanelAction, *, today: date | None = None) -> None:
    if not can_record(actor, action.decision.referral):
        raise DomainError("Only the cluster's Area SEND Lead can update actions")
    if action.completed_on is not None:
        return
    action.completed_on = today or date.today()
    db.session.flush()
    audit.record(
        actor,
        AuditAction.UPDATE,
        "panel_action",
        action.id,
        pupil_id=action.decision.referral.pupil_id,
        summary="Action done",
        changes={"completed_on": [None, action.completed_on]},
    )


def record_payment(
    actor: User, decision: PanelDecision, amount_paid: Decimal | None, *, version: int | None
) -> PanelDecision:
    versions.check(decision, version)
    if not can_record(actor, decision.referral):
        raise DomainError("Only the cluster's Area SEND Lead can record payments")
    if decision.confirmed_at is None or decision.outcome not in AWARD_OUTCOMES:
        raise DomainError("Payments are recorded against a confirmed award")
    if amount_paid is None:
        raise DomainError("Enter the amount paid so far", field="amount_paid")
    if amount_paid < 0:
        raise DomainError("Amount paid must be £0 or more", field="amount_paid")
    if amount_paid > decision.amount_awarded:
        raise DomainError(
            f"Amount paid must be no more than the {money(decision.amount_awarded)} awarded",
            field="amount_paid",
        )
    before = decision.amount_paid
    decision.amount_paid = amount_paid
    versions.save(decision)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "panel_decision",
        decision.id,
        pupil_id=decision.referral.pupil_id,
        summary="Payment recorded",
        changes={"amount_paid": [before, amount_paid]},
    )
    return decision
