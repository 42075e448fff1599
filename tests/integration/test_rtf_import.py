"""Import kind `rtf`: all-or-nothing with row and column messages, children matched or
created, the same file twice changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import Pupil, RtfApplication, RtfDecision, RtfStatus
from sendtrack.services.imports import run_import
from tests.world import World
from tests.world_rtf import next_september

HEADER = (
    "reference,upn,surname,forename,date_of_birth,early_years_setting_urn,"
    "receiving_setting_urn,reception_year,application_date,would_request_ehcna,"
    "decision_date,decision,amount_awarded\n"
)
GOOD = HEADER + (
    "HIST-1,,Lindqvist,Freya,2019-10-01,100003,100001,2024,2024-05-01,yes,2024-06-10,approved,1800\n"
    "HIST-2,,Okafor,Tobi,2019-12-12,,100002,2024,2024-05-03,no,2024-06-10,declined,\n"
    "HIST-3,,Pemberton,Ivy,2020-09-03,100003,100001,2024,2024-05-04,unsure,,,\n"
)


def _invoke(app: Flask, tmp_path: Path, text: str, *extra: str) -> Result:
    path = tmp_path / "rtf.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(
        args=["import", "rtf", str(path), *extra], catch_exceptions=False
    )


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_rtf_history_imports_once(app: Flask, world: World, tmp_path: Path) -> None:
    applications, children = _count(app, RtfApplication), _count(app, Pupil)
    result = _invoke(app, tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert "3 were created" in result.output
    assert _count(app, RtfApplication) == applications + 3
    assert _count(app, Pupil) == children + 3
    again = _invoke(app, tmp_path, GOOD)
    assert again.exit_code == 0
    assert "0 were created, 0 were updated, 3 unchanged" in again.output
    with app.app_context():
        freya = db.session.scalars(
            select(RtfApplication).where(RtfApplication.reference == "HIST-1")
        ).one()
        assert freya.decision is RtfDecision.APPROVED
        assert freya.amount_awarded == Decimal("1800.00")
        assert freya.status is RtfStatus.DECIDED
        assert freya.follow_up_due == date(2024, 12, 20)
        assert freya.pupil.setting_id == world["ey_a"]
        tobi = db.session.scalars(
            select(RtfApplication).where(RtfApplication.reference == "HIST-2")
        ).one()
        assert tobi.pupil.setting_id == world["a2"] and tobi.amount_awarded is None
        # Ivy was born in the following cohort: an early entry, noted as such.
        ivy = db.session.scalars(
            select(RtfApplication).where(RtfApplication.reference == "HIST-3")
        ).one()
        assert ivy.status is RtfStatus.SUBMITTED
        assert ivy.cohort_override_reason and "outside the Reception cohort" in (
            ivy.cohort_override_reason
        )


def test_changed_decision_updates(ctx: None, world: World) -> None:
    run_import("rtf", GOOD.encode(), actor=None)
    changed = GOOD.replace("2024-06-10,approved,1800", "2024-06-10,approved,1500")
    result = run_import("rtf", changed.encode(), actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)


def test_bad_rows_reject_the_whole_file(app: Flask, world: World, tmp_path: Path) -> None:
    year = next_september()
    bad = HEADER + (
        "BAD-1,,Early,Ed,2019-10-01,100001,100003,2024,,,,,\n"
        "BAD-2,,Old,Olive,2016-10-01,,100001,2024,,,,,\n"
        "BAD-3,,Nomoney,Nia,2019-10-01,,100001,2024,2024-05-01,yes,2024-06-01,approved,\n"
        "BAD-4,,Lost,Leo,2019-10-01,,999999,2024,,,,,\n"
        "BAD-5,,Odd,Oz,2019-10-01,,100001,2024,,maybe,2024-06-01,granted,5\n"
        "BAD-5,,Twice,Tia,2019-10-01,,100001,2024,,,,,\n"
        "BAD-7,,Refused,Rae,2019-10-01,,100001,2024,2024-05-01,,2024-06-01,declined,100\n"
        f"BAD-8,,Acornley,Rosa,{_dob_of_world_child(app, world)},100003,100001,{year},,,,,\n"
    )
    before = _count(app, RtfApplication), _count(app, Pupil)
    result = _invoke(app, tmp_path, bad)
    assert result.exit_code != 0
    for expected in (
        "row 2, column early_years_setting_urn: '100001' is not an early-years setting",
        "row 2, column receiving_setting_urn: A Early Years Nursery is an early-years setting",
        "row 3, column date_of_birth: is more than a year outside the cohort",
        "row 4, column amount_awarded: is required when the decision is approved",
        "row 5, column receiving_setting_urn: '999999' is not a known setting",
        "row 6, column would_request_ehcna: 'maybe' is not one of yes, no, unsure",
        "row 6, column decision: 'granted' is not one of",
        "row 7, column reference: 'BAD-5' is also on row 6",
        "row 8, column amount_awarded: must be blank when the decision is declined",
    ):
        assert expected in result.output, result.output
    assert (_count(app, RtfApplication), _count(app, Pupil)) == before
    # Fixed apart from the child who already has an application for that September.
    only_clash = HEADER + bad.splitlines()[-1] + "\n"
    result = _invoke(app, tmp_path, only_clash)
    assert result.exit_code != 0
    assert "row 2, column reference: this child already has application RTF-TEST-A" in (
        result.output
    )
    assert (_count(app, RtfApplication), _count(app, Pupil)) == before


def _dob_of_world_child(app: Flask, world: World) -> str:
    with app.app_context():
        child = db.session.get(Pupil, world["rtf_child_a"])
        assert child is not None
        return child.date_of_birth.isoformat()
