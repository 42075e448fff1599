"""The statistics dashboard: periods, filters, an Area SEND Lead's scope, drill-down that
matches the counts, suppression, downloads and the CSP of pages and charts.

Data is made in 2011 (financial quarter 2011-12 Q1), long before the shared test world's
dates, so every figure below is exact. Cluster A (setting a1) and cluster B (setting b1):

    child       cluster  need  episode                         category as at today
    A-Avoid1-3  A        SLCN  panel, school said yes          avoided
    A-Esc       A        SEMH  panel, yes, EHCNA 1 Sep 2011    escalated
    A-No        A        SLCN  panel, school said no           not flagged
    B-Avoid1-2  B        ASD   panel, yes                      avoided
    B-Lost      B        SLCN  panel, yes, left 1 Oct 2011     lost to follow-up
    B-Rtf       B        ASD   RTF award to b1, yes            avoided
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    DecisionOutcome,
    EhcnaRequest,
    NeedCode,
    PanelDecision,
    Pupil,
    PupilNeed,
    Referral,
    ReferralStatus,
    RequestSource,
    RequestType,
    RtfApplication,
    RtfDecision,
    RtfStatus,
    SenStatus,
    SenStatusChange,
    Sex,
    WouldRequestEhcna,
)
from sendtrack.services import statistics
from sendtrack.services.statistics import charts, periods
from sendtrack.services.statistics.breakdowns import breakdown
from sendtrack.services.statistics.filters import Filters
from sendtrack.services.statistics.suppression import suppress
from tests.clock import TODAY
from tests.conftest import client_for
from tests.world import World

YES, NO = WouldRequestEhcna.YES, WouldRequestEhcna.NO
Q_FROM, Q_TO = date(2011, 4, 1), date(2011, 6, 30)
QUARTER = {"period": "quarter", "quarter": "2011-12 Q1"}
TODAY = TODAY


def _child(
    world: World, name: str, setting: str, need: NeedCode, left: date | None = None
) -> Pupil:
    pupil = Pupil(
        legal_surname=name,
        legal_forename="Dash",
        date_of_birth=date(2005, 1, 1),
        sex=Sex.FEMALE,
        setting_id=world[setting],
        sen_status=SenStatus.SEN_SUPPORT,
        sen_status_since=date(2010, 9, 1),
        left_date=left,
    )
    pupil.status_history.append(
        SenStatusChange(status=SenStatus.SEN_SUPPORT, start_date=date(2010, 9, 1))
    )
    pupil.needs.append(PupilNeed(rank=1, code=need))
    db.session.add(pupil)
    db.session.flush()
    return pupil


def _panel(
    world: World, pupil: Pupil, side: str, answer: WouldRequestEhcna, on: date, amount: str = "0"
) -> None:
    referral = Referral(
        reference=f"REF-DASH-{uuid.uuid4().hex[:8]}",
        pupil_id=pupil.id,
        setting_id=world[f"{side.lower()}1"],
        cluster_id=world[side],
        status=ReferralStatus.DECIDED,
        request_type=RequestType.BOTH,
        would_request_ehcna=answer,
        submitted_date=on - timedelta(days=30),
    )
    db.session.add(referral)
    db.session.flush()
    outcome = DecisionOutcome.RESOURCES if Decimal(amount) else DecisionOutcome.ADVICE
    db.session.add(
        PanelDecision(
            referral_id=referral.id,
            decision_date=on,
            outcome=outcome,
            amount_awarded=Decimal(amount),
            confirmed_at=datetime(on.year, on.month, on.day, 16, tzinfo=UTC),
        )
    )
    db.session.flush()


def build(world: World) -> dict[str, Pupil]:
    made: dict[str, Pupil] = {}
    for n in (1, 2, 3):
        made[f"A-Avoid{n}"] = p = _child(world, f"AAvoid{n}", "a1", NeedCode.SLCN)
        _panel(world, p, "A", YES, date(2011, 5, 10 + n), "1000")
    made["A-Esc"] = p = _child(world, "AEsc", "a1", NeedCode.SEMH)
    _panel(world, p, "A", YES, date(2011, 5, 20))
    db.session.add(
        EhcnaRequest(
            reference="EHCNA-DASH-1",
            pupil_id=p.id,
            setting_id=world["a1"],
            received_date=date(2011, 9, 1),
            request_source=RequestSource.SETTING,
        )
    )
    made["A-No"] = p = _child(world, "ANo", "a1", NeedCode.SLCN)
    _panel(world, p, "A", NO, date(2011, 6, 1))
    for n in (1, 2):
        made[f"B-Avoid{n}"] = p = _child(world, f"BAvoid{n}", "b1", NeedCode.ASD)
        _panel(world, p, "B", YES, date(2011, 5, 15 + n), "500")
    made["B-Lost"] = p = _child(world, "BLost", "b1", NeedCode.SLCN, left=date(2011, 10, 1))
    _panel(world, p, "B", YES, date(2011, 6, 10))
    made["B-Rtf"] = p = _child(world, "BRtf", "b1", NeedCode.ASD)
    db.session.add(
        RtfApplication(
            reference="RTF-DASH-1",
            pupil_id=p.id,
            receiving_setting_id=world["b1"],
            reception_year=2011,
            status=RtfStatus.DECIDED,
            application_date=date(2011, 5, 2),
            would_request_ehcna=YES,
            decision=RtfDecision.APPROVED,
            decision_date=date(2011, 6, 1),
            amount_awarded=Decimal("2000"),
        )
    )
    db.session.flush()
    return made


def _avoided(measures: dict[str, int | float]) -> dict[str, int | float]:
    return {k: v for k, v in measures.items() if k.startswith("avoided.")}


# ---------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------


def test_financial_quarters_terms_and_previous_periods() -> None:
    q2 = periods.parse_quarter("2025-26 Q2")
    assert q2 is not None and (q2.start, q2.end) == (date(2025, 7, 1), date(2025, 9, 30))
    q4 = periods.parse_quarter("2025-26 Q4")
    assert q4 is not None and (q4.start, q4.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert periods.previous(q4).code == "2025-26 Q3"
    assert periods.previous(periods.quarter(2025, 1)).code == "2024-25 Q4"
    assert periods.parse_quarter("2025-27 Q1") is None
    assert periods.parse_quarter("2025-26 Q5") is None
    autumn = periods.parse_term("2025-26 autumn")
    assert autumn is not None and (autumn.start, autumn.end) == (
        date(2025, 9, 1),
        date(2025, 12, 31),
    )
    spring = periods.term(2025, "spring")
    assert (spring.start, spring.end) == (date(2026, 1, 1), date(2026, 4, 30))
    assert periods.previous(autumn).code == "2024-25 summer"
    assert periods.previous(spring).code == "2025-26 autumn"
    custom = periods.custom(date(2025, 1, 11), date(2025, 1, 20))
    before = periods.previous(custom)
    assert (before.start, before.end) == (date(2025, 1, 1), date(2025, 1, 10))
    eight = periods.last_quarters(date(2025, 8, 15))
    assert eight[0].code == "2023-24 Q3" and eight[-1].code == "2025-26 Q2"
    assert len(eight) == 8 and periods.quarter_of(date(2026, 2, 28)).code == "2025-26 Q4"


# ---------------------------------------------------------------------------------------
# Filters and breakdowns, in SQL
# ---------------------------------------------------------------------------------------


def test_filters_limit_every_area_and_the_unfiltered_area_is_unchanged(
    ctx: None, world: World
) -> None:
    build(world)
    every = statistics.compute(Q_FROM, Q_TO, TODAY)
    assert _avoided(every) == {
        "avoided.avoided": 6,
        "avoided.escalated": 1,
        "avoided.pending": 0,
        "avoided.lost_to_follow_up": 1,
        "avoided.not_flagged": 1,
        "avoided.rate": 0.857,
    }
    assert statistics.compute(Q_FROM, Q_TO, TODAY, filters=Filters()) == every
    a = statistics.compute(
        Q_FROM, Q_TO, TODAY, filters=Filters(cluster_ids=frozenset({world["A"]}))
    )
    assert _avoided(a) == {
        "avoided.avoided": 3,
        "avoided.escalated": 1,
        "avoided.pending": 0,
        "avoided.lost_to_follow_up": 0,
        "avoided.not_flagged": 1,
        "avoided.rate": 0.75,
    }
    assert (a["referrals.received"], a["referrals.decided"], a["referrals.amount_awarded"]) == (
        5,
        5,
        3000.0,
    )
    assert (a["rtf.applications"], a["rtf.approved"]) == (0, 0)
    b = statistics.compute(
        Q_FROM, Q_TO, TODAY, filters=Filters(setting_ids=frozenset({world["b1"]}))
    )
    assert (b["avoided.avoided"], b["avoided.lost_to_follow_up"], b["rtf.approved"]) == (3, 1, 1)
    assert (b["referrals.decided"], b["referrals.amount_awarded"], b["rtf.amount_awarded"]) == (
        3,
        1000.0,
        2000.0,
    )
    slcn = statistics.compute(
        Q_FROM, Q_TO, TODAY, filters=Filters(needs=frozenset({NeedCode.SLCN}))
    )
    assert (
        slcn["avoided.avoided"],
        slcn["avoided.not_flagged"],
        slcn["avoided.lost_to_follow_up"],
    ) == (3, 1, 1)
    assert slcn["avoided.escalated"] == 0 and "avoided.rate" in slcn


def test_breakdowns_add_up_to_the_area_figures(ctx: None, world: World) -> None:
    build(world)
    every = statistics.compute(Q_FROM, Q_TO, TODAY)
    for dimension in ("cluster", "setting", "need"):
        table = breakdown(db.session(), dimension, Q_FROM, Q_TO, TODAY, 12)
        for measure in (
            "referrals.received",
            "referrals.decided",
            "rtf.approved",
            "avoided.avoided",
        ):
            assert sum(row[measure] for row in table.values()) == every[measure], (
                dimension,
                measure,
            )
    by_cluster = breakdown(db.session(), "cluster", Q_FROM, Q_TO, TODAY, 12)
    assert by_cluster[world["A"]]["avoided.avoided"] == 3
    assert by_cluster[world["B"]]["avoided.lost_to_follow_up"] == 1
    by_need = breakdown(db.session(), "need", Q_FROM, Q_TO, TODAY, 12)
    assert by_need["ASD"]["avoided.avoided"] == 3 and by_need["SEMH"]["avoided.escalated"] == 1


def test_small_numbers_are_suppressed_with_what_would_reveal_them() -> None:
    shown = suppress(
        {
            "referrals.decided": 3,
            "referrals.amount_awarded": 1500.0,
            "rtf.approved": 7,
            "rtf.amount_awarded": 9000.0,
            "avoided.avoided": 0,
            "avoided.escalated": 4,
            "avoided.rate": 0.0,
            "register.sen_support": 5,
        },
        5,
    )
    assert shown == {
        "referrals.decided": "c",
        "referrals.amount_awarded": "c",
        "rtf.approved": 7,
        "rtf.amount_awarded": 9000.0,
        "avoided.avoided": 0,
        "avoided.escalated": "c",
        "avoided.rate": "c",
        "register.sen_support": 5,
    }


# ---------------------------------------------------------------------------------------
# Through the web: periods, scope, drill-down, downloads
# ---------------------------------------------------------------------------------------


@pytest.fixture
def made(app: Flask, world: World) -> dict[str, Pupil]:
    """The 2011 data, written in the test's outer transaction so requests see it."""
    with app.app_context():
        found = build(world)
        ids = {k: v.id for k, v in found.items()}
        db.session.commit()
    return ids  # type: ignore[return-value]


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_officer_sees_a_quarter_a_term_and_custom_dates(app: Flask, made: dict[str, Any]) -> None:
    client = client_for(app, "officer")
    page = client.get("/statistics", query_string=QUARTER)
    assert page.status_code == 200
    text = _text(page)
    assert "<title>Statistics: 2011-12 Q1" in text and "The whole area" in text
    assert "Compared with 2010-11 Q4" in text and "2011-12 Q1" in text
    assert "avoided / (avoided + escalated) = 6 / (6 + 1) = 0.857" in text
    term = client.get("/statistics", query_string={"period": "term", "term": "2010-11 summer"})
    assert term.status_code == 200 and "Summer term 2010-11" in _text(term)
    custom = client.get(
        "/statistics",
        query_string=[
            ("period", "custom"),
            *[("date_from", v) for v in ("1", "4", "2011")],
            *[("date_to", v) for v in ("30", "6", "2011")],
        ],
    )
    assert custom.status_code == 200 and "1 April 2011 to 30 June 2011" in _text(custom)
    backwards = client.get(
        "/statistics",
        query_string=[
            ("period", "custom"),
            *[("date_from", v) for v in ("30", "6", "2011")],
            *[("date_to", v) for v in ("1", "4", "2011")],
        ],
    )
    assert backwards.status_code == 400
    assert "The end date must be the same as or after the start date" in _text(backwards)
    assert (
        client.get("/statistics", query_string={"period": "quarter", "quarter": "Q9"}).status_code
        == 400
    )
    assert (
        client.get("/statistics", query_string={**QUARTER, "cluster": "not-a-uuid"}).status_code
        == 404
    )
    assert client.get("/statistics", query_string={**QUARTER, "need": "XYZ"}).status_code == 400


def test_lead_sees_only_their_clusters_and_cannot_drill_down(
    app: Flask, world: World, made: dict[str, Any]
) -> None:
    client = client_for(app, "lead")
    page = client.get("/statistics", query_string=QUARTER)
    assert page.status_code == 200
    text = _text(page)
    assert "Your clusters: Cluster A" in text
    assert "A One Primary" in text and "B One Primary" not in text
    assert "avoided / (avoided + escalated) = 3 / (3 + 1) = 0.750" in text
    assert "/statistics/children" not in text
    assert (
        client.get("/statistics", query_string={**QUARTER, "cluster": str(world["B"])}).status_code
        == 404
    )
    assert (
        client.get("/statistics", query_string={**QUARTER, "setting": str(world["b1"])}).status_code
        == 404
    )
    assert (
        client.get(
            "/statistics/children", query_string={**QUARTER, "category": "avoided"}
        ).status_code
        == 403
    )
    csv_file = client.get(
        "/statistics/download", query_string={**QUARTER, "format": "csv", "audience": "internal"}
    )
    rows = list(csv.DictReader(io.StringIO(csv_file.get_data(as_text=True))))
    headline = {
        r["measure"]: r["value"]
        for r in rows
        if r["breakdown"] == "all" and r["period"] == "2011-12 Q1"
    }
    assert headline["avoided.avoided"] == "3" and headline["referrals.received"] == "5"
    assert {r["group"] for r in rows if r["breakdown"] == "cluster"} <= {"Cluster A"}


@pytest.mark.parametrize(
    ("category", "names"),
    [
        ("avoided", {"AAvoid1", "AAvoid2", "AAvoid3", "BAvoid1", "BAvoid2", "BRtf"}),
        ("escalated", {"AEsc"}),
        ("lost_to_follow_up", {"BLost"}),
        ("not_flagged", {"ANo"}),
        ("pending", set()),
    ],
)
def test_drill_down_lists_exactly_the_children_counted(
    app: Flask, made: dict[str, Any], category: str, names: set[str]
) -> None:
    client = client_for(app, "officer")
    page = client.get("/statistics/children", query_string={**QUARTER, "category": category})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    listed = set(re.findall(r'href="/pupils/[0-9a-f-]+">Dash (\w+)</a>', html))
    assert listed == names
    for key, pupil_id in made.items():
        if key.replace("-", "") in names:
            assert f'href="/pupils/{pupil_id}"' in html
    count = len(names)
    assert f"{count} {'child' if count == 1 else 'children'}" in _text(page)
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "statistics_children")
        ).all()
        assert len(events) == 1 and f"avoided.{category}" in (events[0].summary or "")
    assert (
        client.get(
            "/statistics/children", query_string={**QUARTER, "category": "bogus"}
        ).status_code
        == 404
    )


def test_pages_keep_a_strict_csp_and_charts_allow_only_their_own_styles(
    app: Flask, made: dict[str, Any]
) -> None:
    client = client_for(app, "officer")
    page = client.get("/statistics", query_string=QUARTER)
    csp = page.headers["Content-Security-Policy"]
    assert "style-src 'self';" in csp and "unsafe-inline" not in csp
    html = page.get_data(as_text=True)
    assert "<style" not in html and " style=" not in html and "<script>" not in html
    chart_urls = re.findall(r'<img src="(/statistics/chart\.svg[^"]+)"', html)
    assert len(chart_urls) == 2
    for url in chart_urls:
        chart = client.get(url.replace("&amp;", "&"))
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        svg = chart.get_data(as_text=True)
        policy = chart.headers["Content-Security-Policy"]
        assert "<script" not in svg and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        for digest in charts.style_hashes(svg):
            assert f"style-src {digest}" in policy
        assert "2011-12 Q1" in svg


def test_downloads_are_audited_and_shared_versions_suppress_small_numbers(
    app: Flask, made: dict[str, Any]
) -> None:
    client = client_for(app, "officer")
    shared = client.get(
        "/statistics/download", query_string={**QUARTER, "format": "csv", "audience": "shared"}
    )
    assert shared.status_code == 200 and "attachment" in shared.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(shared.get_data(as_text=True))))
    headline = {
        r["measure"]: r["value"]
        for r in rows
        if r["breakdown"] == "all" and r["period"] == "2011-12 Q1"
    }
    assert headline["avoided.avoided"] == "6"
    assert headline["avoided.escalated"] == "c" and headline["avoided.rate"] == "c"
    assert headline["referrals.received"] == "8" and headline["rtf.approved"] == "c"
    book = load_workbook(
        io.BytesIO(
            client.get(
                "/statistics/download",
                query_string={**QUARTER, "format": "xlsx", "audience": "shared"},
            ).data
        )
    )
    assert book.sheetnames == [
        "SEN register",
        "Referrals",
        "RTF",
        "Requests avoided",
        "EHCNA (SEN2)",
        "Contacts",
        "Trend by quarter",
        "By cluster",
        "By setting",
        "By primary need",
        "Method",
    ]
    assert "Method" in book.sheetnames and "Trend by quarter" in book.sheetnames
    avoided = book["Requests avoided"]
    values = {row[1]: row[2] for row in avoided.iter_rows(min_row=5, values_only=True)}
    assert values["avoided.avoided"] == 6 and values["avoided.escalated"] == "c"
    method = [row[0] for row in book["Method"].iter_rows(values_only=True)]
    assert "Small numbers" in method and "Classification" in method
    pdf = client.get(
        "/statistics/download", query_string={**QUARTER, "format": "pdf", "audience": "internal"}
    )
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "SEND statistics: 2011-12 Q1" in text and "OFFICIAL-SENSITIVE" in text
    assert "6 / (6 + 1) = 0.857" in text and "Method and caveats" in text
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.EXPORT, AuditEvent.object_type == "statistics"
            )
        ).all()
        formats = sorted((e.changes or {})["format"][1] for e in events)
        assert formats == ["csv", "pdf", "xlsx"]


def test_journey_officer_picks_last_quarter_downloads_and_drills_down(
    app: Flask, made: dict[str, Any]
) -> None:
    client = client_for(app, "officer")
    home = client.get("/home")
    assert 'href="/statistics"' in home.get_data(as_text=True)
    dashboard = client.get("/statistics")
    last_quarter = periods.previous(periods.quarter_of(TODAY))
    assert dashboard.status_code == 200 and f"Statistics: {last_quarter.label}" in _text(dashboard)
    picked = client.get("/statistics", query_string=QUARTER)
    html = picked.get_data(as_text=True)
    for fmt in ("xlsx", "pdf"):
        response = client.get(
            "/statistics/download", query_string={**QUARTER, "format": fmt, "audience": "internal"}
        )
        assert response.status_code == 200 and len(response.data) > 1000
    drill = re.search(r'href="(/statistics/children\?[^"]*category=avoided[^"]*)"', html)
    assert drill is not None
    children = client.get(drill.group(1).replace("&amp;", "&"))
    assert children.status_code == 200 and "Avoided: 6 children" in _text(children)
