"""The list pages send a fixed number of SQL statements however many rows they show (no
statement per row), and the faster table renderer gives the GOV.UK component's HTML.

Each test counts a page's statements, adds many more rows of the same kinds, and counts
again: the two numbers must be equal."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AssessDecision,
    AssessmentOutcome,
    DecisionOutcome,
    EhcnaRequest,
    PanelDecision,
    PanelMember,
    Pupil,
    Referral,
    ReferralStatus,
    RequestSource,
    RequestType,
    RtfApplication,
    RtfBudget,
    RtfDecision,
    RtfStatus,
    SenStatus,
    Sex,
)
from sendtrack.school_year import financial_year_of
from tests.clock import TODAY
from tests.conftest import client_for
from tests.querycount import count_queries
from tests.register_data import bulk_setting
from tests.world import World
from tests.world_rtf import next_september


@contextmanager
def _counting(app: Flask) -> Iterator[list[str]]:
    """count_queries() around test-client requests, with no app context left pushed (each
    request must get its own, as on a real server)."""
    with app.app_context():
        counter = count_queries()
        statements = counter.__enter__()
    try:
        yield statements
    finally:
        counter.__exit__(None, None, None)


def _statements(app: Flask, client: FlaskClient, url: str) -> int:
    assert client.get(url).status_code == 200  # warm up (the signed-in user's memberships)
    with _counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _few_and_many(
    app: Flask,
    client: FlaskClient,
    url: str,
    add: Callable[[World, int, str], None],
    world: World,
    counts: tuple[int, int],
) -> tuple[int, int]:
    """The statements the page sends after adding a few rows ("Few...") and after adding
    many more ("Many..."): a page without a query per row sends as many both times."""
    with app.app_context():
        add(world, counts[0], "Few")
    few = _statements(app, client, url)
    with app.app_context():
        add(world, counts[1], "Many")
    return few, _statements(app, client, url)


def _children(setting_id: uuid.UUID, count: int, tag: str, **extra: Any) -> list[uuid.UUID]:
    ids = []
    for i in range(count):
        child = Pupil(
            legal_surname=f"{tag}{i:03d}",
            legal_forename="Many",
            date_of_birth=date(2016, 1, 1) + timedelta(days=i),
            sex=Sex.MALE if i % 2 else Sex.FEMALE,
            setting_id=setting_id,
            sen_status=SenStatus.SEN_SUPPORT,
            **extra,
        )
        db.session.add(child)
        db.session.flush()
        ids.append(child.id)
    return ids


# --- RTF ----------------------------------------------------------------------------------


def _rtf_applications(world: World, count: int, tag: str) -> None:
    today = TODAY
    year = next_september(today)
    receiving = [world["a1"], world["a2"], world["b1"]]
    for i, child_id in enumerate(_children(world["ey_a"], count, tag)):
        application = RtfApplication(
            reference=f"RTF-{tag}-{i:03d}",
            pupil_id=child_id,
            early_years_setting_id=world["ey_a"] if i % 2 else None,
            receiving_setting_id=receiving[i % 3],
            applied_by_setting_id=world["ey_a"],
            reception_year=year,
            status=RtfStatus.SUBMITTED,
            application_date=today - timedelta(days=i % 30),
            parental_consent=True,
            amount_requested=Decimal("1500"),
        )
        if i % 3 == 0:
            application.status = RtfStatus.DECIDED
            application.decision = RtfDecision.APPROVED
            application.decision_date = today - timedelta(days=400 * (i % 2))
            application.amount_awarded = Decimal("1000")
        db.session.add(application)
    for back in range(1, 4):
        label = financial_year_of(today - timedelta(days=365 * back))
        if db.session.query(RtfBudget).filter_by(financial_year=label).first() is None:
            db.session.add(RtfBudget(financial_year=label, allocation=Decimal("5000")))
    db.session.commit()


@pytest.mark.parametrize("role", ["officer", "senco"])
def test_rtf_list_uses_a_fixed_number_of_queries(app: Flask, world: World, role: str) -> None:
    client = client_for(app, role)
    # 80: more than a page, and more years of budget.
    few, many = _few_and_many(app, client, "/rtf/", _rtf_applications, world, (3, 80))
    assert few == many
    html = client.get("/rtf/").get_data(as_text=True)
    assert "Many Many" in html  # the newest applications, child shown as forename surname
    if role == "officer":  # a SENCO's applications are all for their own school
        assert "Totals by receiving school" in html


def test_rtf_budget_positions_add_up_per_year(app: Flask, world: World, ctx: None) -> None:
    from sendtrack.services.rtf import budgets as rtf_budget

    _rtf_applications(world, 12, "Sum")
    positions = rtf_budget.all_positions()
    assert [p.financial_year for p in positions] == sorted(p.financial_year for p in positions)
    for p in positions:  # the one-statement total agrees with each year's own
        single = rtf_budget.position(p.financial_year)
        assert (p.committed, p.awards, p.allocation) == (
            single.committed,
            single.awards,
            single.allocation,
        )
    with count_queries() as statements:
        rtf_budget.all_positions()
    assert len(statements) == 2


# --- referrals ----------------------------------------------------------------------------


def _referrals(world: World, count: int, tag: str) -> None:
    statuses = [ReferralStatus.SUBMITTED, ReferralStatus.SCHEDULED, ReferralStatus.DECIDED]
    settings = [world["a1"], world["a2"]]
    for i, child_id in enumerate(_children(world["a1"], count, tag)):
        db.session.add(
            Referral(
                reference=f"REF-{tag}-{i:03d}",
                pupil_id=child_id,
                setting_id=settings[i % 2],  # the child may have moved since
                cluster_id=world["A"],
                status=statuses[i % 3],
                request_type=RequestType.ADVICE,
                submitted_date=TODAY - timedelta(days=i),
            )
        )
    db.session.commit()


@pytest.mark.parametrize("role", ["senco", "lead"])
def test_referral_list_uses_a_fixed_number_of_queries(app: Flask, world: World, role: str) -> None:
    client = client_for(app, role)
    few, many = _few_and_many(app, client, "/referrals/", _referrals, world, (3, 80))
    assert few == many
    html = client.get("/referrals/").get_data(as_text=True)
    assert "Hiddenly" not in html  # the restricted child still never shows


def test_referral_list_still_hides_restricted_children(app: Flask, world: World) -> None:
    with app.app_context():
        hidden = _children(world["a1"], 1, "Secretson", is_restricted=True)[0]
        db.session.add(
            Referral(
                reference="REF-RESTRICTED",
                pupil_id=hidden,
                setting_id=world["a1"],
                cluster_id=world["A"],
                status=ReferralStatus.SUBMITTED,
                request_type=RequestType.ADVICE,
            )
        )
        db.session.commit()
    for role in ("senco", "lead"):
        html = client_for(app, role).get("/referrals/").get_data(as_text=True)
        assert "REF-RESTRICTED" not in html and "REF-TEST-A" in html
    assert "REF-RESTRICTED" in client_for(app, "officer").get("/referrals/").get_data(as_text=True)


# --- EHCNA queue --------------------------------------------------------------------------


def _requests(world: World, count: int, tag: str) -> None:
    today = TODAY
    for i, child_id in enumerate(_children(world["a1"], count, tag)):
        request = EhcnaRequest(
            reference=f"EHCNA-{tag}-{i:03d}",
            pupil_id=child_id,
            setting_id=world["a1"],
            received_date=today - timedelta(days=50 + 3 * i),  # some overdue
            request_source=RequestSource.SETTING,
            assigned_officer_id=world["officer"] if i % 2 else None,
        )
        if i % 4 >= 1:
            request.decision = AssessDecision.ASSESS
            request.decision_date = request.received_date + timedelta(days=5)
        if i % 4 >= 2:
            request.outcome = AssessmentOutcome.ISSUE
            request.outcome_date = request.received_date + timedelta(days=6)
        if i % 4 == 3:
            request.plan_issued_date = request.received_date + timedelta(days=7)
        db.session.add(request)
    db.session.commit()


@pytest.mark.parametrize("view", ["open", "all", "overdue"])
def test_ehcna_queue_uses_a_fixed_number_of_queries(app: Flask, world: World, view: str) -> None:
    client = client_for(app, "officer")
    few, many = _few_and_many(app, client, f"/ehcna/?view={view}", _requests, world, (4, 80))
    assert few == many


def test_ehcna_stage_counts_agree_with_each_request(ctx: None, world: World) -> None:
    from sendtrack.models import User
    from sendtrack.services.ehcna import queues as ehcna_queues
    from sendtrack.services.ehcna import requests as ehcna

    _requests(world, 12, "Stage")
    officer = db.session.get(User, world["officer"])
    assert officer is not None
    expected: dict[str, int] = {}
    for request in db.session.query(EhcnaRequest):
        expected[ehcna.stage(request)] = expected.get(ehcna.stage(request), 0) + 1
    assert ehcna_queues.by_stage(officer) == expected
    found = ehcna_queues.find(officer, ehcna_queues.Filters(view="open"), page_size=500)
    assert found.count == sum(1 for r in db.session.query(EhcnaRequest) if ehcna.next_due(r))
    dues = [row.due for row in found.rows]
    assert dues == sorted(d for d in dues if d is not None)


# --- the register -------------------------------------------------------------------------


def test_register_page_uses_a_fixed_number_of_queries(app: Flask, world: World) -> None:
    with app.app_context():
        small = bulk_setting("Small Primary", "300300", world["A"], 30)
        large = bulk_setting("Large Primary", "303000", world["A"], 600)
        db.session.commit()
    client = client_for(app, "officer")
    for args in ("", "&sort=review&page=2", "&review=overdue", "&sort=cost&q=child1"):
        assert _statements(app, client, f"/pupils/?setting={small}{args}") == _statements(
            app, client, f"/pupils/?setting={large}{args}"
        )
    html = client.get(f"/pupils/?setting={large}&page=2").get_data(as_text=True)
    assert "Surname00050" in html and "Surname00049" not in html  # page 2 in name order


# --- the panel meeting and cluster budgets ------------------------------------------------


def _agenda(world: World, count: int, tag: str) -> None:
    meeting_id = world["meeting_a"]
    start = db.session.query(AgendaItem).filter_by(meeting_id=meeting_id).count() + 1
    settings = [world["a1"], world["a2"]]
    for i, child_id in enumerate(_children(world["a1"], count, tag)):
        referral = Referral(
            reference=f"REF-{tag}-{i:03d}",
            pupil_id=child_id,
            setting_id=settings[i % 2],
            cluster_id=world["A"],
            status=ReferralStatus.SCHEDULED,
            request_type=RequestType.BOTH,
            amount_requested=Decimal("800"),
            submitted_date=TODAY - timedelta(days=3),
        )
        db.session.add(referral)
        db.session.flush()
        db.session.add(
            AgendaItem(meeting_id=meeting_id, referral_id=referral.id, position=start + i)
        )
        db.session.add(
            PanelMember(
                meeting_id=meeting_id,
                name=f"Member {tag} {i}",
                professional_role="SENCO",
                setting_id=settings[i % 2],
            )
        )
        if i % 2:
            db.session.add(
                PanelDecision(
                    referral_id=referral.id,
                    meeting_id=meeting_id,
                    decision_date=TODAY,
                    outcome=DecisionOutcome.ADVICE_AND_RESOURCES,
                    rationale="Evidence of need",
                    amount_awarded=Decimal("500"),
                    confirmed_at=datetime.combine(TODAY, time(16, 0), tzinfo=UTC),
                )
            )
    db.session.commit()


def test_meeting_page_uses_a_fixed_number_of_queries(app: Flask, world: World) -> None:
    client = client_for(app, "lead")
    url = f"/panels/meetings/{world['meeting_a']}"
    few, many = _few_and_many(app, client, url, _agenda, world, (2, 25))
    assert few == many
    html = client.get(url).get_data(as_text=True)
    assert "REF-Many-024" in html and "Many Many024" in html


@pytest.mark.parametrize("role", ["lead", "officer"])
def test_budgets_page_uses_a_fixed_number_of_queries(app: Flask, world: World, role: str) -> None:
    client = client_for(app, role)
    few, many = _few_and_many(app, client, "/panels/budgets", _agenda, world, (2, 25))
    assert few == many


# --- the table renderer -------------------------------------------------------------------

TABLES: list[dict[str, Any]] = [
    {
        "caption": "Applications",
        "captionClasses": "govuk-visually-hidden",
        "head": [
            {"text": "Reference"},
            {"text": "Amount", "format": "numeric"},
            {"html": "<b>x</b>"},
        ],
        "rows": [
            [{"html": '<a href="/a">A & B</a>'}, {"text": "£1,200.00", "format": "numeric"}, {}],
            [],
            [{"text": "<script>", "classes": "c", "colspan": 2, "attributes": {"id": "x"}}],
            [{"text": 5}, {"text": None}, {"html": "", "text": "fallback <i>"}],
        ],
    },
    {
        "caption": "Stages",
        "classes": "app-budgets",
        "attributes": {"id": "queue", "data-n": 3},
        "head": [{"text": "S", "classes": "k", "colspan": 2, "rowspan": 3}],
        "rows": [[{"text": "a"}, {"text": "b", "rowspan": 2}]],
        "firstCellIsHeader": True,
    },
    {"rows": []},
    {"rows": [[{"text": "a", "attributes": {"hidden": {"value": True, "optional": True}}}]]},
    {"rows": [[{"text": "a", "attributes": 'data-x="1"'}]], "firstCellIsHeader": False},
]


@pytest.mark.parametrize("params", TABLES)
def test_app_table_gives_the_govuk_table_html(app: Flask, params: dict[str, Any]) -> None:
    with app.test_request_context():
        env = app.jinja_env
        govuk = env.from_string(
            '{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}'
            "{{ govukTable(params) }}"
        ).render(params=params)
        ours = env.from_string("{{ app_table(params) }}").render(params=params)
    assert ours == govuk
