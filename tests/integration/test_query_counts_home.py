"""Each role's home page sends a fixed number of SQL statements, however many records its
panels show or count (no statement per row: N+1), and the figures it shows stay exact.

The pattern of tests/integration/test_register.py: count the statements of the page on the
standard world, add a dozen of every record the page lists, count again: the same."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    ApdrCycle,
    CycleStatus,
    DecisionOutcome,
    EhcnaRequest,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    Pupil,
    Referral,
    ReferralStatus,
    RequestSource,
    RequestType,
    RtfApplication,
    RtfDecision,
    RtfStatus,
    SenStatus,
    Sex,
    User,
    WouldRequestEhcna,
)
from sendtrack.school_year import financial_year_of
from sendtrack.services.ehcna import queues as ehcna_queues
from sendtrack.services.panels import budgets as cluster_budgets
from sendtrack.services.panels import follow_up, meetings, referrals
from sendtrack.services.pupils.apdr import reviews_due
from sendtrack.services.rtf import links as rtf_links
from tests.clock import TODAY
from tests.conftest import client_for
from tests.querycount import count_queries
from tests.world import World
from tests.world_rtf import next_september

MANY = 12


def _home(app: Flask, client: FlaskClient) -> tuple[int, str]:
    """(statements, page text) of the signed-in user's home page, after a first visit (which
    may link RTF awards: a write that happens once, not on every visit)."""
    assert client.get("/home").status_code == 200
    with app.app_context(), count_queries() as statements:
        response = client.get("/home")
    assert response.status_code == 200
    return len(statements), " ".join(response.get_data(as_text=True).split())


def _child(setting_id: uuid.UUID, surname: str, **extra: object) -> Pupil:
    pupil = Pupil(
        legal_surname=surname,
        legal_forename="Many",
        date_of_birth=date(2017, 5, 1),
        sex=Sex.MALE,
        setting_id=setting_id,
        sen_status=SenStatus.SEN_SUPPORT,
        **extra,
    )
    db.session.add(pupil)
    db.session.flush()
    return pupil


def _home_crowded(app: Flask, w: World, key: str) -> tuple[int, int, str]:
    """The statements of the account's home page with the world, then with the crowd
    added, and the page then."""
    client = client_for(app, key)
    few, _ = _home(app, client)
    _crowd(app, w)
    many, page = _home(app, client)
    return few, many, page


def _crowd(app: Flask, w: World) -> None:
    with app.app_context():
        _add_crowd(w)
        db.session.commit()


def _add_crowd(w: World, n: int = MANY) -> None:
    """n more of everything the A-side home pages list or count: children at a1 with decided
    referrals (confirmed decisions, an overdue action, a review due), submitted referrals,
    upcoming meetings with agendas, RTF awards and applications, EHCNA requests and open
    APDR cycles overdue or due soon."""
    today = TODAY
    for i in range(n):
        child = _child(w["a1"], f"Crowdson{i:02d}")
        decided = Referral(
            reference=f"REF-MANY-D{i:02d}",
            pupil_id=child.id,
            setting_id=w["a1"],
            cluster_id=w["A"],
            status=ReferralStatus.DECIDED,
            request_type=RequestType.BOTH,
            amount_requested=Decimal("900"),
            reason="Needs more support",
            would_request_ehcna=WouldRequestEhcna.NO,
            submitted_date=today - timedelta(days=60),
        )
        waiting = Referral(
            reference=f"REF-MANY-S{i:02d}",
            pupil_id=child.id,
            setting_id=w["a1"],
            cluster_id=w["A"],
            status=ReferralStatus.SUBMITTED,
            request_type=RequestType.ADVICE,
            reason="Advice wanted",
            would_request_ehcna=WouldRequestEhcna.NO,
            submitted_date=today - timedelta(days=2),
        )
        db.session.add_all([decided, waiting])
        db.session.flush()
        decision = PanelDecision(
            referral_id=decided.id,
            decision_date=today - timedelta(days=40 + i),
            outcome=DecisionOutcome.RESOURCES,
            rationale="Evidence of need",
            amount_awarded=Decimal("100"),
            review_date=today - timedelta(days=1),
            confirmed_at=datetime.combine(today - timedelta(days=40), time(12), tzinfo=UTC),
        )
        db.session.add(decision)
        db.session.flush()
        db.session.add(
            PanelAction(
                decision_id=decision.id,
                description=f"Action {i}",
                owner="SENCO",
                due_date=today - timedelta(days=3),
            )
        )
        meeting = PanelMeeting(
            cluster_id=w["A"],
            meeting_date=today + timedelta(days=20 + i),
            start_time=time(10),
            location="Hub",
            chair_name="Chair",
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.add(AgendaItem(meeting_id=meeting.id, referral_id=waiting.id, position=1))
        db.session.add(
            EhcnaRequest(
                reference=f"EHCNA-MANY-{i:02d}",
                pupil_id=child.id,
                setting_id=w["a1"],
                received_date=today - timedelta(days=10 + i),
                request_source=RequestSource.SETTING,
            )
        )
        db.session.add(
            ApdrCycle(
                pupil_id=child.id,
                setting_id=w["a1"],
                number=1,
                status=CycleStatus.OPEN,
                needs_summary="Needs",
                start_date=today - timedelta(days=90),
                review_date=today + timedelta(days=(i % 3) * 5 - 5),
            )
        )
        starter = _child(w["a1"], f"Starter{i:02d}")
        db.session.add(
            RtfApplication(
                reference=f"RTF-MANY-A{i:02d}",
                pupil_id=starter.id,
                early_years_setting_id=w["ey_a"],
                receiving_setting_id=w["a1"],
                applied_by_setting_id=w["ey_a"],
                reception_year=next_september(today),
                status=RtfStatus.DECIDED,
                decision=RtfDecision.APPROVED,
                decision_date=today - timedelta(days=3),
                application_date=today - timedelta(days=20 + i),
                amount_requested=Decimal("2000"),
                amount_awarded=Decimal("2000"),
                follow_up_due=today + timedelta(days=30),
            )
        )
        nursery = _child(w["ey_a"], f"Nursling{i:02d}")
        db.session.add(
            RtfApplication(
                reference=f"RTF-MANY-S{i:02d}",
                pupil_id=nursery.id,
                early_years_setting_id=w["ey_a"],
                receiving_setting_id=w["a1"] if i % 2 else w["a2"],
                applied_by_setting_id=w["ey_a"],
                reception_year=next_september(today),
                status=RtfStatus.SUBMITTED,
                application_date=today - timedelta(days=i),
                amount_requested=Decimal("1500"),
            )
        )
    db.session.flush()


def test_senco_home_uses_a_fixed_number_of_queries(app: Flask, world: World) -> None:
    few, many, page = _home_crowded(app, world, "senco")
    assert "REF-MANY-D" in page and "Crowdson" in page  # referrals and outcomes, named
    assert "Action 0" in page or f"Action {MANY - 1}" in page  # an outcome's open action
    assert "RTF-MANY-A" in page and "Starter" in page  # RTF rows, named, and follow-ups
    assert "EHCNA-MANY-" in page  # EHCNA requests, named
    assert "Overdue (" in page and "Due in the next 14 days (" in page
    assert many == few, f"{few} statements with the world, {many} with {MANY} more of each"


def test_lead_home_uses_a_fixed_number_of_queries(app: Flask, world: World) -> None:
    few, many, page = _home_crowded(app, world, "lead")
    assert page.count("1 case") >= 5  # five meetings, each with its agenda's size
    assert f"<strong>{MANY}</strong> referrals are waiting" in page
    assert f"{MANY + 1} overdue actions, {MANY} reviews due" in page  # + the world's action
    assert many == few, f"{few} statements with the world, {many} with {MANY} more of each"


def test_officer_home_uses_a_fixed_number_of_queries(app: Flask, world: World) -> None:
    few, many, page = _home_crowded(app, world, "officer")
    assert "RTF-MANY-S" in page and "A Two Primary" in page  # receiving schools, named
    assert many == few, f"{few} statements with the world, {many} with {MANY} more of each"


def test_panel_member_home_uses_a_fixed_number_of_queries(app: Flask, world: World) -> None:
    few, many, page = _home_crowded(app, world, "panel")
    assert page.count("Cluster A, ") >= 5
    assert many == few, f"{few} statements with the world, {many} with {MANY} more of each"


# --- the home page's figures are the list pages' figures -------------------------------


def _user(key: str, world: World) -> User:
    return world.get(User, key)


def _restrict_a_referred_child(world: World) -> None:
    """pupil_a (a1, referred to A, with a confirmed decision) becomes restricted."""
    world.get(Pupil, "pupil_a").is_restricted = True
    db.session.flush()


def test_follow_up_counts_are_those_of_the_follow_up_page(
    app: Flask, ctx: None, world: World
) -> None:
    _add_crowd(world)
    for restricted in (False, True):
        if restricted:
            _restrict_a_referred_child(world)
        for key in ("lead", "lead_b", "officer", "senco"):
            user = _user(key, world)
            full = follow_up.follow_ups(user)
            counts = follow_up.counts(user)
            assert (counts.overdue_actions_count, counts.reviews_due_count) == (
                full.overdue_actions_count,
                full.reviews_due_count,
            ), key
    assert follow_up.counts(_user("lead", world)).overdue_actions_count == MANY
    # The officer's also counts the world's A and B sides' actions and the restricted child's.
    assert follow_up.counts(_user("officer", world)).overdue_actions_count == MANY + 3


def test_referral_counts_and_rows_are_those_of_the_list(
    app: Flask, ctx: None, world: World
) -> None:
    _add_crowd(world)
    _restrict_a_referred_child(world)
    for key in ("senco", "senco_b", "lead", "panel", "officer"):
        user = _user(key, world)
        listed = referrals.list_referrals(user, page_size=10)
        latest = referrals.latest_referrals(user, limit=10)
        assert latest.count == listed.count, key
        assert [r.id for r in latest.rows] == [r.id for r in listed.rows], key
        for status in (ReferralStatus.SUBMITTED, ReferralStatus.DECIDED):
            assert (
                referrals.count_referrals(user, status=status)
                == referrals.list_referrals(user, status=status, page_size=1).count
            ), (key, status)
    # The restricted child's referrals are hidden from the school and the lead, not the LA.
    hidden = {world["referral_a"], world["referral_decided_a"]}
    for key, sees in (("senco", False), ("lead", False), ("officer", True)):
        ids = {r.id for r in referrals.list_referrals(_user(key, world), page_size=500).rows}
        assert (hidden <= ids) is sees and (not hidden & ids) is (not sees), key


def test_ehcna_counts_in_one_statement_match_each_queue(
    app: Flask, ctx: None, world: World
) -> None:
    _add_crowd(world)
    for key in ("officer", "senco", "senco_b"):
        user = _user(key, world)
        assert user.setting_ids is not None  # memberships loaded before counting
        with count_queries() as statements:
            counts = ehcna_queues.counts(user)
        assert len(statements) == 1
        for view, filters in (
            ("overdue", ehcna_queues.Filters(view="overdue")),
            ("week", ehcna_queues.Filters(view="week")),
            ("open", ehcna_queues.Filters(view="open")),
            ("mine", ehcna_queues.Filters(view="open", officer=str(user.id))),
        ):
            assert counts[view] == ehcna_queues.find(user, filters).count, (key, view)
        first = ehcna_queues.first_rows(user, ehcna_queues.Filters(view="open"), limit=5)
        page = ehcna_queues.find(user, ehcna_queues.Filters(view="open"), page_size=5)
        assert [r.request.id for r in first] == [r.request.id for r in page.rows]


def test_ehcna_scope_is_the_rule_a_senco_is_told(app: Flask, ctx: None, world: World) -> None:
    """A SENCO sees requests made by their setting or for a child now on its roll, never a
    restricted child's: the rewritten request_scope against the rule checked row by row."""
    from sendtrack.services.ehcna.requests import request_scope

    _add_crowd(world)
    moved = world.get(Pupil, "ehcna_child_a")
    moved.setting_id = world["b1"]  # left a1 for b1: a1 still sees its request, b1 too
    incoming = _child(world["a1"], "Incomer")
    db.session.add(
        EhcnaRequest(
            reference="EHCNA-ELSEWHERE",
            pupil_id=incoming.id,
            setting_id=world["b1"],  # made by b1 before the child joined a1
            received_date=TODAY - timedelta(days=5),
            request_source=RequestSource.PARENT,
        )
    )
    world.get(Pupil, "plan_child_a").is_restricted = True
    db.session.flush()
    every = db.session.scalars(select(EhcnaRequest)).all()
    for key in ("senco", "senco_b", "senco_a2"):
        user = _user(key, world)
        expected = {
            r.id
            for r in every
            if not r.pupil.is_restricted
            and (r.setting_id in user.setting_ids or r.pupil.setting_id in user.setting_ids)
        }
        found = set(db.session.scalars(select(EhcnaRequest.id).where(request_scope(user))))
        assert found == expected, key
    senco = _user("senco", world)
    seen = set(db.session.scalars(select(EhcnaRequest.reference).where(request_scope(senco))))
    assert {"EHCNA-TEST-A", "EHCNA-ELSEWHERE"} <= seen and "EHCNA-TEST-PLAN-A" not in seen


def test_school_outcomes_hide_a_restricted_childs_decision(
    app: Flask, ctx: None, world: World
) -> None:
    senco = _user("senco", world)
    assert world["decision_a"] in {d.id for d in follow_up.school_outcomes(senco)}
    _restrict_a_referred_child(world)
    assert world["decision_a"] not in {d.id for d in follow_up.school_outcomes(senco)}


def test_home_meetings_and_budgets_are_those_of_the_panel_pages(
    app: Flask, ctx: None, world: World
) -> None:
    _add_crowd(world)
    today = TODAY
    for key in ("lead", "panel", "officer"):
        user = _user(key, world)
        listed = meetings.list_meetings(user, today=today)
        upcoming = meetings.upcoming_meetings(user, limit=5, today=today)
        assert [m.id for m in upcoming.meetings] == [m.id for m in listed.upcoming[:5]], key
        # The cases the user sees: not the world's restricted child's, but for the officer.
        assert upcoming.agenda_counts == {
            m.id: sum(
                1 for i in m.agenda if user.is_area_wide or not i.referral.pupil.is_restricted
            )
            for m in upcoming.meetings
        }, key
    year = financial_year_of(today)
    everyone = {p.cluster_id: p for p in cluster_budgets.positions(_user("officer", world), year)}
    lead = cluster_budgets.positions(_user("lead", world), year)
    assert [p.cluster_id for p in lead] == [world["A"]]
    assert lead[0] == everyone[world["A"]]


def test_apdr_reviews_due_counts_every_review(app: Flask, ctx: None, world: World) -> None:
    _add_crowd(world)
    today = TODAY
    senco = _user("senco", world)
    overdue, due, n_overdue, n_due = reviews_due(senco, limit=2)
    cycles = db.session.scalars(
        select(ApdrCycle)
        .join(Pupil, Pupil.id == ApdrCycle.pupil_id)
        .where(
            ApdrCycle.setting_id == world["a1"],
            ApdrCycle.status == CycleStatus.OPEN,
            Pupil.is_restricted.is_(False),
            Pupil.left_date.is_(None),
            Pupil.setting_id == world["a1"],
        )
    ).all()
    dates = [c.review_date for c in cycles if c.review_date is not None]
    late = sorted(d for d in dates if d < today)
    soon = [d for d in dates if today <= d <= today + timedelta(days=14)]
    assert (n_overdue, n_due) == (len(late), len(soon)) and n_overdue > 2 and n_due > 2
    assert len(overdue) == 2 and len(due) == 2
    assert [r.review_date for r in overdue] == late[:2]


def test_a_childs_move_links_only_that_childs_rtf_award(
    app: Flask, ctx: None, world: World
) -> None:
    """A transfer or decision links the awards of the child it moved (found through the
    child), not every award in the county; an import links them all."""
    today = TODAY

    def award(receiving: str, ref: str) -> RtfApplication:
        child = _child(world[receiving], ref)
        application = RtfApplication(
            reference=ref,
            pupil_id=child.id,
            receiving_setting_id=world[receiving],
            reception_year=next_september(today),
            status=RtfStatus.DECIDED,
            decision=RtfDecision.APPROVED,
            amount_awarded=Decimal("2000"),
        )
        db.session.add(application)
        db.session.flush()
        return application

    mine, theirs = award("a1", "RTF-LINK-A1"), award("b1", "RTF-LINK-B1")
    assert rtf_links.sync_links_for_pupils(None, [mine.pupil_id]) == 1
    assert mine.linked_at is not None and theirs.linked_at is None
    assert rtf_links.sync_links(None) == 1 and theirs.linked_at is not None


def test_home_budget_table_renders_as_the_panels_one(app: Flask, ctx: None) -> None:
    """The home page's hand-written budget table is the govukTable one, cell for cell."""
    year = "2026-27"
    positions = [
        cluster_budgets.ClusterPosition(
            uuid.uuid4(), "North <& East>", year, Decimal("1000"), Decimal("1200.5"),
            Decimal("3"), 3,
        ),
        cluster_budgets.ClusterPosition(
            uuid.uuid4(), "South", year, None, Decimal("0.00"), Decimal("0.00"), 0
        ),
        cluster_budgets.ClusterPosition(
            uuid.uuid4(), "West", year, Decimal("0"), Decimal("0.00"), Decimal("0.00"), 0
        ),
        cluster_budgets.ClusterPosition(
            uuid.uuid4(), "Central", year, Decimal("5000"), Decimal("1234.56"),
            Decimal("100"), 2,
        ),
    ]  # fmt: skip

    def rendered(name: str) -> str:
        html = render_template_string(
            '{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}'
            "{% include name %}",
            name=name,
            positions=positions,
            year=year,
        )
        return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()

    shared = rendered("panels/_positions.html")
    assert "Overspent" in shared and "Not set" in shared and "North &lt;&amp; East&gt;" in shared
    assert rendered("home/cards/_positions.html") == shared
