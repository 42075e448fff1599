"""Following decisions up: awards reach their review date and the lead records the impact
(did it work, is more needed); actions and reviews that are overdue are listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from sendtrack.extensions import db
from sendtrack.models import AuditAction, PanelAction, PanelDecision, Referral, User
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError
from sendtrack.services.panels.decisions import AUDIT_FIELDS, can_record
from sendtrack.services.scoping import decision_scope, referral_scope

IMPACT_CHOICES = {"yes": "Yes", "partly": "Partly", "no": "No"}


@dataclass
class FollowUpList:
    overdue_actions: list[PanelAction]
    overdue_actions_count: int
    reviews_due: list[PanelDecision]
    reviews_due_count: int


def follow_ups(user: User, *, today: date | None = None, limit: int = 200) -> FollowUpList:
    """Open actions past their due date, and confirmed decisions past their review date with
    no impact recorded, in the user's clusters."""
    today = today or date.today()
    action_where = (
        decision_scope(user),
        PanelAction.completed_on.is_(None),
        PanelAction.due_date < today,
        PanelDecision.confirmed_at.is_not(None),
    )
    actions_count = db.session.scalar(
        select(func.count())
        .select_from(PanelAction)
        .join(PanelDecision, PanelDecision.id == PanelAction.decision_id)
        .where(*action_where)
    )
    actions = db.session.scalars(
        select(PanelAction)
        .join(PanelDecision, PanelDecision.id == PanelAction.decision_id)
        .where(*action_where)
        .order_by(PanelAction.due_date)
        .limit(limit)
    ).all()
    review_where = (
        decision_scope(user),
        PanelDecision.confirmed_at.is_not(None),
        PanelDecision.review_date.is_not(None),
        PanelDecision.review_date <= today,
        PanelDecision.impact_recorded_on.is_(None),
    )
    reviews_count = db.session.scalar(
        select(func.count()).select_from(PanelDecision).where(*review_where)
    )
    reviews = db.session.scalars(
        select(PanelDecision).where(*review_where).order_by(PanelDecision.review_date).limit(limit)
    ).all()
    return FollowUpList(list(actions), actions_count or 0, list(reviews), reviews_count or 0)


def record_impact(
    actor: User,
    decision: PanelDecision,
    effective: str | None,
    more_needed: bool | None,
    notes: str | None,
    *,
    version: int | None,
    today: date | None = None,
) -> PanelDecision:
    versions.check(decision, version)
    if not can_record(actor, decision.referral):
        raise DomainError("Only the cluster's Area SEND Lead can record the impact")
    if decision.confirmed_at is None:
        raise DomainError("Confirm the decision before recording its impact")
    if effective not in IMPACT_CHOICES:
        raise DomainError("Say whether the support worked", field="impact_effective")
    if more_needed is None:
        raise DomainError("Say whether more support is needed", field="more_needed")
    notes = (notes or "").strip() or None
    if not notes:
        raise DomainError("Describe the impact of the support", field="impact_notes")
    before = audit.snapshot(decision, AUDIT_FIELDS)
    decision.impact_effective = effective
    decision.more_needed = more_needed
    decision.impact_notes = notes
    decision.impact_recorded_on = today or date.today()
    versions.save(decision)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "panel_decision",
        decision.id,
        pupil_id=decision.referral.pupil_id,
        summary="Impact recorded",
        changes=audit.diff(before, audit.snapshot(decision, AUDIT_FIELDS)),
    )
    return decision


def school_outcomes(user: User, limit: int = 10) -> list[PanelDecision]:
    """Confirmed decisions on the SENCO's own referrals, newest first (their home page),
    each with its referral, child and actions loaded: no statement per decision. Only
    referrals the user may open (a restricted child's stay hidden, as everywhere else)."""
    return list(
        db.session.scalars(
            select(PanelDecision)
            .join(Referral, Referral.id == PanelDecision.referral_id)
            .options(
                # The referral from the join already made; the children after the LIMIT
                # (a join would fetch one for each of the school's decisions before sorting).
                contains_eager(PanelDecision.referral).selectinload(Referral.pupil),
                selectinload(PanelDecision.actions),
            )
            .where(
                Referral.setting_id.in_(user.setting_ids),
                referral_scope(user),
                PanelDecision.confirmed_at.is_not(None),
            )
            .order_by(PanelDecision.decision_date.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class FollowUpCounts:
    overdue_actions_count: int
    reviews_due_count: int


def counts(user: User, *, today: date | None = None) -> FollowUpCounts:
    """The two figures of follow_ups() (same rules), without the rows, in one statement:
    for the home page."""
    today = today or date.today()
    scope = decision_scope(user)
    actions = (
        select(func.count())
        .select_from(PanelAction)
        .join(PanelDecision, PanelDecision.id == PanelAction.decision_id)
        .where(
            scope,
            PanelAction.completed_on.is_(None),
            PanelAction.due_date < today,
            PanelDecision.confirmed_at.is_not(None),
        )
    )
    reviews = (
        select(func.count())
        .select_from(PanelDecision)
        .where(
            scope,
            PanelDecision.confirmed_at.is_not(None),
            PanelDecision.review_date.is_not(None),
            PanelDecision.review_date <= today,
            PanelDecision.impact_recorded_on.is_(None),
        )
    )
    n_actions, n_reviews = db.session.execute(
        select(actions.scalar_subquery(), reviews.scalar_subquery())
    ).one()
    return FollowUpCounts(n_actions or 0, n_reviews or 0)
