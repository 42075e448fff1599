"""The child columns that the referrals, rtf and ehcna files share, read the same way."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sendtrack.services import pupils
from sendtrack.services.errors import DomainError
from sendtrack.services.imports import Row


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
