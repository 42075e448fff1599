"""Reception Transition Funding after the decision: the award follows the child's record into
the receiving school (automatically when the record moves there, or confirmed by an officer
when only names and date of birth match), and at the review point the school records how the
child settled and whether an EHC needs assessment was requested."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from sendtrack.extensions import db
from sendtrack.models import AuditAction, EhcnaRequest, Phase, Pupil, RtfApplication, Setting, User
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError
from sendtrack.services.rtf import links as rtf_links
from sendtrack.services.rtf.applications import AUDIT_FIELDS, RECEPTION_PHASES
from sendtrack.services.scoping import application_scope, works_at


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
    rtf_links.mark_linked(actor, application, "Linked to the child's school record")
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
        and works_at(user, application.receiving_setting_id)
    )


@dataclass(frozen=True)
class SchoolAwards:
    """A SENCO's home card: the school's latest applications, which of them wait for the
    follow-up, and whether the school takes part in RTF at all."""

    rows: list[RtfApplication]
    follow_ups: list[RtfApplication]
    takes_part: bool


def school_awards(user: User, limit: int = 10) -> SchoolAwards:
    # Secondary and post-16 SENCOs have no Reception children: no card unless they already
    # have applications.
    phases = set(db.session.scalars(select(Setting.phase).where(Setting.id.in_(user.setting_ids))))
    takes_part = bool(phases & (RECEPTION_PHASES | {Phase.EARLY_YEARS}))
    rows = list(
        db.session.scalars(
            select(RtfApplication)
            .options(joinedload(RtfApplication.pupil))
            .where(application_scope(user))
            .order_by(RtfApplication.application_date.desc(), RtfApplication.reference)
            .limit(limit)
        )
    )
    due = [
        a for a in rows if a.linked_at and not a.follow_up_recorded_on and can_follow_up(user, a)
    ]
    return SchoolAwards(rows, due, takes_part)


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
    if not works_at(actor, application.receiving_setting_id):
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
