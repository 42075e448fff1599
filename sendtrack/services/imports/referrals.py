"""Import kind `referrals`: a council's history of cluster panel referrals.

Columns (docs/data-exchange.md): reference, upn, surname, forename, date_of_birth,
setting_urn, cluster, submitted_date, request_type, amount_requested, would_request_ehcna,
panel_date, decision_date, outcome, amount_awarded.

Each row is one referral, matched on `reference`. The child is matched on UPN, else on name
and date of birth, and created at the setting when unknown. A `panel_date` puts the referral
on that cluster's meeting of that day (created once per cluster and date); an `outcome` is a
confirmed decision of that meeting, with `amount_awarded` as its award. History is imported
as it was decided: cluster budgets are not checked against past awards.

New rows are written with Core executemany statements (a county's history is tens of
thousands of rows); rows matching an existing referral are compared and updated through the
ORM only when something changed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, insert, select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AuditAction,
    AuditEvent,
    Cluster,
    DecisionOutcome,
    PanelDecision,
    PanelMeeting,
    Pupil,
    Referral,
    ReferralStatus,
    RequestType,
    SenStatus,
    SenStatusChange,
    Setting,
    Sex,
    User,
    WouldRequestEhcna,
)
from sendtrack.services import audit
from sendtrack.services.imports.children import read_child
from sendtrack.services.imports.rows import ImportKind, ImportResult, Row
from sendtrack.services.statistics import facts

OUTCOMES = ", ".join(o.value for o in DecisionOutcome)
AWARDS = {DecisionOutcome.RESOURCES, DecisionOutcome.ADVICE_AND_RESOURCES}
REFERRAL_FIELDS = [
    "pupil_id",
    "setting_id",
    "cluster_id",
    "status",
    "request_type",
    "amount_requested",
    "would_request_ehcna",
    "submitted_date",
]
DECISION_FIELDS = ["meeting_id", "decision_date", "outcome", "amount_awarded"]


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


@dataclass
class ReferralRow:
    number: int
    reference: str
    upn: str | None
    surname: str
    forename: str
    date_of_birth: date
    setting_id: uuid.UUID
    cluster_id: uuid.UUID
    submitted_date: date | None
    request_type: RequestType
    amount_requested: Decimal | None
    would_request_ehcna: WouldRequestEhcna | None
    panel_date: date | None
    decision_date: date | None
    outcome: DecisionOutcome | None
    amount_awarded: Decimal | None

    @property
    def status(self) -> ReferralStatus:
        if self.outcome is DecisionOutcome.WITHDRAWN:
            return ReferralStatus.WITHDRAWN
        if self.outcome is DecisionOutcome.DEFERRED:
            return ReferralStatus.SUBMITTED
        if self.outcome is not None:
            return ReferralStatus.DECIDED
        if self.panel_date is not None:
            return ReferralStatus.SCHEDULED
        return ReferralStatus.SUBMITTED

    @property
    def child_key(self) -> str:
        return self.upn or f"{self.surname.lower()}|{self.forename.lower()}|{self.date_of_birth}"


class ReferralsImport(ImportKind):
    name = "referrals"
    required_columns = (
        "reference",
        "surname",
        "forename",
        "date_of_birth",
        "setting_urn",
        "cluster",
        "request_type",
    )
    optional_columns = (
        "upn",
        "submitted_date",
        "amount_requested",
        "would_request_ehcna",
        "panel_date",
        "decision_date",
        "outcome",
        "amount_awarded",
    )

    def __init__(self) -> None:
        self.settings: dict[str, uuid.UUID] | None = None
        self.clusters: dict[str, uuid.UUID] = {}
        self.seen: dict[str, int] = {}

    def parse(self, row: Row) -> ReferralRow | None:
        if self.settings is None:
            self.settings = dict(db.session.execute(select(Setting.urn, Setting.id)).all())
            self.clusters = {
                name.lower(): cid
                for name, cid in db.session.execute(select(Cluster.name, Cluster.id))
            }
        reference = row.text("reference", required=True, max_length=40)
        upn, surname, forename, dob = read_child(row)
        setting_id = row.known(
            "setting_urn", self.settings.get, "setting", required=True, max_length=6
        )
        cluster_id = row.known(
            "cluster",
            lambda name: self.clusters.get(name.lower()),
            "cluster",
            required=True,
            max_length=120,
        )
        submitted = row.date("submitted_date")
        request_type = row.choice(
            "request_type",
            lambda v: RequestType(v.lower()),
            required=True,
            label="advice, resources, both",
        )
        requested = row.money("amount_requested")
        would = row.choice(
            "would_request_ehcna", lambda v: WouldRequestEhcna(v.lower()), label="yes, no, unsure"
        )
        panel = row.date("panel_date")
        decided = row.date("decision_date")
        outcome = row.choice("outcome", lambda v: DecisionOutcome(v.lower()), label=OUTCOMES)
        awarded = row.money("amount_awarded")
        self._check_rules(row, submitted, panel, decided, outcome, awarded)
        if reference is not None:
            row.once("reference", reference, self.seen)
        if None in (reference, surname, forename, dob, setting_id, cluster_id, request_type):
            return None
        assert reference and surname and forename and dob and setting_id and cluster_id
        return ReferralRow(
            row.number, reference, upn, surname, forename, dob, setting_id, cluster_id,
            submitted, request_type, requested, would, panel, decided, outcome, awarded,
        )  # fmt: skip

    @staticmethod
    def _check_rules(
        row: Row,
        submitted: date | None,
        panel: date | None,
        decided: date | None,
        outcome: DecisionOutcome | None,
        awarded: Decimal | None,
    ) -> None:
        if outcome is not None and decided is None:
            row.error("decision_date", "is required when there is an outcome")
        if decided is not None and outcome is None:
            row.error("outcome", "is required when there is a decision_date")
        if submitted and panel and panel < submitted:
            row.error("panel_date", "must not be before the submitted_date")
        if submitted and decided and decided < submitted:
            row.error("decision_date", "must not be before the submitted_date")
        if panel and decided and decided < panel:
            row.error("decision_date", "must not be before the panel_date")
        if decided and decided > date.today():
            row.error("decision_date", "must not be in the future")
        if awarded and outcome is not None and outcome not in AWARDS:
            row.error(
                "amount_awarded",
                "must be blank unless the outcome is resources or advice_and_resources",
            )
        if awarded and outcome is None:
            row.error("amount_awarded", "must be blank when there is no outcome")

    # --- writing ------------------------------------------------------------------------

    def apply(self, records: list[ReferralRow], actor: User | None, result: ImportResult) -> None:
        self.actor = actor
        self.actor_id = actor.id if actor else None
        self.actor_email = actor.email if actor else None
        self.new_audit: list[dict[str, object]] = []
        existing: dict[str, Referral] = {}
        references = [rec.reference for rec in records]
        for start in range(0, len(references), 500):
            chunk = references[start : start + 500]
            for r in db.session.scalars(select(Referral).where(Referral.reference.in_(chunk))):
                existing[r.reference] = r
        self._prefetch([r.id for r in existing.values()])
        children = self._children(records)
        meetings = self._meetings(records)
        positions = dict(
            db.session.execute(
                select(AgendaItem.meeting_id, func.max(AgendaItem.position)).group_by(
                    AgendaItem.meeting_id
                )
            ).all()
        )
        new_referrals: list[dict[str, object]] = []
        new_items: list[dict[str, object]] = []
        new_decisions: list[dict[str, object]] = []
        for rec in records:
            pupil_id = children[rec.child_key]
            meeting_id = meetings.get((rec.cluster_id, rec.panel_date)) if rec.panel_date else None
            referral = existing.get(rec.reference)
            if referral is not None:
                if self._update(referral, rec, pupil_id, meeting_id, positions):
                    result.updated += 1
                else:
                    result.unchanged += 1
                continue
            rid = uuid.uuid4()
            new_referrals.append(
                {
                    "id": rid,
                    "reference": rec.reference,
                    **self._referral_values(rec, pupil_id),
                    "created_by_id": self.actor_id,
                    "version": 1,
                }
            )
            if meeting_id is not None:
                positions[meeting_id] = positions.get(meeting_id, 0) + 1
                new_items.append(
                    {
                        "id": uuid.uuid4(),
                        "meeting_id": meeting_id,
                        "referral_id": rid,
                        "position": positions[meeting_id],
                    }
                )
            if rec.outcome is not None:
                new_decisions.append(
                    {
                        "id": uuid.uuid4(),
                        "referral_id": rid,
                        "pupil_id": pupil_id,
                        "version": 1,
                        **self._decision_values(rec, meeting_id),
                        "confirmed_at": _confirmed_at(rec),
                        "confirmed_by_id": self.actor_id,
                    }
                )
            self._audit("referral", rid, pupil_id, f"Imported (row {rec.number})")
            result.created += 1
        connection = db.session.connection()
        for model, rows in (
            (Referral, new_referrals),
            (AgendaItem, new_items),
            (PanelDecision, new_decisions),
            (AuditEvent, self.new_audit),
        ):
            if rows:
                connection.execute(insert(_table(model)), rows)
        # Bulk rows bypass the ORM flush that keeps the statistics' derived rows in step.
        facts.refresh(
            connection,
            {cast(uuid.UUID, row["pupil_id"]) for row in new_decisions},
            [cast(uuid.UUID, row["referral_id"]) for row in new_decisions],
        )
        db.session.flush()

    def _prefetch(self, referral_ids: list[uuid.UUID]) -> None:
        """Agenda places and latest decisions of the referrals already known, in bulk."""
        self.on_agenda: set[tuple[uuid.UUID, uuid.UUID]] = set()
        self.decisions: dict[uuid.UUID, PanelDecision] = {}
        for start in range(0, len(referral_ids), 500):
            chunk = referral_ids[start : start + 500]
            self.on_agenda.update(
                (mid, rid)
                for mid, rid in db.session.execute(
                    select(AgendaItem.meeting_id, AgendaItem.referral_id).where(
                        AgendaItem.referral_id.in_(chunk)
                    )
                )
            )
            for d in db.session.scalars(
                select(PanelDecision)
                .where(PanelDecision.referral_id.in_(chunk))
                .order_by(PanelDecision.decision_date, PanelDecision.created_at)
            ):
                self.decisions[d.referral_id] = d

    def _audit(
        self, kind: str, object_id: uuid.UUID, pupil_id: uuid.UUID | None, text: str
    ) -> None:
        self.new_audit.append(
            {
                "user_id": self.actor_id,
                "user_email": self.actor_email,
                "action": AuditAction.CREATE,
                "object_type": kind,
                "object_id": str(object_id),
                "pupil_id": pupil_id,
                "summary": text,
            }
        )

    def _children(self, records: list[ReferralRow]) -> dict[str, uuid.UUID]:
        by_upn: dict[str, uuid.UUID] = {}
        by_name: dict[str, tuple[uuid.UUID, str | None]] = {}
        for pid, upn, surname, forename, dob in db.session.execute(
            select(
                Pupil.id, Pupil.upn, Pupil.legal_surname, Pupil.legal_forename, Pupil.date_of_birth
            )
        ):
            if upn:
                by_upn[upn] = pid
            by_name[f"{surname.lower()}|{forename.lower()}|{dob}"] = (pid, upn)
        found: dict[str, uuid.UUID] = {}
        new_pupils: list[dict[str, object]] = []
        new_status: list[dict[str, object]] = []
        for rec in records:
            key = rec.child_key
            if key in found:
                continue
            named = by_name.get(f"{rec.surname.lower()}|{rec.forename.lower()}|{rec.date_of_birth}")
            if rec.upn:
                match = by_upn.get(rec.upn)
                # Early records often lack the UPN: the same name and birth date is the same
                # child, unless that record carries a different UPN.
                if match is None and named is not None and named[1] is None:
                    match = named[0]
            else:
                match = named[0] if named else None
            if match is not None:
                found[key] = match
                continue
            pid = uuid.uuid4()
            since = rec.submitted_date or rec.decision_date or date.today()
            new_pupils.append(
                {
                    "id": pid,
                    "upn": rec.upn,
                    "legal_surname": rec.surname,
                    "legal_forename": rec.forename,
                    "date_of_birth": rec.date_of_birth,
                    "sex": Sex.UNKNOWN,
                    "setting_id": rec.setting_id,
                    "sen_status": SenStatus.SEN_SUPPORT,
                    "sen_status_since": since,
                    "version": 1,
                }
            )
            new_status.append(
                {
                    "id": uuid.uuid4(),
                    "pupil_id": pid,
                    "status": SenStatus.SEN_SUPPORT,
                    "start_date": since,
                    "reason": "Imported with a referral",
                    "recorded_by_id": self.actor_id,
                }
            )
            self._audit("pupil", pid, pid, f"Imported with referral {rec.reference}")
            found[key] = pid
        if new_pupils:
            connection = db.session.connection()
            connection.execute(insert(_table(Pupil)), new_pupils)
            connection.execute(insert(_table(SenStatusChange)), new_status)
        return found

    def _meetings(self, records: list[ReferralRow]) -> dict[tuple[uuid.UUID, date], uuid.UUID]:
        known: dict[tuple[uuid.UUID, date], uuid.UUID] = {
            (cid, on): mid
            for mid, cid, on in db.session.execute(
                select(PanelMeeting.id, PanelMeeting.cluster_id, PanelMeeting.meeting_date)
            )
        }
        new: list[dict[str, object]] = []
        for rec in records:
            if rec.panel_date is None or (rec.cluster_id, rec.panel_date) in known:
                continue
            mid = uuid.uuid4()
            known[(rec.cluster_id, rec.panel_date)] = mid
            new.append(
                {
                    "id": mid,
                    "cluster_id": rec.cluster_id,
                    "meeting_date": rec.panel_date,
                    "location": "Imported from the panel history",
                    "created_by_id": self.actor_id,
                    "version": 1,
                }
            )
            self._audit("panel_meeting", mid, None, f"Imported panel (row {rec.number})")
        if new:
            db.session.connection().execute(insert(_table(PanelMeeting)), new)
        return known

    @staticmethod
    def _referral_values(rec: ReferralRow, pupil_id: uuid.UUID) -> dict[str, Any]:
        return {
            "pupil_id": pupil_id,
            "setting_id": rec.setting_id,
            "cluster_id": rec.cluster_id,
            "status": rec.status,
            "request_type": rec.request_type,
            "amount_requested": rec.amount_requested,
            "would_request_ehcna": rec.would_request_ehcna,
            "submitted_date": rec.submitted_date,
        }

    @staticmethod
    def _decision_values(rec: ReferralRow, meeting_id: uuid.UUID | None) -> dict[str, Any]:
        return {
            "meeting_id": meeting_id,
            "decision_date": rec.decision_date,
            "outcome": rec.outcome,
            "amount_awarded": rec.amount_awarded or Decimal("0.00"),
        }

    def _update(
        self,
        referral: Referral,
        rec: ReferralRow,
        pupil_id: uuid.UUID,
        meeting_id: uuid.UUID | None,
        positions: dict[uuid.UUID, int],
    ) -> bool:
        changed = False
        before = audit.snapshot(referral, REFERRAL_FIELDS)
        for key, value in self._referral_values(rec, pupil_id).items():
            setattr(referral, key, value)
        changes = audit.diff(before, audit.snapshot(referral, REFERRAL_FIELDS))
        if meeting_id is not None and (meeting_id, referral.id) not in self.on_agenda:
            self.on_agenda.add((meeting_id, referral.id))
            positions[meeting_id] = positions.get(meeting_id, 0) + 1
            db.session.add(
                AgendaItem(
                    meeting_id=meeting_id,
                    referral_id=referral.id,
                    position=positions[meeting_id],
                )
            )
            changes["agenda"] = [None, str(meeting_id)]
        decision = self.decisions.get(referral.id)
        if rec.outcome is not None:
            values = self._decision_values(rec, meeting_id)
            if decision is None:
                decision = PanelDecision(
                    referral_id=referral.id,
                    confirmed_at=_confirmed_at(rec),
                    confirmed_by_id=self.actor_id,
                    **values,
                )
                db.session.add(decision)
                self.decisions[referral.id] = decision
                changes["decision"] = [None, rec.outcome.value]
            else:
                old = audit.snapshot(decision, DECISION_FIELDS)
                for key, value in values.items():
                    setattr(decision, key, value)
                changes.update(audit.diff(old, audit.snapshot(decision, DECISION_FIELDS)))
        if changes:
            changed = True
            db.session.flush()
            audit.record(
                self.actor,
                AuditAction.UPDATE,
                "referral",
                referral.id,
                pupil_id=referral.pupil_id,
                summary=f"Imported (row {rec.number})",
                changes=changes,
            )
        return changed


def _confirmed_at(rec: ReferralRow) -> datetime | None:
    if rec.decision_date is None:
        return None
    return datetime.combine(rec.decision_date, time(12, 0), tzinfo=UTC)
