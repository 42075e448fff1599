"""Import kind `contacts`: advice and support contact history from a council's log.

Columns (docs/data-exchange.md): reference, date, setting_urn, channel (phone, email, visit,
meeting, drop_in, supervision, training), need (census code, optional), upn, surname,
forename, date_of_birth (all four optional: a contact need not be about a named child),
summary, minutes (optional).

Rows are matched on `reference`, so importing the same file twice changes nothing. A named
child is matched on UPN, else name and date of birth, and created at the setting with no
SEN status when unknown; a UPN alone must name a child already known."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    Contact,
    ContactChannel,
    NeedCode,
    Pupil,
    SenStatus,
    Setting,
    User,
)
from sendtrack.services import audit
from sendtrack.services.contacts.records import AUDIT_FIELDS
from sendtrack.services.errors import DomainError
from sendtrack.services.imports.children import ChildColumns, child_for_row, read_child
from sendtrack.services.imports.rows import ImportKind, ImportResult, Row
from sendtrack.services.pupils import records as pupils

CHANNELS = ", ".join(c.value for c in ContactChannel)


@dataclass
class ContactRow:
    number: int
    reference: str
    contact_date: date
    setting_id: uuid.UUID
    channel: ContactChannel
    need: NeedCode | None
    child: ChildColumns | None
    known_child: uuid.UUID | None
    summary: str
    minutes: int | None


class ContactsImport(ImportKind):
    name = "contacts"
    required_columns = ("reference", "date", "setting_urn", "channel", "summary")
    optional_columns = ("need", "upn", "surname", "forename", "date_of_birth", "minutes")

    def __init__(self) -> None:
        self.settings: dict[str, Setting] | None = None
        self.seen_reference: dict[str, int] = {}

    def parse(self, row: Row) -> ContactRow | None:
        if self.settings is None:
            self.settings = {s.urn: s for s in db.session.scalars(select(Setting))}
        settings = self.settings
        reference = row.text("reference", required=True, max_length=40)
        on = row.date("date", required=True)
        if on is not None and on > date.today():
            row.error("date", "must be today or in the past")
            on = None
        setting = row.known("setting_urn", settings.get, "setting", required=True, max_length=6)
        channel = row.choice(
            "channel", lambda v: ContactChannel(v.lower()), required=True, label=CHANNELS
        )
        need = row.choice("need", lambda v: NeedCode(v.upper()), label="the census need codes")
        summary = row.text("summary", required=True, max_length=5000)
        minutes = row.integer("minutes", low=0, high=1440)
        child, known = self._child(row)
        if reference is not None:
            row.once("reference", reference, self.seen_reference)
        if None in (reference, on, setting, channel, summary) or (child is None and known is False):
            return None
        assert reference and on and setting and channel and summary
        return ContactRow(
            row.number,
            reference,
            on,
            setting.id,
            channel,
            need,
            child,
            known if isinstance(known, uuid.UUID) else None,
            summary,
            minutes,
        )

    def _child(self, row: Row) -> tuple[ChildColumns | None, uuid.UUID | bool | None]:
        """The named child's columns (None when the contact names no child); or, for a UPN
        given alone, the known child's id (False when there is none)."""
        named = any(
            (row.values.get(c) or "").strip() for c in ("surname", "forename", "date_of_birth")
        )
        if named:
            child = read_child(row)
            if not (child.surname and child.forename and child.date_of_birth):
                return None, False
            return child, None
        raw = row.text("upn", max_length=20)
        if raw is None:
            return None, None
        try:
            upn = pupils.normalise_upn(raw)
        except DomainError:
            row.error("upn", f"'{raw}' is not a valid UPN (check letter or format)")
            return None, False
        found = db.session.scalar(select(Pupil.id).where(Pupil.upn == upn))
        if found is None:
            row.error("upn", "no child has this UPN: give surname, forename and date_of_birth")
            return None, False
        return None, found

    def apply(self, records: list[ContactRow], actor: User | None, result: ImportResult) -> None:
        wanted = [r.reference for r in records]
        existing = {
            c.reference: c
            for c in db.session.scalars(select(Contact).where(Contact.reference.in_(wanted)))
        }
        for rec in records:
            pupil_id = rec.known_child
            if rec.child is not None:
                pupil_id = child_for_row(
                    actor, rec.child, rec.setting_id, rec.contact_date, SenStatus.NONE
                )
            contact = existing.get(rec.reference)
            if contact is None:
                contact = Contact(reference=rec.reference, recorded_by_id=None)
                _fill(contact, rec, pupil_id)
                db.session.add(contact)
                db.session.flush()
                audit.record_creation(
                    actor,
                    "contact",
                    contact,
                    AUDIT_FIELDS,
                    pupil_id=pupil_id,
                    summary=f"Imported (row {rec.number})",
                )
                result.created += 1
                continue
            before = audit.snapshot(contact, AUDIT_FIELDS)
            _fill(contact, rec, pupil_id)
            changes = audit.diff(before, audit.snapshot(contact, AUDIT_FIELDS))
            if not changes:
                result.unchanged += 1
                continue
            db.session.flush()
            audit.record(
                actor,
                AuditAction.UPDATE,
                "contact",
                contact.id,
                pupil_id=pupil_id or contact.pupil_id,
                summary=f"Imported (row {rec.number})",
                changes=changes,
            )
            result.updated += 1
        db.session.flush()


def _fill(contact: Contact, rec: ContactRow, pupil_id: uuid.UUID | None) -> None:
    contact.contact_date = rec.contact_date
    contact.setting_id = rec.setting_id
    contact.channel = rec.channel
    contact.need = rec.need
    contact.pupil_id = pupil_id
    contact.question = rec.summary
    contact.minutes = rec.minutes
