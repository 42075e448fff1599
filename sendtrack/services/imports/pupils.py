"""Import kind `pupils`.

New children are written with one executemany a table (pupils, needs, status history, audit
events; see `bulk`) rather than one ORM object at a time: a county's 40,000-row file then
loads within a small factor of a raw insert. Changed children go through the ORM."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlalchemy import Table, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    NeedCode,
    Pupil,
    PupilNeed,
    SenStatus,
    SenStatusChange,
    Setting,
    Sex,
    User,
)
from sendtrack.services import audit
from sendtrack.services.imports import bulk
from sendtrack.services.imports.children import read_child
from sendtrack.services.imports.rows import ImportKind, ImportResult, Row
from sendtrack.services.pupils import records as pupils
from sendtrack.services.rtf import links as rtf_links

NEEDS = ", ".join(n.value for n in NeedCode)


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


@dataclass
class PupilRow:
    number: int
    upn: str | None
    surname: str
    forename: str
    date_of_birth: date
    sex: Sex
    setting_id: uuid.UUID
    sen_status: SenStatus
    sen_status_start: date | None
    needs: list[NeedCode] = field(default_factory=list)
    looked_after: bool = False
    left_date: date | None = None


class PupilsImport(ImportKind):
    name = "pupils"
    required_columns = ("surname", "forename", "date_of_birth", "sex", "setting_urn", "sen_status")
    optional_columns = (
        "upn",
        "sen_status_start",
        "primary_need",
        "secondary_need",
        "looked_after",
        "left_date",
    )

    def __init__(self) -> None:
        self.settings: dict[str, uuid.UUID] | None = None
        self.seen_upn: dict[str, int] = {}
        self.seen_name: dict[tuple[str, str, date], int] = {}

    def parse(self, row: Row) -> PupilRow | None:
        if self.settings is None:
            self.settings = {
                urn: sid for urn, sid in db.session.execute(select(Setting.urn, Setting.id))
            }
        upn, surname, forename, dob = read_child(row)
        sex = row.choice("sex", lambda v: Sex(v.upper()), required=True, label="F, M, U")
        setting_id = row.known(
            "setting_urn", self.settings.get, "setting", required=True, max_length=6
        )
        status = row.choice(
            "sen_status", lambda v: SenStatus(v.upper()), required=True, label="N, K, E"
        )
        start = row.date("sen_status_start")
        needs = []
        for column in ("primary_need", "secondary_need"):
            code = row.choice(column, lambda v: NeedCode(v.upper()), label=NEEDS)
            if code is not None:
                needs.append(code)
        if len(needs) == 2 and needs[0] == needs[1]:
            row.error("secondary_need", "must differ from primary_need")
        if (
            len(needs) == 1
            and row.values.get("secondary_need", "").strip()
            and not row.values.get("primary_need", "").strip()
        ):
            row.error("primary_need", "is required when secondary_need is given")
        looked_after = row.boolean("looked_after")
        left = row.date("left_date")
        if upn:
            row.once("upn", upn, self.seen_upn)
        if None in (surname, forename, dob, sex, setting_id, status):
            return None
        assert surname and forename and dob and sex and setting_id and status
        if not upn:
            row.once(
                "surname",
                (surname.lower(), forename.lower(), dob),
                self.seen_name,
                "the same child (name and date of birth) is also on row {row}",
            )
        return PupilRow(
            row.number,
            upn,
            surname,
            forename,
            dob,
            sex,
            setting_id,
            status,
            start,
            needs,
            bool(looked_after),
            left,
        )

    def apply(self, records: list[PupilRow], actor: User | None, result: ImportResult) -> None:
        by_upn: dict[str, Pupil] = {}
        by_name: dict[tuple[str, str, date], Pupil] = {}
        for p in db.session.scalars(select(Pupil)):
            if p.upn:
                by_upn[p.upn] = p
            by_name[(p.legal_surname.lower(), p.legal_forename.lower(), p.date_of_birth)] = p
        new_pupils: list[dict[str, object]] = []
        new_needs: list[dict[str, object]] = []
        new_status: list[dict[str, object]] = []
        new_audit: list[dict[str, object]] = []
        today = date.today()
        actor_id = actor.id if actor else None
        actor_email = actor.email if actor else None
        for rec in records:
            match = (
                by_upn.get(rec.upn)
                if rec.upn
                else by_name.get((rec.surname.lower(), rec.forename.lower(), rec.date_of_birth))
            )
            if match is None:
                pid = uuid.uuid4()
                since = rec.sen_status_start or today
                new_pupils.append(
                    {
                        "id": pid,
                        "upn": rec.upn,
                        "legal_surname": rec.surname,
                        "legal_forename": rec.forename,
                        "date_of_birth": rec.date_of_birth,
                        "sex": rec.sex,
                        "setting_id": rec.setting_id,
                        "looked_after": rec.looked_after,
                        "sen_status": rec.sen_status,
                        "sen_status_since": since,
                        "left_date": rec.left_date,
                        "version": 1,
                    }
                )
                new_status.append(
                    {
                        "id": uuid.uuid4(),
                        "pupil_id": pid,
                        "status": rec.sen_status,
                        "start_date": since,
                        "reason": "Imported",
                        "recorded_by_id": actor_id,
                    }
                )
                for rank, code in enumerate(rec.needs, start=1):
                    new_needs.append(
                        {"id": uuid.uuid4(), "pupil_id": pid, "rank": rank, "code": code}
                    )
                new_audit.append(
                    {
                        "user_id": actor_id,
                        "user_email": actor_email,
                        "action": AuditAction.CREATE,
                        "object_type": "pupil",
                        "object_id": str(pid),
                        "pupil_id": pid,
                        "summary": f"Imported (row {rec.number})",
                    }
                )
                result.created += 1
                continue
            if self._update(match, rec, actor, result):
                result.updated += 1
            else:
                result.unchanged += 1
        if new_pupils:
            # Core inserts on the session's connection: same transaction, no ORM bookkeeping.
            connection = db.session.connection()
            bulk.insert_rows(connection, _table(Pupil), new_pupils)
            bulk.insert_rows(connection, _table(SenStatusChange), new_status)
            bulk.insert_rows(connection, _table(PupilNeed), new_needs)
            bulk.insert_rows(connection, _table(AuditEvent), new_audit)
        db.session.flush()
        # A child the import moved onto a receiving school's roll takes their RTF award along.
        rtf_links.sync_links(actor)

    def _update(
        self, pupil: Pupil, rec: PupilRow, actor: User | None, result: ImportResult
    ) -> bool:
        before = audit.snapshot(pupil, pupils.PUPIL_AUDIT_FIELDS)
        pupil.upn = rec.upn or pupil.upn
        pupil.legal_surname = rec.surname
        pupil.legal_forename = rec.forename
        pupil.date_of_birth = rec.date_of_birth
        pupil.sex = rec.sex
        pupil.setting_id = rec.setting_id
        pupil.looked_after = rec.looked_after
        pupil.left_date = rec.left_date
        changed = bool(audit.diff(before, audit.snapshot(pupil, pupils.PUPIL_AUDIT_FIELDS)))
        if changed:
            audit.record(
                actor,
                AuditAction.UPDATE,
                "pupil",
                pupil.id,
                pupil_id=pupil.id,
                summary=f"Imported (row {rec.number})",
                changes=audit.diff(before, audit.snapshot(pupil, pupils.PUPIL_AUDIT_FIELDS)),
            )
        if rec.sen_status != pupil.sen_status:
            start = rec.sen_status_start or date.today()
            if pupil.sen_status_since and start < pupil.sen_status_since:
                start = pupil.sen_status_since
            pupils.change_status(actor, pupil, rec.sen_status, start, reason="Imported")
            changed = True
        if pupils.set_needs(pupil, rec.needs):
            changed = True
        return changed
