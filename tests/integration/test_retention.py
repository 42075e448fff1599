"""Retention: --dry-run reports and removes nothing; a real run removes a child's whole file
past date of birth + 31 years, and nothing else; the removal is audited."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    ApdrCycle,
    ApdrOutcome,
    AuditAction,
    AuditEvent,
    DecisionOutcome,
    EhcnaRequest,
    ExceptionGround,
    NeedCode,
    PanelAction,
    PanelDecision,
    Provision,
    Pupil,
    PupilNeed,
    Referral,
    ReferralStatus,
    RequestSource,
    RequestType,
    SenStatus,
    SenStatusChange,
    Sex,
    TimescaleException,
)
from sendtrack.models.base import Base
from sendtrack.services import retention
from tests.world import World

TODAY = date(2026, 11, 23)


def _old_child(world: World) -> uuid.UUID:
    """A child born in 1994 (past 31 years) with a record in every part of the service."""
    pupil = Pupil(
        legal_surname="Oldfile",
        legal_forename="Olive",
        date_of_birth=date(1994, 6, 1),
        sex=Sex.FEMALE,
        setting_id=world["a1"],
        sen_status=SenStatus.SEN_SUPPORT,
        sen_status_since=date(2001, 9, 1),
    )
    db.session.add(pupil)
    db.session.flush()
    db.session.add(PupilNeed(pupil_id=pupil.id, rank=1, code=NeedCode.MLD))
    db.session.add(
        SenStatusChange(
            pupil_id=pupil.id, status=SenStatus.SEN_SUPPORT, start_date=date(2001, 9, 1)
        )
    )
    cycle = ApdrCycle(pupil_id=pupil.id, setting_id=world["a1"], number=1)
    cycle.outcomes.append(ApdrOutcome(position=1, description="Read a sentence"))
    cycle.provisions.append(
        Provision(position=1, description="Phonics group", annual_cost=Decimal("500"))
    )
    db.session.add(cycle)
    referral = Referral(
        reference="OLD-1",
        pupil_id=pupil.id,
        setting_id=world["a1"],
        cluster_id=world["A"],
        status=ReferralStatus.DECIDED,
        request_type=RequestType.ADVICE,
    )
    db.session.add(referral)
    db.session.flush()
    db.session.add(AgendaItem(meeting_id=world["meeting_a"], referral_id=referral.id, position=9))
    decision = PanelDecision(
        referral_id=referral.id, decision_date=date(2002, 1, 1), outcome=DecisionOutcome.ADVICE
    )
    decision.actions.append(
        PanelAction(description="Call", owner="SENCO", due_date=date(2002, 2, 1))
    )
    db.session.add(decision)
    request = EhcnaRequest(
        reference="OLD-E",
        pupil_id=pupil.id,
        received_date=date(2003, 1, 1),
        request_source=RequestSource.PARENT,
    )
    request.exceptions.append(TimescaleException(ground=ExceptionGround.ABSENCE, reason="Away"))
    db.session.add(request)
    db.session.flush()
    return pupil.id


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_dry_run_reports_and_keeps_everything(app: Flask, ctx: None, world: World) -> None:
    old = _old_child(world)
    db.session.commit()  # the command runs in its own unit of work (still inside the test's)
    report = retention.review(retention.RetentionRules(), TODAY)
    assert [pid for pid, _ in report.pupils] == [old]
    assert report.related["referrals"] == 1
    assert report.related["EHCNA requests"] == 1
    result = app.test_cli_runner().invoke(args=["retention", "--dry-run", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "past date of birth + 31 years: 1" in result.output
    assert "nothing was removed" in result.output
    assert db.session.get(Pupil, old) is not None


def test_apply_removes_the_whole_file_and_nothing_else(ctx: None, world: World) -> None:
    kept = (
        Pupil,
        Referral,
        PanelDecision,
        PanelAction,
        ApdrCycle,
        EhcnaRequest,
        TimescaleException,
    )
    before = {m: _count(m) for m in kept}
    old = _old_child(world)
    retention.apply(retention.RetentionRules(), None, TODAY)
    assert db.session.get(Pupil, old) is None
    for model, count in before.items():
        assert _count(model) == count, model
    # The test world's own actions and 20-week exceptions stay; the old child's went.
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.pupil_id == old, AuditEvent.action == AuditAction.DELETE
        )
    )
    assert event is not None and "31 years" in (event.summary or "")
    assert db.session.get(Pupil, world["pupil_a"]) is not None


def test_a_child_just_inside_the_rule_is_kept(ctx: None, world: World) -> None:
    pupil = db.session.get(Pupil, world["pupil_a_quiet"])
    assert pupil is not None
    pupil.date_of_birth = TODAY.replace(year=TODAY.year - 31)
    db.session.flush()
    report = retention.review(retention.RetentionRules(), TODAY)
    assert pupil.id not in [pid for pid, _ in report.pupils]
    pupil.date_of_birth = TODAY.replace(year=TODAY.year - 31) - timedelta(days=1)
    db.session.flush()
    report = retention.review(retention.RetentionRules(), TODAY)
    assert pupil.id in [pid for pid, _ in report.pupils]


def test_every_table_that_points_at_a_child_is_covered() -> None:
    """A new table with a foreign key into a child's file must be added to remove_pupils."""
    import inspect

    source = inspect.getsource(retention.remove_pupils)
    child_tables = {"pupil", "referral", "panel_decision", "apdr_cycle", "ehcna_request"}
    missing = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in child_tables and table.name not in ("audit_event",):
                model = next(
                    (m.class_ for m in Base.registry.mappers if m.local_table is table), None
                )
                if model is None or f"delete({model.__name__})" not in source:
                    missing.append(f"{table.name}.{fk.parent.name}")
    assert missing == [], f"retention does not remove: {missing}"
