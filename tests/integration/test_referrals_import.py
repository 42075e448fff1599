"""Import kind `referrals`: several thousand rows give the same counts on screen as in the
file; the same file twice changes nothing; any bad row rejects the whole file with
`row N, column C: message`."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import EarlySupportStart, PanelDecision, PanelMeeting, Pupil, Referral
from sendtrack.school_year import financial_year_of
from sendtrack.services.statistics import facts
from sendtrack.wording import money
from tests.conftest import client_for
from tests.integration.panels_helpers import count

HEADER = (
    "reference,upn,surname,forename,date_of_birth,setting_urn,cluster,submitted_date,"
    "request_type,amount_requested,would_request_ehcna,panel_date,decision_date,outcome,"
    "amount_awarded\n"
)
OUTCOMES = [
    "advice", "resources", "advice_and_resources", "signposted", "recommend_ehcna",
    "declined", "deferred", "withdrawn", "advice_and_resources", "resources",
]  # fmt: skip
AWARDS = {"resources", "advice_and_resources"}
SETTINGS = [("100001", "Cluster A"), ("100002", "Cluster A"), ("200001", "Cluster B")]


def generate(n: int) -> tuple[str, dict[str, object]]:
    """n referrals over two financial years, about two per child, and what they add up to."""
    lines = [HEADER]
    meetings: set[tuple[str, date]] = set()
    decided = 0
    awards: Counter[tuple[str, str]] = Counter()
    committed: dict[str, Decimal] = {}
    for i in range(n):
        urn, cluster = SETTINGS[i % 3]
        child = i // 2
        dob = date(2014, 1, 1) + timedelta(days=child % 1500)
        panel = date(2023, 4, 10) + timedelta(days=28 * (i % 26))
        submitted = panel - timedelta(days=20)
        outcome = OUTCOMES[i % len(OUTCOMES)] if i % 7 else ""
        has_panel = bool(i % 11)
        amount = str(100 * (i % 20 + 1)) if outcome in AWARDS else ""
        if has_panel:
            meetings.add((cluster, panel))
        else:
            outcome, amount = "", ""
        if outcome and outcome not in ("deferred", "withdrawn"):
            decided += 1
        if amount:
            year = financial_year_of(panel)
            awards[(cluster, year)] += 1
            committed[year] = committed.get(year, Decimal(0)) + Decimal(amount)
        request_type = "both" if amount else "advice"
        lines.append(
            f"HIST-{i:05d},,Histon{child},Kit,{dob.isoformat()},{urn},{cluster},"
            f"{submitted.isoformat()},{request_type},{amount},{'yes' if i % 2 else 'unsure'},"
            f"{panel.isoformat() if has_panel else ''},"
            f"{panel.isoformat() if outcome else ''},{outcome},{amount}\n"
        )
    return "".join(lines), {
        "meetings": len(meetings),
        "decided": decided,
        "awards": awards,
        "committed": committed,
        "children": len({i // 2 for i in range(n)}),
    }


def _invoke(app: Flask, tmp_path: Path, text: str) -> Result:
    path = tmp_path / "referrals.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(
        args=["import", "referrals", str(path)], catch_exceptions=False
    )


def _statistics_in_step(app: Flask) -> None:
    """The rows the statistics read were kept in step by the import's bulk inserts."""
    with app.app_context():
        found = facts.differences(db.session.connection())
        assert found.none, found


def _shown(page: str, element: str) -> int:
    match = re.search(rf'id="{element}"><strong>(\d+)</strong>', page)
    assert match, element
    return int(match.group(1))


def _screen(app: Flask) -> dict[str, object]:
    officer = client_for(app, "officer")
    budgets = {
        year: officer.get(f"/panels/budgets?year={year}").get_data(as_text=True)
        for year in ("2023-24", "2024-25")
    }
    return {
        "referrals": _shown(officer.get("/referrals/").get_data(as_text=True), "referral-count"),
        "decided": _shown(
            officer.get("/referrals/?status=decided").get_data(as_text=True), "referral-count"
        ),
        "meetings": _shown(officer.get("/panels/").get_data(as_text=True), "meeting-count"),
        "budgets": {
            year: re.search(r'id="budget-totals">([^<]*)<', page).group(1)  # type: ignore[union-attr]
            for year, page in budgets.items()
        },
    }


def test_several_thousand_rows_match_the_counts_on_screen(app: Flask, tmp_path: Path) -> None:
    n = 3000
    text, expected = generate(n)
    before = _screen(app)
    with app.app_context():
        children_before = count(Pupil)
    result = _invoke(app, tmp_path, text)
    assert result.exit_code == 0, result.output[:2000]
    assert f"{n} rows checked: {n} were created" in result.output
    _statistics_in_step(app)
    after = _screen(app)
    assert after["referrals"] == before["referrals"] + n  # type: ignore[operator]
    assert after["decided"] == before["decided"] + expected["decided"]  # type: ignore[operator]
    assert after["meetings"] == before["meetings"] + expected["meetings"]  # type: ignore[operator]
    committed: dict[str, Decimal] = expected["committed"]  # type: ignore[assignment]
    awards: Counter[tuple[str, str]] = expected["awards"]  # type: ignore[assignment]
    for year in ("2023-24", "2024-25"):
        total = awards[("Cluster A", year)] + awards[("Cluster B", year)]
        assert after["budgets"][year].startswith(  # type: ignore[index]
            f"{total} awards in {year}: {money(committed[year])} committed"
        ), after["budgets"]
    with app.app_context():
        assert count(Pupil) == children_before + expected["children"]
        assert count(PanelDecision, PanelDecision.confirmed_at.is_not(None)) >= expected["decided"]  # type: ignore[operator]

    again = _invoke(app, tmp_path, text)
    assert again.exit_code == 0, again.output[:2000]
    assert f"0 were created, 0 were updated, {n} unchanged" in again.output
    assert _screen(app) == after
    with app.app_context():
        assert count(Pupil) == children_before + expected["children"]


def test_a_changed_row_updates_only_that_referral(app: Flask, tmp_path: Path) -> None:
    text, _ = generate(30)
    assert _invoke(app, tmp_path, text).exit_code == 0
    changed = text.replace("HIST-00002,,Histon1,Kit", "HIST-00002,,Histon1,Kit").replace(
        ",advice_and_resources,300\n", ",advice_and_resources,250\n", 1
    )
    result = _invoke(app, tmp_path, changed)
    assert result.exit_code == 0, result.output
    assert "0 were created, 1 were updated, 29 unchanged" in result.output
    _statistics_in_step(app)


def test_a_referral_moved_to_another_child_takes_its_decision_and_episode(
    app: Flask, tmp_path: Path
) -> None:
    text, _ = generate(30)
    assert _invoke(app, tmp_path, text).exit_code == 0
    _statistics_in_step(app)
    # HIST-00002 (Histon1) was awarded resources; the file now names another child.
    moved = text.replace("HIST-00002,,Histon1,Kit", "HIST-00002,,Movedon,Kit")
    result = _invoke(app, tmp_path, moved)
    assert result.exit_code == 0, result.output
    assert "1 were updated" in result.output
    _statistics_in_step(app)
    with app.app_context():
        referral = db.session.scalars(
            select(Referral).where(Referral.reference == "HIST-00002")
        ).one()
        decision = db.session.scalars(
            select(PanelDecision).where(PanelDecision.referral_id == referral.id)
        ).one()
        child = db.session.scalars(select(Pupil).where(Pupil.legal_surname == "Movedon")).one()
        assert referral.pupil_id == decision.pupil_id == child.id
        first = db.session.get(EarlySupportStart, child.id)
        assert first is not None and first.source_id == decision.id


def test_bad_rows_reject_the_whole_file(app: Flask, tmp_path: Path) -> None:
    bad = HEADER + (
        "BAD-1,,Ant,Ann,2015-01-01,999999,Cluster A,2024-01-01,advice,,yes,,,,\n"
        "BAD-2,,Bee,Bob,2015-01-01,100001,Nowhere,2024-01-01,advice,,yes,,,,\n"
        "BAD-3,,Cat,Cal,2015-01-01,100001,Cluster A,2024-01-01,both,-20,yes,2024-02-01,"
        "2024-02-01,resources,abc\n"
        "BAD-4,,Dog,Dan,2015-01-01,100001,Cluster A,2024-03-01,money,,maybe,2024-02-01,"
        "2024-02-01,granted,\n"
        "BAD-5,,Eel,Eve,2015-01-01,100001,Cluster A,2024-01-01,advice,,,2024-02-01,,advice,\n"
        "BAD-5,,Fox,Fay,2015-01-01,100001,Cluster A,2024-01-01,advice,,,2024-02-01,"
        "2024-02-01,declined,500\n"
    )
    with app.app_context():
        before = (count(Referral), count(PanelMeeting), count(Pupil))
    result = _invoke(app, tmp_path, bad)
    assert result.exit_code != 0
    for expected in (
        "row 2, column setting_urn: '999999' is not a known setting",
        "row 3, column cluster: 'Nowhere' is not a known cluster",
        "row 4, column amount_requested: '-20' must be an amount of £0 or more",
        "row 4, column amount_awarded: 'abc' is not an amount in pounds",
        "row 5, column request_type: 'money' is not one of advice, resources, both",
        "row 5, column would_request_ehcna: 'maybe' is not one of yes, no, unsure",
        "row 5, column outcome: 'granted' is not one of",
        "row 5, column panel_date: must not be before the submitted_date",
        "row 6, column decision_date: is required when there is an outcome",
        "row 7, column reference: 'BAD-5' is also on row 6",
        "row 7, column amount_awarded: must be blank unless the outcome is resources",
    ):
        assert expected in result.output, (expected, result.output)
    assert "Nothing was imported" in result.output
    with app.app_context():
        assert (count(Referral), count(PanelMeeting), count(Pupil)) == before
