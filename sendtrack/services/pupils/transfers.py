"""Moving a child's record to another setting in the area.

Two ways in (see docs/register.md):
- an LA officer (or a SENCO moving a child between two of their own settings) moves a
  record they can already see, choosing the new setting;
- the receiving SENCO "transfers in" a child who has joined them. They must already know
  the child: either the UPN, or the legal first name, last name and date of birth, all
  exactly. The match is repeated on every step and its id never reaches the browser; the
  confirmation page shows only what they typed plus the name of the current setting, and
  every search, found or not, is audited.
The PupilTransfer row keeps the history; the child's open APDR cycle moves with them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    AuditAction,
    CycleStatus,
    Pupil,
    PupilTransfer,
    Setting,
    User,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.pupils.records import editable, normalise_upn
from sendtrack.services.rtf import links as rtf_links
from sendtrack.services.scoping import get_pupil, own_setting_scope, unrestricted_pupil, works_at


@dataclass
class TransferSearch:
    upn: str | None = None
    legal_forename: str | None = None
    legal_surname: str | None = None
    date_of_birth: date | None = None

    def describe(self) -> str:
        if self.upn:
            return f"UPN {self.upn}"
        return f"{self.legal_forename} {self.legal_surname}, born {self.date_of_birth}"


def destination_choices(user: User, pupil: Pupil | None = None) -> list[Setting]:
    query = (
        select(Setting)
        .where(Setting.is_active.is_(True), own_setting_scope(user))
        .order_by(Setting.name)
    )
    settings = list(db.session.scalars(query))
    return [s for s in settings if pupil is None or s.id != pupil.setting_id]


def find_incoming(user: User, search: TransferSearch, to_setting_id: uuid.UUID) -> Pupil | None:
    """The one child at another setting matching exactly what the receiving SENCO knows."""
    if not works_at(user, to_setting_id):
        raise DomainError("Choose one of your settings", field="to_setting_id")
    query = select(Pupil).where(Pupil.setting_id != to_setting_id, unrestricted_pupil())
    if search.upn:
        query = query.where(Pupil.upn == normalise_upn(search.upn))
    else:
        if not (search.legal_forename and search.legal_surname and search.date_of_birth):
            raise DomainError(
                "Enter the UPN, or the first name, last name and date of birth", field="upn"
            )
        query = query.where(
            func.lower(Pupil.legal_forename) == search.legal_forename.strip().lower(),
            func.lower(Pupil.legal_surname) == search.legal_surname.strip().lower(),
            Pupil.date_of_birth == search.date_of_birth,
        )
    matches = list(db.session.scalars(query.limit(2)))
    found = matches[0] if len(matches) == 1 else None
    audit.record(
        user,
        AuditAction.VIEW,
        "pupil_transfer_search",
        found.id if found else None,
        pupil_id=found.id if found else None,
        summary=f"Transfer-in search for {search.describe()}: "
        + ("one match" if found else f"{len(matches)} matches, nothing shown"),
    )
    return found


def transfer(
    user: User, pupil: Pupil, to_setting_id: uuid.UUID, moved_on: date, note: str | None
) -> PupilTransfer:
    to_setting = db.session.get(Setting, to_setting_id)
    if to_setting is None or not to_setting.is_active:
        raise DomainError("Choose the setting the child has moved to", field="to_setting_id")
    if to_setting.id == pupil.setting_id:
        raise DomainError("The child is already at this setting", field="to_setting_id")
    if moved_on > date.today():
        raise DomainError("The date of the move cannot be in the future", field="moved_on")
    if moved_on < pupil.date_of_birth:
        raise DomainError("The date of the move cannot be before the child was born", "moved_on")
    from_setting = pupil.setting
    row = PupilTransfer(
        pupil_id=pupil.id,
        from_setting_id=pupil.setting_id,
        to_setting_id=to_setting.id,
        moved_on=moved_on,
        recorded_by_id=user.id,
        note=note or None,
    )
    db.session.add(row)
    pupil.setting_id = to_setting.id
    open_cycle = db.session.scalar(
        select(ApdrCycle).where(
            ApdrCycle.pupil_id == pupil.id, ApdrCycle.status == CycleStatus.OPEN
        )
    )
    if open_cycle is not None:
        # The plan follows the child; the new SENCO reviews it.
        open_cycle.setting_id = to_setting.id
    db.session.flush()
    db.session.refresh(pupil, ["setting"])
    audit.record(
        user,
        AuditAction.UPDATE,
        "pupil",
        pupil.id,
        pupil_id=pupil.id,
        summary=f"Moved from {from_setting.name} to {to_setting.name} on {moved_on.isoformat()}",
        changes={"setting_id": [str(from_setting.id), str(to_setting.id)]},
    )
    # An RTF award to the new school follows the child here (it asks for the follow-up).
    rtf_links.sync_links_for_pupils(None, [pupil.id])
    return row


def transfer_out(
    user: User,
    pupil_id: uuid.UUID,
    to_setting_id: uuid.UUID,
    moved_on: date,
    note: str | None,
    *,
    version: int | None = None,
) -> PupilTransfer:
    """Moving a record the user can already change (LA officer, or own settings)."""
    pupil = editable(user, get_pupil(user, pupil_id))
    versions.check(pupil, version)
    if not works_at(user, to_setting_id):
        raise DomainError("Choose the setting the child has moved to", field="to_setting_id")
    return transfer(user, pupil, to_setting_id, moved_on, note)


def transfer_in(
    user: User, search: TransferSearch, to_setting_id: uuid.UUID, moved_on: date
) -> PupilTransfer:
    pupil = find_incoming(user, search, to_setting_id)
    if pupil is None:
        raise NotFound("child")
    return transfer(user, pupil, to_setting_id, moved_on, "Transferred in by the new setting")
