"""Reception Transition Funding after the decision: the award follows the child's record into
the receiving school (automatically when the record moves there, or confirmed by an officer
when only names and date of birth match), and at the review point the school records how the
child settled and whether an EHC needs assessment was requested."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, func, or_, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, EhcnaRequest, Pupil, RtfApplication, RtfDecision, User
from sendtrack.services import audit, versions
from sendtrack.services.errors import DomainError
from sendtrack.services.rtf import AUDIT_FIELDS


def sync_links(actor: User | None) -> int:
    """Link awards whose child's record is now on the receiving school's roll (moved by a
    transfer or matched on UPN by an import). Returns how many were linked.

    Pages call this with no actor: the link is the system's doing, not the viewer's."""
    return _sync_links(actor)


def sync_links_for(actor: User | None, receiving_setting_ids: Collection[uuid.UUID]) -> int:
    """sync_links for the awards to these receiving schools only (a SENCO's home page):
    found through the receiving school's index instead of a look at every award."""
    if not receiving_setting_ids:
        return 0
    return _sync_links(actor, RtfApplication.receiving_setting_id.in_(receiving_setting_ids))


def _sync_links(actor: User | None, *where: ColumnElement[bool]) -> int:
    rows = db.session.scalars(
        select(RtfApplication)
        .join(Pupil, Pupil.id == RtfApplication.pupil_id)
        .where(
            *where,
            RtfApplication.linked_at.is_(None),
            RtfApplication.decision.in_([RtfDecision.APPROVED, RtfDecision.PART_APPROVED]),
            Pupil.setting_id == RtfApplication.receiving_setting_id,
        )
    ).all()
    for application in rows:
        _mark_linked(actor, application, "Child's record is on the receiving school's roll")
    return len(rows)


def _mark_linked(actor: User | None, application: RtfApplication, summary: str) -> None:
    application.linked_at = datetime.now(UTC)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.UPDATE,
        "rtf_application",
        application.id,
        pupil_id=application.pupil_id,
        summary=summary,
        changes={"linked_at": [None, application.linked_at]},
    )


def link_candidates(application: RtfApplication) -> list[Pupil]:
    """Other records at the receiving school that may be this child: same date of birth and
    the same surname or forename. An officer confirms, since names alone are uncertain."""
    if application.linked_at is not None or not (
        application.decision and application.decision.is_award
    ):
        return []
    child = application.pupil
    return list(
        db.session.scalars(
            select(Pupil)
            .where(
                Pupil.setting_id == application.receiving_setting_id,
                Pupil.id != child.id,
                Pupil.date_of_birth == child.date_of_birth,
                or_(
                    func.lower(Pupil.legal_surname) == child.legal_surname.lower(),
                    func.lower(Pupil.legal_forename) == child.legal_forename.lower(),
                ),
            )
            .order_by(Pupil.legal_surname, Pupil.legal_forename)
        )
    )


def confirm_link(
    actor: User,
    application: RtfApplication,
    pupil_id: uuid.UUID | None,
    *,
    version: int | None = None,
) -> RtfApplication:
    """An officer confirms that a school record is this child: the award moves onto it."""
    versions.check(application, version)
    candidates = {p.id: p for p in link_candidates(application)}
    if pupil_id is None or pupil_id not in candidates:
        raise DomainError("Choose the school's record for this child", field="pupil_id")
    clash = db.session.scalar(
        select(RtfApplication.reference).where(
            RtfApplication.pupil_id == pupil_id,
            RtfApplication.reception_year == application.reception_year,
        )
    )
    if clash is not None:
        raise DomainError(
            f"That record already has an application ({clash}) for the same September",
            field="pupil_id",
        )
    old = application.pupil_id
    application.pupil_id = pupil_id
    versions.save(application)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "rtf_application",
        application.id,
        pupil_id=pupil_id,
        summary="Award linked to the school's record by an officer",
        changes={"pupil_id": [old, pupil_id]},
    )
    _mark_linked(actor, application, "Linked to the child's school record")
    return application


def ehcna_logged(application: RtfApplication) -> EhcnaRequest | None:
    """An EHC needs assessment request for the child received since the application."""
    since = application.application_date or application.created_at.date()
    return db.session.scalar(
        select(EhcnaRequest)
        .where(EhcnaRequest.pupil_id == application.pupil_id, EhcnaRequest.received_date >= since)
        .order_by(EhcnaRequest.received_date)
        .limit(1)
    )


def can_follow_up(user: User, application: RtfApplication) -> bool:
    return (
        application.decision is not None
        and application.decision.is_award
        and application.linked_at is not None
        and (user.is_area_wide or application.receiving_setting_id in user.setting_ids)
    )


def record_follow_up(
    actor: User,
    application: RtfApplication,
    how_settled: str | None,
    provision_in_place: str | None,
    ehcna_requested: bool | None,
    *,
    version: int | None = None,
    recorded_on: date | None = None,
) -> RtfApplication:
    versions.check(application, version)
    if not (application.decision and application.decision.is_award):
        raise DomainError("Only an award has a follow-up")
    if not (actor.is_area_wide or application.receiving_setting_id in actor.setting_ids):
        raise DomainError("Only the receiving school can record how the child settled")
    if application.linked_at is None:
        raise DomainError(
            "Record the follow-up once the child has started at the school and the award is "
            "linked to their record"
        )
    if not how_settled:
        raise DomainError("Describe how the child has settled", field="how_settled")
    if not provision_in_place:
        raise DomainError("Describe the provision in place", field="provision_in_place")
    if ehcna_requested is None:
        raise DomainError(
            "Say whether an EHC needs assessment has been requested", field="ehcna_requested"
        )
    before = audit.snapshot(application, AUDIT_FIELDS)
    application.how_settled = how_settled
    application.provision_in_place = provision_in_place
    application.ehcna_requested = ehcna_requested
    application.follow_up_recorded_on = recorded_on or date.today()
    versions.save(application)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "rtf_application",
        application.id,
        pupil_id=application.pupil_id,
        summary="RTF follow-up recorded",
        changes=audit.diff(before, audit.snapshot(application, AUDIT_FIELDS)),
    )
    return application
