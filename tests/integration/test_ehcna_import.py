"""Import kind `ehcna`: all-or-nothing with `row N, column C` messages, children matched on
UPN or name and date of birth, the same file twice changes nothing, plans make children E."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AnnualReview,
    AssessDecision,
    EhcnaRequest,
    ExceptionGround,
    Pupil,
    SenStatus,
    TimescaleException,
)
from sendtrack.services.imports import run_import
from tests.world import World

HEADER = (
    "reference,upn,surname,forename,date_of_birth,setting_urn,received_date,request_source,"
    "decision_date,decision,outcome_date,outcome,plan_issued_date,exception,mediation,tribunal\n"
)
GOOD = HEADER + (
    # Alphason is matched on UPN (the world's pupil_a); Quietley on name and date of birth.
    "OLD-1,V936100117001,Alphason,Test,2017-03-14,100001,2024-01-08,setting,2024-02-19,assess,"
    "2024-04-20,issue,2024-05-27,Y,N,N\n"
    "OLD-2,,Quietley,Test,2017-03-14,100001,2024-03-01,parent,2024-04-10,not_assess,,,,,Y,Y\n"
    "OLD-3,,Newcombe,Ada,2015-07-07,100002,2024-06-01,HEALTH,,,,,,,,\n"
)


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _one(reference: str) -> EhcnaRequest:
    return db.session.scalars(select(EhcnaRequest).where(EhcnaRequest.reference == reference)).one()


def test_history_imports_once_and_matches_children(ctx: None, world: World) -> None:
    children = _count(Pupil)
    result = run_import("ehcna", GOOD.encode(), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert _count(Pupil) == children + 1  # only Ada Newcombe is new
    first = _one("OLD-1")
    assert first.pupil_id == world["pupil_a"]
    assert first.decision is AssessDecision.ASSESS
    assert [e.ground for e in first.exceptions] == [None]
    pupil = db.session.get(Pupil, world["pupil_a"])
    assert pupil is not None and pupil.sen_status is SenStatus.EHC_PLAN
    assert db.session.scalars(
        select(AnnualReview.due_date).where(AnnualReview.request_id == first.id)
    ).all()
    second = _one("OLD-2")
    assert second.pupil_id == world["pupil_a_quiet"]
    assert second.mediation and second.tribunal
    third = _one("OLD-3")
    assert third.pupil.setting_id == world["a2"] and third.decision is None

    again = run_import("ehcna", GOOD.encode(), actor=None)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = GOOD.replace("2024-05-27,Y,N,N", "2024-05-27,N,N,N")
    third_run = run_import("ehcna", changed.encode(), actor=None)
    assert third_run.ok and third_run.updated == 1
    assert _one("OLD-1").exceptions == []


def test_every_problem_is_reported_and_nothing_is_written(ctx: None, world: World) -> None:
    before = _count(EhcnaRequest), _count(Pupil)
    bad = HEADER + (
        "B-1,,Smith,Jo,2016-01-01,100001,2024-03-01,setting,2024-02-01,assess,,,,,,\n"
        "B-2,,Smith,Al,2016-01-01,100001,2024-03-01,setting,,,2024-05-01,issue,,,,\n"
        "B-3,,Smith,Bo,2016-01-01,100001,2024-03-01,setting,2024-03-10,assess,,,2024-06-01,,,\n"
        "B-4,,Smith,Cy,2016-01-01,999999,2099-03-01,aunt,,,,,,,,\n"
        "B-5,,Smith,Di,2016-01-01,100001,2024-03-01,setting,2024-03-10,not_assess,,,,Y,,\n"
        "B-1,ZZZ,Smith,Ed,2016-02-30,100001,2024-03-01,setting,,,,,,maybe,,\n"
        "G-1,,Fine,Row,2016-01-01,100001,2024-03-01,setting,,,,,,,,\n"
    )
    result = run_import("ehcna", bad.encode(), actor=None)
    messages = [str(e) for e in result.errors]
    assert (
        "row 2, column decision_date: the decision date must be on or after the date the request was received (1 March 2024)"
        in messages
    )
    assert any(m.startswith("row 3, column outcome: record a decision to assess") for m in messages)
    assert any(
        m.startswith("row 4, column plan_issued_date: record the decision to issue")
        for m in messages
    )
    assert "row 5, column setting_urn: '999999' is not a known setting" in messages
    assert any(m.startswith("row 5, column request_source: 'aunt' is not one of") for m in messages)
    assert any(m.startswith("row 6, column exception:") for m in messages)
    assert any(m.startswith("row 7, column reference: 'B-1' is also on row 2") for m in messages)
    assert any(m.startswith("row 7, column upn:") for m in messages)
    assert any(m.startswith("row 7, column date_of_birth:") for m in messages)
    assert any(m.startswith("row 7, column exception:") for m in messages)
    assert not any(m.startswith("row 8") for m in messages)
    assert (_count(EhcnaRequest), _count(Pupil)) == before


def test_future_received_date_is_refused(ctx: None, world: World) -> None:
    row = "F-1,,Later,Lou,2016-01-01,100001,2099-01-01,parent,,,,,,,,\n"
    result = run_import("ehcna", (HEADER + row).encode(), actor=None)
    assert [str(e) for e in result.errors] == [
        "row 2, column received_date: the date the request was received must not be in the future"
    ]


def test_n_does_not_silently_drop_an_exception_recorded_in_sendtrack(
    ctx: None, world: World
) -> None:
    run_import("ehcna", GOOD.encode(), actor=None)
    first = _one("OLD-1")
    db.session.add(
        TimescaleException(
            request_id=first.id, ground=ExceptionGround.ABSENCE, reason="Abroad for 5 weeks"
        )
    )
    db.session.flush()
    result = run_import(
        "ehcna", GOOD.replace("2024-05-27,Y,N,N", "2024-05-27,N,N,N").encode(), actor=None
    )
    assert str(result.errors[0]).startswith(
        "row 2, column exception: is N but OLD-1 has a 20-week exception recorded in sendtrack"
    )


def test_cli_dry_run_writes_nothing(app: Flask, world: World, tmp_path: Path) -> None:
    path = tmp_path / "ehcna.csv"
    path.write_text(GOOD, encoding="utf-8")
    with app.app_context():
        before = _count(EhcnaRequest)
    result = app.test_cli_runner().invoke(args=["import", "ehcna", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing written. 3 rows checked: 3 would be created" in result.output
    with app.app_context():
        assert _count(EhcnaRequest) == before
    path.write_text(HEADER + "X,,A,B,2016-01-01,100001,2024-01-01,nobody,,,,,,,,\n")
    failed = app.test_cli_runner().invoke(args=["import", "ehcna", str(path)])
    assert failed.exit_code == 1
    assert "row 2, column request_source:" in failed.output
