"""Import kind `rtf`: Reception Transition Funding history from a council's spreadsheet.

Columns (docs/data-exchange.md): reference, upn, surname, forename, date_of_birth,
early_years_setting_urn, receiving_setting_urn, reception_year, application_date,
would_request_ehcna, decision_date, decision (approved, declined), amount_awarded.

Rows are matched on `reference`; the child on UPN, else name and date of birth, and created
at the early-years setting (or the school) when unknown. History is imported as it was
decided: the RTF budget is not checked against past awards."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    Phase,
    RtfApplication,
    RtfDecision,
    RtfStatus,
    Setting,
    User,
    WouldRequestEhcna,
)
from sendtrack.school_year import reception_cohort
from sendtrack.services import audit
from sendtrack.services.errors import DomainError
from sendtrack.services.imports.children import ChildColumns, child_for_row, read_child
from sendtrack.services.imports.rows import ImportKind, ImportResult, Row, RowError
from sendtrack.services.rtf import applications as rtf
from sendtrack.services.rtf import links as rtf_links

IMPORTED_OUTSIDE_COHORT = "Imported: born outside the Reception cohort (deferred or early entry)"


@dataclass
class RtfRow:
    number: int
    reference: str
    upn: str | None
    surname: str
    forename: str
    date_of_birth: date
    early_years_setting_id: uuid.UUID | None
    receiving_setting_id: uuid.UUID
    reception_year: int
    application_date: date | None
    would_request_ehcna: WouldRequestEhcna | None
    decision_date: date | None
    decision: RtfDecision | None
    amount_awarded: Decimal | None
    cohort_override_reason: str | None


class RtfImport(ImportKind):
    name = "rtf"
    required_columns = (
        "reference",
        "surname",
        "forename",
        "date_of_birth",
        "receiving_setting_urn",
        "reception_year",
    )
    optional_columns = (
        "upn",
        "early_years_setting_urn",
        "application_date",
        "would_request_ehcna",
        "decision_date",
        "decision",
        "amount_awarded",
    )

    def __init__(self) -> None:
        self.settings: dict[str, Setting] | None = None
        self.seen_reference: dict[str, int] = {}
        self.seen_child: dict[tuple[str, int], int] = {}

    def _setting(self, row: Row, column: str, *, required: bool = False) -> Setting | None:
        assert self.settings is not None
        return row.known(column, self.settings.get, "setting", required=required, max_length=6)

    def parse(self, row: Row) -> RtfRow | None:
        if self.settings is None:
            self.settings = {s.urn: s for s in db.session.scalars(select(Setting))}
        reference = row.text("reference", required=True, max_length=40)
        upn, surname, forename, dob = read_child(row)
        early_years = self._setting(row, "early_years_setting_urn")
        if early_years is not None and early_years.phase is not Phase.EARLY_YEARS:
            row.error(
                "early_years_setting_urn", f"'{early_years.urn}' is not an early-years setting"
            )
            early_years = None
        receiving = self._setting(row, "receiving_setting_urn", required=True)
        if receiving is not None:
            try:
                rtf.check_receiving_school(receiving.id)
            except DomainError as exc:
                row.error("receiving_setting_urn", exc.message)
                receiving = None
        year = row.integer("reception_year", required=True, low=2000, high=2100)
        override = None
        if year is not None and dob is not None:
            start, end = reception_cohort(year)
            if not start <= dob <= end:
                override = IMPORTED_OUTSIDE_COHORT
                try:
                    rtf.check_cohort(year, dob, override)
                except DomainError:
                    row.error(
                        "date_of_birth",
                        f"is more than a year outside the cohort for Reception in September "
                        f"{year} (born {start.isoformat()} to {end.isoformat()})",
                    )
        applied = row.date("application_date")
        would = row.choice(
            "would_request_ehcna",
            lambda v: WouldRequestEhcna(v.lower()),
            label="yes, no, unsure",
        )
        decided = row.date("decision_date")
        decision = row.choice(
            "decision", lambda v: RtfDecision(v.lower()), label="approved, part_approved, declined"
        )
        amount = row.money("amount_awarded")
        if decision is not None and decided is None:
            row.error("decision_date", "is required when there is a decision")
        if decided is not None and decision is None:
            row.error("decision", "is required when there is a decision date")
        if decided and applied and decided < applied:
            row.error("decision_date", "must not be before the application_date")
        if decision is not None and decision.is_award and not amount:
            row.error("amount_awarded", f"is required when the decision is {decision.value}")
        if decision is RtfDecision.DECLINED and amount:
            row.error("amount_awarded", "must be blank when the decision is declined")
        if reference is not None:
            row.once("reference", reference, self.seen_reference)
        if surname and forename and dob and year:
            key = (upn or f"{surname.lower()}|{forename.lower()}|{dob.isoformat()}", year)
            row.once(
                "surname",
                key,
                self.seen_child,
                "the same child and reception_year are also on row {row}",
            )
        if None in (reference, surname, forename, dob, receiving, year):
            return None
        assert reference and surname and forename and dob and receiving and year
        return RtfRow(
            row.number,
            reference,
            upn,
            surname,
            forename,
            dob,
            early_years.id if early_years else None,
            receiving.id,
            year,
            applied,
            would,
            decided,
            decision,
            amount,
            override,
        )

    def apply(self, records: list[RtfRow], actor: User | None, result: ImportResult) -> None:
        existing = {a.reference: a for a in db.session.scalars(select(RtfApplication))}
        for rec in records:
            application = existing.get(rec.reference)
            if application is None:
                self._create(rec, actor, result)
            elif self._update(application, rec, actor):
                result.updated += 1
            else:
                result.unchanged += 1
        db.session.flush()
        rtf_links.sync_links(actor)

    def _child(self, rec: RtfRow, actor: User | None) -> uuid.UUID:
        return child_for_row(
            actor,
            ChildColumns(rec.upn, rec.surname, rec.forename, rec.date_of_birth),
            rec.early_years_setting_id or rec.receiving_setting_id,
            rec.application_date or rec.decision_date or date.today(),
        )

    def _create(self, rec: RtfRow, actor: User | None, result: ImportResult) -> None:
        pupil_id = self._child(rec, actor)
        clash = db.session.scalar(
            select(RtfApplication.reference).where(
                RtfApplication.pupil_id == pupil_id,
                RtfApplication.reception_year == rec.reception_year,
            )
        )
        if clash is not None:
            result.errors.append(
                _error(rec, f"this child already has application {clash} for that September")
            )
            return
        application = RtfApplication(
            reference=rec.reference,
            pupil_id=pupil_id,
            early_years_setting_id=rec.early_years_setting_id,
            receiving_setting_id=rec.receiving_setting_id,
            applied_by_setting_id=rec.early_years_setting_id or rec.receiving_setting_id,
            reception_year=rec.reception_year,
            created_by_id=actor.id if actor else None,
        )
        self._fill(application, rec)
        db.session.add(application)
        db.session.flush()
        audit.record(
            actor,
            AuditAction.CREATE,
            "rtf_application",
            application.id,
            pupil_id=pupil_id,
            summary=f"Imported (row {rec.number})",
        )
        result.created += 1

    def _fill(self, application: RtfApplication, rec: RtfRow) -> None:
        application.early_years_setting_id = rec.early_years_setting_id
        application.receiving_setting_id = rec.receiving_setting_id
        application.reception_year = rec.reception_year
        application.application_date = rec.application_date
        application.would_request_ehcna = rec.would_request_ehcna
        application.cohort_override_reason = rec.cohort_override_reason
        application.decision = rec.decision
        application.decision_date = rec.decision_date
        application.amount_awarded = rec.amount_awarded if rec.decision else None
        application.status = RtfStatus.DECIDED if rec.decision else RtfStatus.SUBMITTED
        application.follow_up_due = (
            rtf.review_point(rec.reception_year)
            if rec.decision is not None and rec.decision.is_award
            else None
        )

    def _update(self, application: RtfApplication, rec: RtfRow, actor: User | None) -> bool:
        before = audit.snapshot(application, rtf.AUDIT_FIELDS)
        self._fill(application, rec)
        changes = audit.diff(before, audit.snapshot(application, rtf.AUDIT_FIELDS))
        if not changes:
            return False
        db.session.flush()
        audit.record(
            actor,
            AuditAction.UPDATE,
            "rtf_application",
            application.id,
            pupil_id=application.pupil_id,
            summary=f"Imported (row {rec.number})",
            changes=changes,
        )
        return True


def _error(rec: RtfRow, message: str) -> RowError:
    return RowError(rec.number, "reference", message)
