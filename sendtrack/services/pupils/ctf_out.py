"""A child's SEN history and needs as a Common Transfer File fragment (issue 27).

When a child moves to a school outside the council's area, or on request, the receiving
school's management information system imports this: the DfE CTF's header (source school
by LA, establishment number and URN; destination unknown, MMM/MMMM) and one Pupil with
its identity, `SENhistory` (every dated `SEN` entry sendtrack holds, with the provision N, K
or E) and the ranked `SENneeds`: the same elements the `ctf` import reads
(services/imports/ctf.py), so the file also re-imports into sendtrack. A `partial` file:
nothing else of the child's record is in it. Every export is audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, LocalAuthority, Pupil, User
from sendtrack.services import audit
from sendtrack.services.scoping import get_pupil

CTF_VERSION = "25.0"
# The CTF specification's destination when the receiving school is not known.
UNKNOWN_LA = "MMM"
UNKNOWN_ESTAB = "MMMM"


def _add(parent: Element, name: str, text: str | None) -> Element:
    element = SubElement(parent, name)
    element.text = text or ""
    return element


def fragment(pupil: Pupil, la_code: str | None, now: datetime) -> bytes:
    root = Element("CTfile")
    header = SubElement(root, "Header")
    _add(header, "DocumentName", "Common Transfer File")
    _add(header, "CTFversion", CTF_VERSION)
    _add(header, "DateTime", now.strftime("%Y-%m-%dT%H:%M:%S"))
    _add(header, "DocumentQualifier", "partial")
    _add(header, "SupplierID", "sendtrack")
    source = SubElement(header, "SourceSchool")
    _add(source, "LEA", la_code)
    _add(source, "Estab", pupil.setting.estab_number)
    _add(source, "URN", pupil.setting.urn)
    _add(source, "SchoolName", pupil.setting.name)
    _add(source, "AcademicYear", str(now.year if now.month >= 9 else now.year - 1))
    dest = SubElement(header, "DestSchool")
    _add(dest, "LEA", UNKNOWN_LA)
    _add(dest, "Estab", UNKNOWN_ESTAB)
    pupils = SubElement(root, "CTFpupilData")
    element = SubElement(pupils, "Pupil")
    _add(element, "UPN", pupil.upn)
    _add(element, "Surname", pupil.legal_surname)
    _add(element, "Forename", pupil.legal_forename)
    _add(element, "DOB", pupil.date_of_birth.isoformat())
    _add(element, "Sex", pupil.sex.value)
    history = SubElement(element, "SENhistory")
    for change in sorted(pupil.status_history, key=lambda c: (c.start_date, c.recorded_at)):
        sen = SubElement(history, "SEN")
        _add(sen, "StartDate", change.start_date.isoformat())
        _add(sen, "SENprovision", change.status.value)
    if pupil.needs:
        needs = SubElement(history, "SENneeds")
        for need in pupil.needs:
            item = SubElement(needs, "SENneed")
            _add(item, "SENtype", need.code.value)
            _add(item, "SENtypeRank", str(need.rank))
    indent(root)
    return tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def export(user: User, pupil_id: uuid.UUID) -> tuple[str, bytes]:
    """The file name and bytes of the child's CTF fragment (a child out of the user's scope
    is NotFound); audited as an export."""
    pupil = get_pupil(user, pupil_id)
    la_code = db.session.scalar(select(LocalAuthority.la_code).limit(1))
    now = datetime.now(UTC)
    data = fragment(pupil, la_code, now)
    audit.record(
        user,
        AuditAction.EXPORT,
        "pupil",
        pupil.id,
        pupil_id=pupil.id,
        summary=f"SEN history and needs of {pupil.full_name} as a Common Transfer File",
    )
    # The CTF naming convention: source LAESTAB, CTF, destination, a serial.
    source = f"{la_code or 'LLL'}{pupil.setting.estab_number or 'EEEE'}"
    return f"{source}_CTF_{UNKNOWN_LA}{UNKNOWN_ESTAB}_001.xml", data
