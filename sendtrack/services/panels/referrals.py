"""Referrals to a cluster panel: a SENCO asks for advice and/or resources for one child.

Statuses: draft -> submitted -> scheduled (on an agenda) -> decided; the Area SEND Lead can
return a submitted referral for more information (the SENCO edits and resubmits), and the
school can withdraw it before it is decided. Parents' consent to a panel discussion must be
on the child's record before a referral is submitted."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    ApdrCycle,
    AuditAction,
    PanelDecision,
    PanelMeeting,
    Pupil,
    Referral,
    ReferralStatus,
    RequestType,
    User,
    WouldRequestEhcna,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.scoping import get_referral as get_referral
from sendtrack.services.scoping import leads, works_at
from sendtrack.services.scoping import referral_scope as referral_scope

AUDIT_FIELDS = [
    "reference",
    "status",
    "request_type",
    "amount_requested",
    "reason",
    "child_views",
    "parent_views",
    "professionals_involved",
    "would_request_ehcna",
    "submitted_date",
    "returned_reason",
    "withdrawn_reason",
]
EDITABLE = frozenset({ReferralStatus.DRAFT, ReferralStatus.RETURNED})
WITHDRAWABLE = frozenset(
    {
        ReferralStatus.DRAFT,
        ReferralStatus.SUBMITTED,
        ReferralStatus.RETURNED,
        ReferralStatus.SCHEDULED,
    }
)
NO_CONSENT = (
    "You cannot submit this referral until the child's parents have agreed to their case "
    "being discussed at panel: record their consent on the child's record first. You can "
    "save the referral as a draft meanwhile"
)


# --- who may see what -------------------------------------------------------------------


def open_referral(user: User, referral_id: uuid.UUID, viewing: str | None) -> Referral:
    """A referral for one of its pages (404 out of scope); `viewing` names the page, audited
    as a view of the child (None on a post, which is audited as the change it makes)."""
    referral = get_referral(user, referral_id)
    if viewing:
        audit.record(
            user,
            AuditAction.VIEW,
            "referral",
            referral.id,
            pupil_id=referral.pupil_id,
            summary=f"Viewed {viewing} of referral {referral.reference}",
        )
    return referral


def is_own_school(user: User, referral: Referral) -> bool:
    """The referring school (or the area-wide): may edit, submit and withdraw."""
    return works_at(user, referral.setting_id)


def manages_cluster(user: User, cluster_id: uuid.UUID) -> bool:
    return leads(user, cluster_id)


@dataclass
class ReferralList:
    rows: list[Referral]
    count: int
    by_status: dict[ReferralStatus, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 1


def list_referrals(
    user: User,
    *,
    status: ReferralStatus | None = None,
    cluster_id: uuid.UUID | None = None,
    page: int = 1,
    page_size: int = 50,
) -> ReferralList:
    clauses: list[ColumnElement[bool]] = [referral_scope(user)]
    if cluster_id is not None:
        clauses.append(Referral.cluster_id == cluster_id)
    by_status = {
        s: n
        for s, n in db.session.execute(
            select(Referral.status, func.count()).where(*clauses).group_by(Referral.status)
        )
    }
    if status is not None:
        clauses.append(Referral.status == status)
    count = by_status.get(status, 0) if status is not None else sum(by_status.values())
    pages = max(1, -(-count // page_size))
    page = min(max(page, 1), pages)
    rows = list(
        db.session.scalars(
            select(Referral)
            .where(*clauses)
            # The list shows each row's child and setting: one query each, not one a row.
            .options(selectinload(Referral.pupil), selectinload(Referral.setting))
            .order_by(Referral.updated_at.desc(), Referral.reference)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    return ReferralList(rows, count, by_status, page, pages)


def apdr_history(pupil_id: uuid.UUID) -> list[ApdrCycle]:
    """The child's assess-plan-do-review cycles, newest first: attached to the referral from
    the record, never retyped."""
    return list(
        db.session.scalars(
            select(ApdrCycle)
            .where(ApdrCycle.pupil_id == pupil_id)
            .order_by(ApdrCycle.number.desc())
        )
    )


def decisions_for(referral_id: uuid.UUID) -> list[PanelDecision]:
    return list(
        db.session.scalars(
            select(PanelDecision)
            .where(PanelDecision.referral_id == referral_id)
            .order_by(PanelDecision.decision_date.desc(), PanelDecision.created_at.desc())
        )
    )


def current_meeting(referral_id: uuid.UUID) -> PanelMeeting | None:
    return db.session.scalar(
        select(PanelMeeting)
        .join(AgendaItem, AgendaItem.meeting_id == PanelMeeting.id)
        .where(AgendaItem.referral_id == referral_id)
        .order_by(PanelMeeting.meeting_date.desc())
        .limit(1)
    )


# --- making and changing a referral -----------------------------------------------------


@dataclass
class ReferralDetails:
    request_type: RequestType | None
    amount_requested: Decimal | None
    reason: str | None
    child_views: str | None = None
    parent_views: str | None = None
    professionals_involved: str | None = None
    would_request_ehcna: WouldRequestEhcna | None = None


def _clean(details: ReferralDetails) -> ReferralDetails:
    def text(value: str | None) -> str | None:
        return (value or "").strip() or None

    return ReferralDetails(
        details.request_type,
        details.amount_requested,
        text(details.reason),
        text(details.child_views),
        text(details.parent_views),
        text(details.professionals_involved),
        details.would_request_ehcna,
    )


def _check(details: ReferralDetails, *, complete: bool = True) -> None:
    """A draft needs only what the school is asking for; a submission needs everything."""
    if details.request_type is None:
        raise DomainError(
            "Choose what the school is asking for: advice, resources or both",
            field="request_type",
        )
    amount = details.amount_requested
    if amount is not None and amount < 0:
        raise DomainError("Amount requested must be £0 or more", field="amount_requested")
    if details.request_type is RequestType.ADVICE and amount:
        raise DomainError(
            "Leave the amount blank when asking for advice only, or choose resources",
            field="amount_requested",
        )
    if not complete:
        return
    if details.request_type is not RequestType.ADVICE and not amount:
        raise DomainError("Enter how much money the school is asking for", field="amount_requested")
    if not details.reason:
        raise DomainError("Enter the reason for the referral", field="reason")
    if details.would_request_ehcna is None:
        raise DomainError(
            "Say whether you would request an EHC needs assessment now without this support",
            field="would_request_ehcna",
        )


def _check_consent(pupil: Pupil) -> None:
    if not pupil.panel_consent:
        raise DomainError(NO_CONSENT, field="consent")


def new_reference(today: date) -> str:
    while True:
        reference = f"REF-{today.year}-{secrets.token_hex(3).upper()}"
        if db.session.scalar(select(Referral.id).where(Referral.reference == reference)) is None:
            return reference


def create_referral(
    actor: User,
    pupil: Pupil,
    details: ReferralDetails,
    *,
    submit: bool,
    today: date | None = None,
) -> Referral:
    """Start a referral for a child of the SENCO's own setting: as a draft, or submitted
    straight away (which needs the parents' consent on the record)."""
    today = today or date.today()
    if not works_at(actor, pupil.setting_id):
        raise NotFound("child")
    details = _clean(details)
    _check(details, complete=submit)
    if submit:
        _check_consent(pupil)
    cluster_id = pupil.setting.cluster_id
    if cluster_id is None:
        raise DomainError(
            f"{pupil.setting.name} is not in a cluster yet, so there is no panel to refer to: "
            "ask the council to add it to one"
        )
    referral = Referral(
        reference=new_reference(today),
        pupil_id=pupil.id,
        setting_id=pupil.setting_id,
        cluster_id=cluster_id,
        status=ReferralStatus.SUBMITTED if submit else ReferralStatus.DRAFT,
        submitted_date=today if submit else None,
        created_by_id=actor.id,
        **details.__dict__,
    )
    db.session.add(referral)
    db.session.flush()
    audit.record_creation(
        actor,
        "referral",
        referral,
        AUDIT_FIELDS,
        pupil_id=pupil.id,
        summary="Referral submitted" if submit else "Referral saved as a draft",
    )
    return referral


def update_referral(
    actor: User,
    referral: Referral,
    details: ReferralDetails,
    *,
    version: int | None,
    submit: bool,
    today: date | None = None,
) -> Referral:
    """Edit a draft or a returned referral; optionally (re)submit it."""
    today = today or date.today()
    versions.check(referral, version)
    if not is_own_school(actor, referral):
        raise DomainError("Only the referring school can change this referral")
    if referral.status not in EDITABLE:
        raise DomainError(
            f"This referral is {referral.status.label.lower()}: it can no longer be changed"
        )
    details = _clean(details)
    _check(details, complete=submit)
    if submit:
        _check_consent(referral.pupil)
    before = audit.snapshot(referral, AUDIT_FIELDS)
    for key, value in details.__dict__.items():
        setattr(referral, key, value)
    if submit:
        referral.status = ReferralStatus.SUBMITTED
        referral.submitted_date = referral.submitted_date or today
    versions.save(referral)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "referral",
        referral.id,
        pupil_id=referral.pupil_id,
        summary="Referral resubmitted" if submit and before["status"] == "returned" else None,
        changes=audit.diff(before, audit.snapshot(referral, AUDIT_FIELDS)),
    )
    return referral


def _transition(
    actor: User, referral: Referral, status: ReferralStatus, summary: str, **values: object
) -> Referral:
    before = audit.snapshot(referral, AUDIT_FIELDS)
    referral.status = status
    for key, value in values.items():
        setattr(referral, key, value)
    versions.save(referral)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "referral",
        referral.id,
        pupil_id=referral.pupil_id,
        summary=summary,
        changes=audit.diff(before, audit.snapshot(referral, AUDIT_FIELDS)),
    )
    return referral


def submit_referral(
    actor: User, referral: Referral, *, version: int | None = None, today: date | None = None
) -> Referral:
    versions.check(referral, version)
    if not is_own_school(actor, referral):
        raise DomainError("Only the referring school can submit this referral")
    if referral.status not in EDITABLE:
        raise DomainError(f"This referral is already {referral.status.label.lower()}")
    _check(
        ReferralDetails(
            referral.request_type,
            referral.amount_requested,
            referral.reason,
            would_request_ehcna=referral.would_request_ehcna,
        )
    )
    _check_consent(referral.pupil)
    return _transition(
        actor,
        referral,
        ReferralStatus.SUBMITTED,
        "Referral submitted",
        submitted_date=referral.submitted_date or today or date.today(),
    )


def return_referral(
    actor: User, referral: Referral, reason: str | None, *, version: int | None = None
) -> Referral:
    """The Area SEND Lead sends a submitted referral back to the school for more
    information. It leaves any agenda it was on."""
    versions.check(referral, version)
    if not manages_cluster(actor, referral.cluster_id):
        raise DomainError("Only the cluster's Area SEND Lead can return this referral")
    if referral.status not in (ReferralStatus.SUBMITTED, ReferralStatus.SCHEDULED):
        raise DomainError(
            f"This referral is {referral.status.label.lower()}: only a submitted or "
            "scheduled referral can be returned"
        )
    return _take_back(
        actor,
        referral,
        ReferralStatus.RETURNED,
        "Referral returned for more information",
        returned_reason=_reason(reason, "Enter what the school needs to add or change"),
    )


def withdraw_referral(
    actor: User, referral: Referral, reason: str | None, *, version: int | None = None
) -> Referral:
    versions.check(referral, version)
    if not is_own_school(actor, referral):
        raise DomainError("Only the referring school can withdraw this referral")
    if referral.status not in WITHDRAWABLE:
        raise DomainError(
            f"This referral is {referral.status.label.lower()}: it can no longer be withdrawn"
        )
    return _take_back(
        actor,
        referral,
        ReferralStatus.WITHDRAWN,
        "Referral withdrawn",
        withdrawn_reason=_reason(reason, "Enter why the referral is being withdrawn"),
    )


def _reason(reason: str | None, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(missing, field="reason")
    return reason


def _take_back(
    actor: User, referral: Referral, status: ReferralStatus, summary: str, **reason: str
) -> Referral:
    """Returned or withdrawn: the referral leaves any agenda that has not decided it."""
    _leave_future_agendas(referral)
    return _transition(actor, referral, status, summary, **reason)


def _leave_future_agendas(referral: Referral) -> None:
    """Take the referral off agendas of meetings that have not yet decided it."""
    decided = select(PanelDecision.meeting_id).where(
        PanelDecision.referral_id == referral.id, PanelDecision.meeting_id.is_not(None)
    )
    for item in db.session.scalars(
        select(AgendaItem).where(
            AgendaItem.referral_id == referral.id, AgendaItem.meeting_id.not_in(decided)
        )
    ):
        db.session.delete(item)
    db.session.flush()


def reload_referral(referral_id: uuid.UUID) -> Referral:
    """After a save lost to someone else's: drop this attempt and read what is saved now."""
    db.session.rollback()
    referral = db.session.get(Referral, referral_id, populate_existing=True)
    if referral is None:
        raise NotFound("referral")
    return referral


# --- for the home page ------------------------------------------------------------------


def count_referrals(user: User, *, status: ReferralStatus | None = None) -> int:
    """How many referrals the user may see (of one status): list_referrals' count, alone."""
    query = select(func.count()).select_from(Referral).where(referral_scope(user))
    if status is not None:
        query = query.where(Referral.status == status)
    return db.session.scalar(query) or 0


def latest_referrals(user: User, *, limit: int = 10) -> ReferralList:
    """The first page of list_referrals (same rows, same order, same count) with each
    referral's child loaded with it, so showing the names adds no statement per row."""
    rows = list(
        db.session.scalars(
            select(Referral)
            .options(selectinload(Referral.pupil))  # after the LIMIT: ten children, not all
            .where(referral_scope(user))
            .order_by(Referral.updated_at.desc(), Referral.reference)
            .limit(limit)
        )
    )
    count = count_referrals(user)
    return ReferralList(rows, count, pages=max(1, -(-count // limit)))
