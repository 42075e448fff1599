"""Writes to a child's record: creation, SEN status history, ranked needs.

Status changes add a dated SenStatusChange row and never overwrite one; the pupil row keeps a
copy of the current status so the register is a plain indexed query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import upn as upn_number

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    NeedCode,
    Pupil,
    PupilNeed,
    SenStatus,
    SenStatusChange,
    Sex,
    User,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.scoping import get_pupil, works_at

PUPIL_AUDIT_FIELDS = [
    "upn",
    "legal_surname",
    "legal_forename",
    "preferred_surname",
    "preferred_forename",
    "date_of_birth",
    "sex",
    "setting_id",
    "looked_after",
    "sen_status",
    "year_group_override",
    "year_group_override_reason",
    "parents_informed_date",
    "panel_consent",
    "panel_consent_date",
    "panel_consent_recorded_by",
    "left_date",
    "is_restricted",
]

MAX_AGE_YEARS = 25


def normalise_upn(raw: str | None) -> str | None:
    """Upper-case, spaces removed; None for blank. Raises DomainError when not a valid UPN."""
    if raw is None:
        return None
    cleaned = "".join(raw.split()).upper()
    if not cleaned:
        return None
    try:
        return str(upn_number.validate(cleaned))
    except StdnumError:
        raise DomainError(
            "Enter a valid UPN: 13 characters, starting with the check letter", field="upn"
        ) from None


def check_date_of_birth(dob: date, today: date | None = None) -> None:
    today = today or date.today()
    if dob > today:
        raise DomainError("Date of birth must be in the past", field="date_of_birth")
    age_days = (today - dob).days
    if age_days > (MAX_AGE_YEARS + 1) * 366:
        raise DomainError(
            "Date of birth must be for a child or young person aged 0 to 25",
            field="date_of_birth",
        )


def upn_in_use(upn: str, except_pupil: uuid.UUID | None = None) -> bool:
    query = select(Pupil.id).where(Pupil.upn == upn)
    if except_pupil is not None:
        query = query.where(Pupil.id != except_pupil)
    return db.session.scalar(query) is not None


@dataclass
class PupilDetails:
    legal_surname: str
    legal_forename: str
    date_of_birth: date
    sex: Sex
    setting_id: uuid.UUID
    upn: str | None = None
    preferred_surname: str | None = None
    preferred_forename: str | None = None
    looked_after: bool = False
    year_group_override: int | None = None
    year_group_override_reason: str | None = None
    parents_informed_date: date | None = None
    panel_consent: bool = False
    panel_consent_date: date | None = None
    panel_consent_recorded_by: str | None = None
    left_date: date | None = None


def _validate(details: PupilDetails, pupil_id: uuid.UUID | None) -> str | None:
    upn = normalise_upn(details.upn)
    if upn and upn_in_use(upn, pupil_id):
        raise DomainError("This UPN is already used by another child", field="upn")
    check_date_of_birth(details.date_of_birth)
    if details.panel_consent and details.panel_consent_date is None:
        raise DomainError(
            "Enter the date consent to discuss at panel was given", field="panel_consent_date"
        )
    if details.year_group_override is not None and not details.year_group_override_reason:
        raise DomainError(
            "Enter why the child is taught out of their year group",
            field="year_group_override_reason",
        )
    return upn


def create_pupil(
    actor: User | None,
    details: PupilDetails,
    *,
    sen_status: SenStatus = SenStatus.SEN_SUPPORT,
    status_since: date | None = None,
    needs: list[NeedCode] | None = None,
) -> Pupil:
    upn = _validate(details, None)
    pupil = Pupil(
        **{**details.__dict__, "upn": upn},
        sen_status=sen_status,
        sen_status_since=status_since or date.today(),
    )
    db.session.add(pupil)
    pupil.status_history.append(
        SenStatusChange(
            status=sen_status,
            start_date=pupil.sen_status_since,
            reason="Record created",
            recorded_by_id=actor.id if actor else None,
        )
    )
    set_needs(pupil, needs or [])
    db.session.flush()
    audit.record_creation(actor, "pupil", pupil, PUPIL_AUDIT_FIELDS, pupil_id=pupil.id)
    return pupil


def update_pupil(actor: User | None, pupil: Pupil, details: PupilDetails) -> Pupil:
    upn = _validate(details, pupil.id)
    before = audit.snapshot(pupil, PUPIL_AUDIT_FIELDS)
    for key, value in {**details.__dict__, "upn": upn}.items():
        setattr(pupil, key, value)
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(pupil, PUPIL_AUDIT_FIELDS))
    if changes:
        audit.record(
            actor, AuditAction.UPDATE, "pupil", pupil.id, pupil_id=pupil.id, changes=changes
        )
    return pupil


def set_needs(pupil: Pupil, codes: list[NeedCode]) -> bool:
    """Replace the ranked needs; returns whether anything changed."""
    seen: list[NeedCode] = []
    for code in codes:
        if code in seen:
            raise DomainError("Each need can be listed only once", field="needs")
        seen.append(code)
    current = [n.code for n in pupil.needs]
    if current == seen:
        return False
    pupil.needs.clear()
    db.session.flush()
    for rank, code in enumerate(seen, start=1):
        pupil.needs.append(PupilNeed(rank=rank, code=code))
    return True


def change_status(
    actor: User | None,
    pupil: Pupil,
    status: SenStatus,
    start_date: date,
    reason: str | None = None,
    *,
    version: int | None = None,
) -> SenStatusChange | None:
    """Add a dated status change. Returns None when the status is already `status`."""
    versions.check(pupil, version)
    if status == pupil.sen_status:
        return None
    if pupil.sen_status_since and start_date < pupil.sen_status_since:
        raise DomainError(
            "The date of a status change cannot be before the current status began",
            field="start_date",
        )
    if start_date > date.today():
        raise DomainError("The date of a status change cannot be in the future", field="start_date")
    change = SenStatusChange(
        status=status,
        start_date=start_date,
        reason=reason,
        recorded_by_id=actor.id if actor else None,
    )
    pupil.status_history.append(change)
    old = pupil.sen_status
    pupil.sen_status = status
    pupil.sen_status_since = start_date
    versions.save(pupil)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "pupil",
        pupil.id,
        pupil_id=pupil.id,
        summary=f"SEN status {old.value} -> {status.value} from {start_date.isoformat()}",
        changes={"sen_status": [old.value, status.value]},
    )
    return change


def find_match(upn: str | None, surname: str, forename: str, date_of_birth: date) -> Pupil | None:
    """Match a child on UPN when given, otherwise on surname + forename + date of birth."""
    if upn:
        return db.session.scalar(select(Pupil).where(Pupil.upn == upn))
    return db.session.scalar(
        select(Pupil).where(
            func.lower(Pupil.legal_surname) == surname.strip().lower(),
            func.lower(Pupil.legal_forename) == forename.strip().lower(),
            Pupil.date_of_birth == date_of_birth,
        )
    )


# --- the child record pages ------------------------------------------------------------


def editable(user: User, pupil: Pupil) -> Pupil:
    """Changes are made by the child's own setting's SENCO, or by area-wide staff; others
    who may see the child (a panel's lead or members) read only. Out of scope -> 404."""
    if works_at(user, pupil.setting_id):
        return pupil
    raise NotFound("child")


def get_editable_pupil(user: User, pupil_id: uuid.UUID, *, viewing: str | None = None) -> Pupil:
    """The child, if `user` may change the record; `viewing` names a form page that shows the
    record, audited as a view."""
    pupil = editable(user, get_pupil(user, pupil_id))
    if viewing:
        _audit_view(user, pupil, viewing)
    return pupil


def get_visible_pupil(user: User, pupil_id: uuid.UUID, *, viewing: str | None = None) -> Pupil:
    """The child, if `user` may see the record (else 404); `viewing` names a page that shows
    the child, audited as a view (None on a post, which is audited as what it changes)."""
    pupil = get_pupil(user, pupil_id)
    if viewing:
        _audit_view(user, pupil, viewing)
    return pupil


def open_record(user: User, pupil_id: uuid.UUID, page: str = "record") -> Pupil:
    """A page showing a child's record, audited as one view event."""
    pupil = get_pupil(user, pupil_id)
    _audit_view(user, pupil, page)
    return pupil


def _audit_view(user: User, pupil: Pupil, page: str) -> None:
    """One view event: `page` names what of the child's record was shown."""
    audit.record(
        user,
        AuditAction.VIEW,
        "pupil",
        pupil.id,
        pupil_id=pupil.id,
        summary=f"Viewed {page} of {pupil.full_name}",
    )


def may_edit(user: User, pupil: Pupil) -> bool:
    return works_at(user, pupil.setting_id)


def add_pupil(
    actor: User,
    details: PupilDetails,
    needs: list[NeedCode],
    sen_status: SenStatus,
    status_since: date,
) -> Pupil:
    if not works_at(actor, details.setting_id):
        raise DomainError("Choose one of your settings", field="setting_id")
    check_date_of_birth(details.date_of_birth)
    if status_since > date.today():
        raise DomainError("The date cannot be in the future", field="status_since")
    if status_since < details.date_of_birth:
        raise DomainError(
            "The date cannot be before the child's date of birth", field="status_since"
        )
    return create_pupil(
        actor, details, sen_status=sen_status, status_since=status_since, needs=needs
    )


def edit_pupil(
    actor: User, pupil: Pupil, details: PupilDetails, needs: list[NeedCode], version: int | None
) -> Pupil:
    """Save the record form; a stale version (someone saved in between) is refused."""
    versions.check(pupil, version)
    if details.setting_id != pupil.setting_id and not works_at(actor, details.setting_id):
        raise DomainError("Choose one of your settings", field="setting_id")
    if details.setting_id != pupil.setting_id:
        raise DomainError(
            "Use 'Transfer to another setting' to move a child between settings",
            field="setting_id",
        )
    old_needs = [n.code.value for n in pupil.needs]
    update_pupil(actor, pupil, details)
    if set_needs(pupil, needs):
        db.session.flush()
        audit.record(
            actor,
            AuditAction.UPDATE,
            "pupil",
            pupil.id,
            pupil_id=pupil.id,
            changes={"needs": [" ".join(old_needs), " ".join(c.value for c in needs)]},
        )
    return pupil
