"""A generated year of EHCNA requests whose answers are known by hand gives exactly the
expected `ehcna.*` figures, through the `ehcna` import and `flask stats` (run on SQLite and,
with TEST_DATABASE_URL, PostgreSQL). The year is 2015, far from the test world's dates, so
every figure is exact. Edge cases: a decision on day 42 (in time) and day 43 (late), a plan
on day 140 (in time) and day 141 (late), withdrawals, decisions after the as-at date,
requests received the year before, and exception cases."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from sendtrack.services import statistics
from sendtrack.services.imports import run_import
from tests.world import World

HEADER = (
    "reference,upn,surname,forename,date_of_birth,setting_urn,received_date,request_source,"
    "decision_date,decision,outcome_date,outcome,plan_issued_date,exception,mediation,tribunal"
)
FROM, TO, AS_AT = date(2015, 1, 1), date(2015, 12, 31), date(2015, 12, 31)

# Counted by hand from the cases below.
EXPECTED = {
    "ehcna.requests_received": 30,  # A10 + B6 + C4 + D3 + E5 + F2
    "ehcna.requests_decided_to_assess": 14,  # A10 + C4 (F is decided after the as-at date)
    "ehcna.requests_decided_not_to_assess": 6,  # B
    "ehcna.requests_withdrawn": 3,  # D
    "ehcna.requests_decision_not_made": 7,  # E5 + F2
    "ehcna.decisions_within_6_weeks": 16,  # A10 (day 42) + C4 (day 10) + G2 (2014 requests)
    "ehcna.decisions_over_6_weeks": 6,  # B (day 43)
    "ehcna.plans_issued": 9,  # A: 3 on day 140, 2 on day 141, 2 on day 150, 1 on day 120; H
    "ehcna.plans_issued_within_20_weeks": 5,  # the day-140 three, the day-120 one, H
    "ehcna.plans_issued_excluding_exceptions": 6,  # less the day-150 two and the day-120 one
    "ehcna.plans_issued_within_20_weeks_excluding_exceptions": 4,  # day-140 three and H
}


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


class Year:
    def __init__(self) -> None:
        self.rows: list[str] = []

    def add(
        self,
        received: date,
        decided: int | None = None,
        decision: str = "",
        *,
        outcome: str = "",
        outcome_day: int | None = None,
        plan_day: int | None = None,
        exception: bool = False,
        decided_on: date | None = None,
    ) -> None:
        n = len(self.rows) + 1
        decision_date = decided_on or (received + timedelta(days=decided) if decided else None)
        outcome_date = received + timedelta(days=outcome_day) if outcome_day else None
        plan_date = received + timedelta(days=plan_day) if plan_day else None
        self.rows.append(
            ",".join(
                [
                    f"Y2015-{n:03d}",
                    "",
                    f"Known{n:03d}",
                    "Kit",
                    "2010-03-04",
                    "100001" if n % 2 else "100002",
                    received.isoformat(),
                    ["parent", "setting", "health", "social_care", "other"][n % 5],
                    _d(decision_date),
                    decision,
                    _d(outcome_date),
                    outcome,
                    _d(plan_date),
                    "Y" if exception else "N",
                    "Y" if n % 7 == 0 else "N",
                    "N",
                ]
            )
        )

    def csv(self) -> bytes:
        return ("\n".join([HEADER, *self.rows]) + "\n").encode()


def known_year() -> Year:
    y = Year()
    # A: ten decided "assess" on day 42 exactly; eight of them go on to plans in 2015.
    a_received = [date(2015, m, 3) for m in range(1, 11)]
    plans = [
        (140, False),
        (140, False),
        (140, False),
        (141, False),
        (141, False),
        (150, True),
        (150, True),
        (120, True),
    ]
    for i, received in enumerate(a_received):
        if i < len(plans):
            day, exception = plans[i]
            y.add(
                received,
                42,
                "assess",
                outcome="issue",
                outcome_day=100,
                plan_day=day,
                exception=exception,
            )
        elif i == 8:
            y.add(received, 42, "assess", outcome="not_issue", outcome_day=110)
        else:
            y.add(received, 42, "assess")  # still being assessed
    # B: six decided "not assess" on day 43.
    for m in range(2, 8):
        y.add(date(2015, m, 14), 43, "not_assess")
    # C: four decided "assess" on day 10; one plan issued in 2016 (outside the period).
    y.add(date(2015, 9, 1), 10, "assess", outcome="issue", outcome_day=90, plan_day=130)
    for m in (3, 5, 6):
        y.add(date(2015, m, 20), 10, "assess")
    # D: three withdrawn (not decisions whether to assess).
    for m in (4, 6, 8):
        y.add(date(2015, m, 9), 20, "withdrawn")
    # E: five with no decision yet.
    for d in (1, 5, 9, 13, 17):
        y.add(date(2015, 12, d))
    # F: two decided after the as-at date: "decision not made" as at 31 December.
    y.add(date(2015, 12, 20), decision="assess", decided_on=date(2016, 1, 20))
    y.add(date(2015, 12, 22), decision="assess", decided_on=date(2016, 1, 25))
    # G: two received in 2014, decided in 2015 within six weeks (35 days).
    y.add(date(2014, 12, 1), 35, "not_assess")
    y.add(date(2014, 12, 1), 35, "not_assess")
    # H: received and decided in 2014, plan issued in 2015 on day 131.
    y.add(date(2014, 9, 1), 39, "assess", outcome="issue", outcome_day=91, plan_day=131)
    return y


def _ehcna(measures: dict[str, int | float]) -> dict[str, int | float]:
    return {k: v for k, v in measures.items() if k.startswith("ehcna.")}


def test_known_year_gives_the_expected_figures(ctx: None, world: World) -> None:
    result = run_import("ehcna", known_year().csv(), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 33
    assert _ehcna(statistics.compute(FROM, TO, AS_AT)) == EXPECTED


def test_known_year_through_flask_stats_json(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "ehcna.csv"
    path.write_bytes(known_year().csv())
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["import", "ehcna", str(path)], catch_exceptions=False)
    assert imported.exit_code == 0, imported.output
    assert "33 were created" in imported.output
    result = runner.invoke(
        args=[
            "stats",
            "--from",
            "2015-01-01",
            "--to",
            "2015-12-31",
            "--as-at",
            "2015-12-31",
            "--format",
            "json",
        ]
    )
    assert result.exit_code == 0, result.output
    assert _ehcna(json.loads(result.stdout)) == EXPECTED


def test_a_later_as_at_date_counts_the_later_decisions(ctx: None, world: World) -> None:
    run_import("ehcna", known_year().csv(), actor=None)
    later = _ehcna(statistics.compute(FROM, TO, date(2016, 2, 1)))
    assert later["ehcna.requests_decided_to_assess"] == 16  # F's two decisions are now known
    assert later["ehcna.requests_decision_not_made"] == 5
    # Decisions are counted in the period they were made: 2016's are not in 2015's figures.
    assert later["ehcna.decisions_within_6_weeks"] == 16


def test_day_boundaries_one_by_one(ctx: None, world: World) -> None:
    """Day 42 is within six weeks and day 43 is not; day 140 within twenty weeks, 141 not."""
    y = Year()
    received = date(2015, 3, 2)
    y.add(received, 42, "assess", outcome="issue", outcome_day=60, plan_day=140)
    y.add(received, 43, "assess", outcome="issue", outcome_day=60, plan_day=141)
    run_import("ehcna", y.csv(), actor=None)
    figures = _ehcna(statistics.compute(FROM, TO, AS_AT))
    assert figures["ehcna.decisions_within_6_weeks"] == 1
    assert figures["ehcna.decisions_over_6_weeks"] == 1
    assert figures["ehcna.plans_issued"] == 2
    assert figures["ehcna.plans_issued_within_20_weeks"] == 1
