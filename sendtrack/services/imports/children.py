"""The child columns that the pupils, referrals, rtf and ehcna files share, read the same way."""

from __future__ import annotations

import uuid
from datetime import date
from typing import NamedTuple

from sendtrack.models import SenStatus, Sex, User
from sendtrack.services.errors import DomainError
from sendtrack.services.imports.rows import Row
from sendtrack.services.pupils import records as pupils


class ChildColumns(NamedTuple):
    upn: str | None
    surname: str | None
    forename: str | None
    date_of_birth: date | None


def read_child(row: Row) -> ChildColumns:
    """`upn` (optional, valid when given), `surname`, `forename`, `date_of_birth` (a child or
    young person aged 0 to 25); problems go on the row, and a bad value reads as None."""
    upn = None
    raw_upn = row.text("upn", max_length=20)
    if raw_upn:
        try:
            upn = pupils.normalise_upn(raw_upn)
        except DomainError:
            row.error("upn", f"'{raw_upn}' is not a valid UPN (check letter or format)")
    surname = row.text("surname", required=True, max_length=100)
    forename = row.text("forename", required=True, max_length=100)
    dob = row.date("date_of_birth", required=True)
    if dob is not None:
        try:
            pupils.check_date_of_birth(dob)
        except DomainError as exc:
            row.error("date_of_birth", exc.message)
            dob = None
    return ChildColumns(upn, surname, forename, dob)


def child_for_row(
    actor: User | None,
    child: ChildColumns,
    setting_id: uuid.UUID,
    status_since: date,
    sen_status: SenStatus = SenStatus.SEN_SUPPORT,
) -> uuid.UUID:
    """The existing record of this child, or a new one at SEN support (or `sen_status`:
    a child named in an advice contact is not known to be on SEN support).

    Matched on UPN; failing that on name and date of birth, but only to a record that has no
    UPN of its own (one with a different UPN is another child)."""
    assert child.surname and child.forename and child.date_of_birth  # parse() made sure
    match = pupils.find_match(child.upn, child.surname, child.forename, child.date_of_birth)
    if match is None and child.upn:
        match = pupils.find_match(None, child.surname, child.forename, child.date_of_birth)
        if match is not None and match.upn:
            match = None
    if match is not None:
        return match.id
    created = pupils.create_pupil(
        actor,
        pupils.PupilDetails(
            legal_surname=child.surname,
            legal_forename=child.forename,
            date_of_birth=child.date_of_birth,
            sex=Sex.UNKNOWN,
            setting_id=setting_id,
            upn=child.upn,
        ),
        sen_status=sen_status,
        status_since=status_since,
    )
    return created.id
