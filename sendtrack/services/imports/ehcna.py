"""Import kind `ehcna`: EHC needs assessment request history from a council's spreadsheet.

Columns (docs/data-exchange.md): reference, upn, surname, forename, date_of_birth,
setting_urn, received_date, request_source, decision_date, decision, outcome_date, outcome,
plan_issued_date, exception, mediation, tribunal.

Rows are matched on `reference`; the child on UPN, else surname + forename + date of birth,
and created at the setting when unknown. The dates obey the same rules as the forms
(services/ehcna.check_dates). A final plan date gives the child SEN status E with history
and schedules the first annual review, as issuing a plan in sendtrack does. `exception` = Y
records a 20-week exception with no ground (the file does not say which); N removes such an
imported exception, and is refused while an exception recorded in sendtrack remains.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AssessDecision,
    AssessmentOutcome,
    AuditAction,
    EhcnaRequest,
    RequestSource,
    Setting,
    TimescaleException,
    User,
)
from sendtrack.services import audit
from sendtrack.services.ehcna import requests as ehcna
from sendtrack.services.errors import DomainError
from sendtrack.services.imports.children import ChildColumns, child_for_row, read_child
from sendtrack.services.imports.rows import ImportKind, ImportResult, Row, RowError

IMPORTED_EXCEPTION = "Imported: a 20-week exception applied (ground not given in the file)"
# Service field names -> the file's columns, for messages about a row.
COLUMNS = {
    "received_date": "received_date",
    "decision": "decision",
    "decision_date": "decision_date",
    "outcome": "outcome",
    "outcome_date": "outcome_date",
    "plan_issued_date": "plan_issued_date",
    "draft_plan_date": "plan_issued_date",
}


@dataclass
class EhcnaRow:
    number: int
    reference: str
    upn: str | None
    surname: str
    forename: str
    date_of_birth: date
    setting_id: uuid.UUID
    received_date: date
    request_source: RequestSource
    decision_date: date | None
    decision: AssessDecision | None
    outcome_date: date | None
    outcome: AssessmentOutcome | None
    plan_issued_date: date | None
    exception: bool
    mediation: bool
    tribunal: bool


class EhcnaImport(ImportKind):
    name = "ehcna"
    required_columns = (
        "reference",
        "surname",
        "forename",
        "date_of_birth",
        "setting_urn",
        "received_date",
        "request_source",
    )
    optional_columns = (
        "upn",
        "decision_date",
        "decision",
        "outcome_date",
        "outcome",
        "plan_issued_date",
        "exception",
        "mediation",
        "tribunal",
    )

    def __init__(self) -> None:
        self.settings: dict[str, Setting] | None = None
        self.seen_reference: dict[str, int] = {}

    def parse(self, row: Row) -> EhcnaRow | None:
        if self.settings is None:
            self.settings = {s.urn: s for s in db.session.scalars(select(Setting))}
        errors_before = len(row.errors)
        reference = row.text("reference", required=True, max_length=40)
        upn, surname, forename, dob = read_child(row)
        setting = row.known(
            "setting_urn", self.settings.get, "setting", required=True, max_length=6
        )
        received = row.date("received_date", required=True)
        source = row.choice(
            "request_source",
            lambda v: RequestSource(v.lower()),
            required=True,
            label="parent, setting, health, social_care, other",
        )
        decision_date = row.date("decision_date")
        decision = row.choice(
            "decision", lambda v: AssessDecision(v.lower()), label="assess, not_assess, withdrawn"
        )
        outcome_date = row.date("outcome_date")
        outcome = row.choice(
            "outcome", lambda v: AssessmentOutcome(v.lower()), label="issue, not_issue"
        )
        plan_date = row.date("plan_issued_date")
        exception = row.boolean("exception")
        mediation = row.boolean("mediation")
        tribunal = row.boolean("tribunal")
        if received is not None and dob is not None and received < dob:
            row.error("received_date", "must not be before the date_of_birth")
        if received is not None and len(row.errors) == errors_before:
            try:
                ehcna.check_dates(
                    received=received,
                    decision=decision,
                    decision_date=decision_date,
                    outcome=outcome,
                    outcome_date=outcome_date,
                    draft_plan_date=None,
                    plan_issued_date=plan_date,
                )
            except DomainError as exc:
                row.error(COLUMNS.get(exc.field or "", "received_date"), _lower(exc.message))
        if exception and decision is not AssessDecision.ASSESS:
            row.error("exception", "can be Y only for a request decided 'assess'")
        if reference is not None:
            row.once("reference", reference, self.seen_reference)
        if None in (reference, surname, forename, dob, setting, received, source):
            return None
        assert reference and surname and forename and dob and setting and received and source
        return EhcnaRow(
            row.number,
            reference,
            upn,
            surname,
            forename,
            dob,
            setting.id,
            received,
            source,
            decision_date,
            decision,
            outcome_date,
            outcome,
            plan_date,
            bool(exception),
            bool(mediation),
            bool(tribunal),
        )

    def apply(self, records: list[EhcnaRow], actor: User | None, result: ImportResult) -> None:
        existing = {r.reference: r for r in db.session.scalars(select(EhcnaRequest))}
        for rec in records:
            request = existing.get(rec.reference)
            created = request is None
            if request is None:
                request = EhcnaRequest(
                    reference=rec.reference,
                    pupil_id=self._child(rec, actor),
                    recorded_by_id=actor.id if actor else None,
                )
                db.session.add(request)
            had_plan = request.plan_issued_date is not None
            before = audit.snapshot(request, ehcna.AUDIT_FIELDS) if not created else {}
            self._fill(request, rec)
            db.session.flush()
            exceptions_changed = self._exceptions(request, rec, result)
            if created:
                audit.record(
                    actor,
                    AuditAction.CREATE,
                    "ehcna_request",
                    request.id,
                    pupil_id=request.pupil_id,
                    summary=f"Imported (row {rec.number})",
                )
                result.created += 1
            else:
                changes = audit.diff(before, audit.snapshot(request, ehcna.AUDIT_FIELDS))
                if changes:
                    audit.record(
                        actor,
                        AuditAction.UPDATE,
                        "ehcna_request",
                        request.id,
                        pupil_id=request.pupil_id,
                        summary=f"Imported (row {rec.number})",
                        changes=changes,
                    )
                if changes or exceptions_changed:
                    result.updated += 1
                else:
                    result.unchanged += 1
            if rec.plan_issued_date is not None and not had_plan:
                ehcna.plan_issued(actor, request, rec.plan_issued_date)

    def _child(self, rec: EhcnaRow, actor: User | None) -> uuid.UUID:
        return child_for_row(
            actor,
            ChildColumns(rec.upn, rec.surname, rec.forename, rec.date_of_birth),
            rec.setting_id,
            rec.received_date,
        )

    def _fill(self, request: EhcnaRequest, rec: EhcnaRow) -> None:
        request.setting_id = rec.setting_id
        request.received_date = rec.received_date
        request.request_source = rec.request_source
        request.decision = rec.decision
        request.decision_date = rec.decision_date
        request.outcome = rec.outcome
        request.outcome_date = rec.outcome_date
        request.plan_issued_date = rec.plan_issued_date
        if rec.plan_issued_date is None:
            request.draft_plan_date = None
        request.mediation = rec.mediation
        request.tribunal = rec.tribunal

    def _exceptions(self, request: EhcnaRequest, rec: EhcnaRow, result: ImportResult) -> bool:
        current = list(
            db.session.scalars(
                select(TimescaleException).where(TimescaleException.request_id == request.id)
            )
        )
        if rec.exception:
            if current:
                return False
            db.session.add(TimescaleException(request_id=request.id, reason=IMPORTED_EXCEPTION))
            db.session.flush()
            db.session.expire(request, ["exceptions"])
            return True
        recorded = [e for e in current if e.ground is not None]
        if recorded:
            result.errors.append(
                RowError(
                    rec.number,
                    "exception",
                    f"is N but {rec.reference} has a 20-week exception recorded in sendtrack "
                    f"({recorded[0].ground.label if recorded[0].ground else ''}): write Y, or "
                    "remove the exception in sendtrack first",
                )
            )
            return False
        for e in current:
            db.session.delete(e)
        db.session.flush()
        db.session.expire(request, ["exceptions"])
        return bool(current)


def _lower(message: str) -> str:
    """'The decision date must ...' -> 'the decision date must ...' after 'column C:'."""
    return message[:1].lower() + message[1:]
