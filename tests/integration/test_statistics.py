"""`flask stats` and the figures behind it, with data whose answers are known by hand.

Periods are years in the past (2010-2014) so the shared test world, whose dates follow
today, never falls inside them: every figure below is exact, not a lower bound.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Date, literal, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    DecisionOutcome,
    EhcnaRequest,
    PanelDecision,
    Pupil,
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
from sendtrack.services.statistics.avoided import rate
from sendtrack.services.statistics.months import add_months
from tests.clock import TODAY
from tests.world import World

YES, NO, UNSURE = WouldRequestEhcna.YES, WouldRequestEhcna.NO, WouldRequestEhcna.UNSURE
Out = DecisionOutcome


@dataclass
class Builder:
    """Makes children, referrals with decisions, RTF applications and EHCNA requests."""

    world: World
    made: dict[str, Pupil] = field(default_factory=dict)
    serial: int = 0

    def _ref(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-STATS-{self.serial:04d}"

    def child(
        self,
        name: str,
        *,
        status: SenStatus = SenStatus.SEN_SUPPORT,
        since: date = date(2009, 9, 1),
        left: date | None = None,
        history: list[tuple[SenStatus, date]] | None = None,
    ) -> Pupil:
        """A child whose status history is `history` (oldest first) or just `status`."""
        steps = history or [(status, since)]
        pupil = Pupil(
            legal_surname=name,
            legal_forename="Stat",
            date_of_birth=date(2006, 5, 1),
            sex=Sex.MALE,
            setting_id=self.world["a1"],
            sen_status=steps[-1][0],
            sen_status_since=steps[-1][1],
            left_date=left,
        )
        for step_status, start in steps:
            pupil.status_history.append(SenStatusChange(status=step_status, start_date=start))
        db.session.add(pupil)
        db.session.flush()
        self.made[name] = pupil
        return pupil

    def _pupil(self, who: str | Pupil) -> Pupil:
        if isinstance(who, Pupil):
            return who
        return self.made.get(who) or self.child(who)

    def referral(
        self,
        who: str | Pupil,
        answer: WouldRequestEhcna | None,
        decisions: list[tuple[date, DecisionOutcome, str]] | None = None,
        *,
        submitted: date | None = None,
        confirmed: bool = True,
    ) -> Referral:
        """A referral submitted 30 days before its first decision unless told otherwise."""
        pupil = self._pupil(who)
        decisions = decisions or []
        if submitted is None and decisions:
            submitted = decisions[0][0] - timedelta(days=30)
        referral = Referral(
            reference=self._ref("REF"),
            pupil_id=pupil.id,
            setting_id=self.world["a1"],
            cluster_id=self.world["A"],
            status=ReferralStatus.DECIDED if decisions else ReferralStatus.DRAFT,
            request_type=RequestType.BOTH,
            would_request_ehcna=answer,
            submitted_date=submitted,
        )
        db.session.add(referral)
        db.session.flush()
        for on, outcome, amount in decisions:
            db.session.add(
                PanelDecision(
                    referral_id=referral.id,
                    decision_date=on,
                    outcome=outcome,
                    amount_awarded=Decimal(amount),
                    confirmed_at=datetime(on.year, on.month, on.day, 16, tzinfo=UTC)
                    if confirmed
                    else None,
                )
            )
        db.session.flush()
        return referral

    def panel(
        self,
        who: str | Pupil,
        answer: WouldRequestEhcna | None,
        on: date,
        outcome: DecisionOutcome = Out.ADVICE,
        amount: str = "0",
        confirmed: bool = True,
    ) -> Referral:
        return self.referral(who, answer, [(on, outcome, amount)], confirmed=confirmed)

    def rtf(
        self,
        who: str | Pupil,
        answer: WouldRequestEhcna | None,
        decided: date | None,
        decision: RtfDecision | None = RtfDecision.APPROVED,
        amount: str | None = "1000",
        *,
        applied: date | None = None,
    ) -> RtfApplication:
        """An application made 30 days before its decision unless told otherwise."""
        pupil = self._pupil(who)
        if applied is None:
            assert decided is not None
            applied = decided - timedelta(days=30)
        application = RtfApplication(
            reference=self._ref("RTF"),
            pupil_id=pupil.id,
            early_years_setting_id=self.world["ey_a"],
            receiving_setting_id=self.world["a1"],
            reception_year=2012,
            status=RtfStatus.DECIDED if decision else RtfStatus.SUBMITTED,
            application_date=applied,
            would_request_ehcna=answer,
            decision=decision,
            decision_date=decided if decision else None,
            amount_awarded=Decimal(amount) if amount and decision else None,
        )
        db.session.add(application)
        db.session.flush()
        return application

    def ehcna(self, who: str | Pupil, received: date) -> EhcnaRequest:
        request = EhcnaRequest(
            reference=self._ref("EHCNA"),
            pupil_id=self._pupil(who).id,
            setting_id=self.world["a1"],
            received_date=received,
            request_source=RequestSource.SETTING,
        )
        db.session.add(request)
        db.session.flush()
        return request


def no_outcomes(**counts: int) -> dict[str, int]:
    return {f"referrals.outcome.{o.value}": counts.get(o.value, 0) for o in DecisionOutcome}


# ---------------------------------------------------------------------------------------
# Requests avoided: period 2012-04-01 to 2013-03-31, as at 2014-01-15, 12-month window.
# ---------------------------------------------------------------------------------------
P_FROM, P_TO, AS_AT = date(2012, 4, 1), date(2013, 3, 31), date(2014, 1, 15)


def build_avoided(b: Builder) -> None:
    # avoided: answered yes, window closed, no request inside it
    b.panel("Plain", YES, date(2012, 6, 10))
    # window ends 2014-01-15, ON the as-at date: closed, so avoided
    b.panel("ClosesOnAsAt", YES, date(2013, 1, 15))
    # window ends 2014-01-16, the day after the as-at date: pending
    b.panel("OpenOneMoreDay", YES, date(2013, 1, 16))
    # request received on the window's last day (2013-05-01): inside, escalated
    b.panel("LastDay", YES, date(2012, 5, 1), Out.RESOURCES, "800")
    b.ehcna("LastDay", date(2013, 5, 1))
    # request the day after the window's last day (2013-05-02): avoided
    b.panel("DayAfter", YES, date(2012, 5, 2), Out.RESOURCES, "700")
    b.ehcna("DayAfter", date(2013, 5, 3))
    # request received the day before the decision: not inside the window, avoided
    b.panel("RequestBefore", YES, date(2012, 7, 1))
    b.ehcna("RequestBefore", date(2012, 6, 30))
    # left before the window closed (2013-08-01): lost to follow-up
    b.child("LeftEarly", left=date(2013, 2, 1))
    b.panel("LeftEarly", YES, date(2012, 8, 1))
    # left on the window's last day: followed for the whole window, avoided
    b.child("LeftOnLastDay", left=date(2013, 9, 1))
    b.panel("LeftOnLastDay", YES, date(2012, 9, 1))
    # requested, then left: escalated wins
    b.child("EscalatedThenLeft", left=date(2013, 1, 1))
    b.panel("EscalatedThenLeft", YES, date(2012, 10, 1), Out.ADVICE_AND_RESOURCES, "1200")
    b.ehcna("EscalatedThenLeft", date(2012, 12, 1))
    # two episodes: only the first counts; the request is outside ITS window -> avoided
    b.panel("TwoEpisodes", YES, date(2012, 6, 1), Out.RESOURCES, "500")
    b.rtf("TwoEpisodes", YES, date(2012, 11, 1))
    b.ehcna("TwoEpisodes", date(2013, 8, 1))
    # first episode ever was before the period: not counted for the later one
    b.panel("FirstBefore", YES, date(2012, 1, 10))
    b.panel("FirstBefore", YES, date(2012, 6, 1))
    # no / not sure / no answer: not flagged, whatever happened next
    b.panel("SaidNo", NO, date(2012, 7, 1), Out.ADVICE_AND_RESOURCES, "300")
    b.ehcna("SaidNo", date(2012, 9, 1))
    b.rtf("SaidUnsure", UNSURE, date(2012, 7, 15))
    b.panel("NoAnswer", None, date(2012, 7, 20))
    # RTF part-approved on the period's last day: window open at the as-at date, pending
    b.rtf("RtfLastDay", YES, date(2013, 3, 31), RtfDecision.PART_APPROVED, "400")
    # not early-support episodes at all: declined RTF, unconfirmed decision, signposted
    b.rtf("RtfDeclined", YES, date(2012, 8, 1), RtfDecision.DECLINED, None)
    b.panel("Unconfirmed", YES, date(2012, 8, 1), confirmed=False)
    b.panel("Signposted", YES, date(2012, 8, 1), Out.SIGNPOSTED)
    # leaves after the as-at date, window still open: pending, not lost (yet)
    b.child("LeavesLater", left=date(2014, 2, 1))
    b.panel("LeavesLater", YES, date(2013, 3, 1))
    # panel and RTF on the same day: the panel decision (answered no) is the first
    b.panel("SameDay", NO, date(2012, 12, 1))
    b.rtf("SameDay", YES, date(2012, 12, 1))
    # decided after the period: not counted
    b.panel("AfterPeriod", YES, date(2013, 4, 1))
    # request received on the decision day: escalated
    b.rtf("SameDayRequest", YES, date(2012, 9, 15))
    b.ehcna("SameDayRequest", date(2012, 9, 15))
    # request inside the window but after the as-at date: not known then, pending
    b.panel("RequestAfterAsAt", YES, date(2013, 3, 10))
    b.ehcna("RequestAfterAsAt", date(2014, 2, 1))


AVOIDED_EXPECTED: dict[str, int | float] = {
    # 23 children; LeftEarly, LeftOnLastDay and EscalatedThenLeft had left by 2014-01-15
    "register.sen_support": 20,
    "register.ehc_plan": 0,
    # submitted 30 days before the first decision: all but FirstBefore's first referral
    "referrals.received": 19,
    # confirmed, in the period: not FirstBefore's first, Unconfirmed, AfterPeriod
    "referrals.decided": 17,
    **no_outcomes(advice=11, resources=3, advice_and_resources=2, signposted=1),
    "referrals.pupils_supported": 16,
    "referrals.amount_awarded": 3500.0,
    # TwoEpisodes, SaidUnsure, RtfLastDay, RtfDeclined, SameDay, SameDayRequest
    "rtf.applications": 6,
    "rtf.approved": 5,
    "rtf.amount_awarded": 4400.0,
    "avoided.avoided": 6,
    "avoided.escalated": 3,
    "avoided.pending": 4,
    "avoided.lost_to_follow_up": 1,
    "avoided.not_flagged": 4,
    "avoided.rate": 0.667,
}


def _mine(measures: dict[str, int | float]) -> dict[str, int | float]:
    """This branch's measures: EHCNA (SEN2) and contacts figures are tested with their own
    modules (test_ehcna_figures.py, test_contacts_figures.py)."""
    return {k: v for k, v in measures.items() if not k.startswith(("ehcna.", "contacts."))}


def test_requests_avoided_classifies_each_child_once_by_the_documented_boundaries(
    ctx: None, world: World
) -> None:
    build_avoided(Builder(world))
    measures = statistics.compute(P_FROM, P_TO, AS_AT)
    assert _mine(measures) == AVOIDED_EXPECTED
    assert list(measures) == sorted(measures)

    children = statistics.avoided_children(P_FROM, P_TO, AS_AT)
    names = {category: [c.name.split()[-1] for c in rows] for category, rows in children.items()}
    assert names == {
        "avoided": [
            "ClosesOnAsAt",
            "DayAfter",
            "LeftOnLastDay",
            "Plain",
            "RequestBefore",
            "TwoEpisodes",
        ],
        "escalated": ["EscalatedThenLeft", "LastDay", "SameDayRequest"],
        "pending": ["LeavesLater", "OpenOneMoreDay", "RequestAfterAsAt", "RtfLastDay"],
        "lost_to_follow_up": ["LeftEarly"],
        "not_flagged": ["NoAnswer", "SaidNo", "SaidUnsure", "SameDay"],
    }
    by_name = {c.name.split()[-1]: c for rows in children.values() for c in rows}
    assert by_name["LastDay"].window_end == date(2013, 5, 1)
    assert by_name["LastDay"].ehcna_received == date(2013, 5, 1)
    assert by_name["DayAfter"].ehcna_received is None
    assert by_name["TwoEpisodes"].source == "panel"
    assert by_name["TwoEpisodes"].decision_date == date(2012, 6, 1)
    assert by_name["SameDay"].source == "panel" and by_name["SameDay"].answer is NO
    assert by_name["RtfLastDay"].window_end == date(2014, 3, 31)
    assert by_name["LeftEarly"].left_date == date(2013, 2, 1)
    # the drill-down adds up to the figures
    assert {f"avoided.{k}": len(v) for k, v in children.items()} == {
        k: v
        for k, v in AVOIDED_EXPECTED.items()
        if k.startswith("avoided.") and k != "avoided.rate"
    }


def test_a_shorter_window_moves_children_and_clamps_month_ends(ctx: None, world: World) -> None:
    build_avoided(Builder(world))
    measures = statistics.compute(P_FROM, P_TO, AS_AT, window_months=6)
    # Every 6-month window has closed by 2014-01-15. LastDay's request (2013-05-01) is now
    # outside its window (ends 2012-11-01); LeftEarly left on its window's last day
    # (2013-02-01), so was followed throughout; RtfLastDay's window ends 2013-09-30.
    assert {k: v for k, v in measures.items() if k.startswith("avoided.")} == {
        "avoided.avoided": 12,
        "avoided.escalated": 2,
        "avoided.pending": 0,
        "avoided.lost_to_follow_up": 0,
        "avoided.not_flagged": 4,
        "avoided.rate": 0.857,
    }
    rows = statistics.avoided_children(P_FROM, P_TO, AS_AT, window_months=6)["avoided"]
    assert {c.name.split()[-1]: c.window_end for c in rows}["RtfLastDay"] == date(2013, 9, 30)


def test_as_at_date_judges_what_was_known_then(ctx: None, world: World) -> None:
    build_avoided(Builder(world))
    # As at 2013-05-01 only windows ending by then are closed: LastDay's request arrived
    # that very day (escalated); DayAfter's window ends 2013-05-02 (pending).
    children = statistics.avoided_children(P_FROM, P_TO, date(2013, 5, 1))
    names = {category: [c.name.split()[-1] for c in rows] for category, rows in children.items()}
    assert names["escalated"] == ["EscalatedThenLeft", "LastDay", "SameDayRequest"]
    assert names["avoided"] == []
    assert names["lost_to_follow_up"] == ["LeftEarly"]
    assert "DayAfter" in names["pending"] and "LeavesLater" in names["pending"]
    measures = statistics.compute(P_FROM, P_TO, date(2013, 5, 1))
    assert measures["avoided.escalated"] == 3 and measures["avoided.avoided"] == 0
    assert measures["avoided.rate"] == 0.0
    # LeftEarly and EscalatedThenLeft had left by then; LeftOnLastDay had not
    assert measures["register.sen_support"] == 21


# ---------------------------------------------------------------------------------------
# Referrals and RTF: period 2010-04-01 to 2011-03-31, as at 2011-06-30.
# ---------------------------------------------------------------------------------------
R_FROM, R_TO, R_AS_AT = date(2010, 4, 1), date(2011, 3, 31), date(2011, 6, 30)


def build_referrals(b: Builder) -> None:
    # deferred, then resources: counted once, by its latest decision in the period
    b.referral("Kay", None, [(date(2010, 5, 1), Out.DEFERRED, "0")])
    first = b.made["Kay"]
    db.session.add(
        PanelDecision(
            referral_id=db.session.scalars(
                select(Referral.id).where(Referral.pupil_id == first.id)
            ).one(),
            decision_date=date(2010, 6, 1),
            outcome=Out.RESOURCES,
            amount_awarded=Decimal("1500.50"),
            confirmed_at=datetime(2010, 6, 1, 16, tzinfo=UTC),
        )
    )
    # a second referral for the same child: two decisions, one child supported
    b.panel("Kay", None, date(2010, 10, 1), Out.ADVICE_AND_RESOURCES, "999.99")
    # deferred in the period, decided after it: deferred in this period
    b.referral(
        "Dee", None, [(date(2011, 3, 1), Out.DEFERRED, "0"), (date(2011, 4, 15), Out.ADVICE, "0")]
    )
    b.panel("Dec", None, date(2010, 7, 1), Out.DECLINED)
    b.panel("Rec", None, date(2010, 8, 1), Out.RECOMMEND_EHCNA)
    b.panel("Wit", None, date(2010, 9, 1), Out.WITHDRAWN)
    b.panel("LastDay", None, date(2011, 3, 31), Out.ADVICE)  # submitted 2011-03-01
    b.panel("FirstDay", None, date(2010, 4, 1), Out.SIGNPOSTED)  # submitted before the period
    b.panel("DayBefore", None, date(2010, 3, 31), Out.ADVICE)  # both before the period
    b.panel("Draft", None, date(2010, 5, 5), Out.ADVICE, confirmed=False)  # not decided
    b.referral("NeverSent", None)  # draft, never submitted
    # RTF
    b.rtf("T1", None, date(2010, 6, 1), RtfDecision.APPROVED, "1200")
    b.rtf("T2", None, date(2011, 3, 31), RtfDecision.PART_APPROVED, "600.25")
    b.rtf("T3", None, date(2010, 9, 1), RtfDecision.DECLINED, None)
    b.rtf("T4", None, None, None, None, applied=date(2011, 3, 15))  # not decided yet
    b.rtf("T5", None, date(2010, 4, 1), RtfDecision.APPROVED, "100", applied=date(2010, 3, 1))
    b.rtf("T6", None, date(2011, 4, 2), RtfDecision.APPROVED, "50", applied=date(2011, 3, 20))


REFERRALS_EXPECTED: dict[str, int | float] = {
    "register.sen_support": 16,
    "register.ehc_plan": 0,
    # Kay x2, Dee, Dec, Rec, Wit, LastDay, Draft (submitted; its decision is unconfirmed)
    "referrals.received": 8,
    "referrals.decided": 8,
    **no_outcomes(
        advice=1,
        resources=1,
        advice_and_resources=1,
        signposted=1,
        recommend_ehcna=1,
        declined=1,
        deferred=1,
        withdrawn=1,
    ),
    "referrals.pupils_supported": 2,
    "referrals.amount_awarded": 2500.49,
    "rtf.applications": 5,
    "rtf.approved": 3,
    "rtf.amount_awarded": 1900.25,
    # no school answered: Kay, LastDay, T1, T2 and T5 had their first episode in the period
    "avoided.avoided": 0,
    "avoided.escalated": 0,
    "avoided.pending": 0,
    "avoided.lost_to_follow_up": 0,
    "avoided.not_flagged": 5,
}


def test_referral_and_rtf_figures_by_outcome_and_decision(ctx: None, world: World) -> None:
    build_referrals(Builder(world))
    measures = statistics.compute(R_FROM, R_TO, R_AS_AT)
    assert _mine(measures) == REFERRALS_EXPECTED
    assert "avoided.rate" not in measures  # no denominator, no rate

    # a period holding only the later decisions: Dee's advice, T6's approval
    later = statistics.compute(date(2011, 4, 1), date(2011, 4, 30), R_AS_AT)
    assert later["referrals.decided"] == 1 and later["referrals.outcome.advice"] == 1
    assert later["referrals.outcome.deferred"] == 0
    assert later["rtf.approved"] == 1 and later["rtf.amount_awarded"] == 50.0
    assert later["rtf.applications"] == 0 and later["referrals.received"] == 0


def test_register_uses_the_status_in_force_on_the_as_at_date(ctx: None, world: World) -> None:
    b = Builder(world)
    b.child("AlwaysK", since=date(2013, 1, 1))
    b.child(
        "KThenE",
        history=[(SenStatus.SEN_SUPPORT, date(2013, 1, 1)), (SenStatus.EHC_PLAN, date(2013, 6, 1))],
    )
    b.child(
        "NThenK",
        history=[(SenStatus.NONE, date(2013, 1, 1)), (SenStatus.SEN_SUPPORT, date(2013, 9, 1))],
    )
    b.child(
        "KThenN",
        history=[(SenStatus.SEN_SUPPORT, date(2013, 1, 1)), (SenStatus.NONE, date(2013, 7, 1))],
    )
    b.child("EPlan", status=SenStatus.EHC_PLAN, since=date(2013, 2, 1))
    b.child("LeftOnDay", since=date(2013, 1, 1), left=date(2013, 6, 1))
    b.child("Later", since=date(2014, 1, 1))  # no status yet on any date below

    def register(on: date) -> tuple[int | float, int | float]:
        m = statistics.compute(on, on, on)
        return m["register.sen_support"], m["register.ehc_plan"]

    assert register(date(2012, 12, 31)) == (0, 0)
    # AlwaysK, KThenE, KThenN, LeftOnDay; EPlan
    assert register(date(2013, 5, 31)) == (4, 1)
    # KThenE is now E; LeftOnDay left that very day and is not counted
    assert register(date(2013, 6, 1)) == (2, 2)
    # KThenN stopped at 2013-07-01, NThenK started at 2013-09-01
    assert register(date(2013, 9, 1)) == (2, 2)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2024, 5, 15), 12, date(2025, 5, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: last day of February
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 3, 31), 11, date(2024, 2, 29)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2024, 8, 31), 60, date(2029, 8, 31)),
        (date(2024, 10, 31), 1, date(2024, 11, 30)),
    ],
)
def test_window_end_is_calendar_months_clamped_to_the_month_end(
    ctx: None, start: date, months: int, end: date
) -> None:
    assert db.session.scalar(select(add_months(literal(start, Date), months))) == end


def test_rate_is_rounded_half_up_and_absent_without_denominator() -> None:
    assert rate(1, 15) == 0.063  # 0.0625
    assert rate(2, 1) == 0.667
    assert rate(0, 4) == 0.0
    assert rate(3, 0) == 1.0
    assert rate(0, 0) is None


def test_a_period_with_nothing_in_it_gives_zeros_on_its_own_and_in_a_trend(
    ctx: None, world: World
) -> None:
    """One period is counted without grouping by period (spans.py): an aggregate of no rows
    still gives one row, of zero counts and NULL sums, which must read as zeros."""
    empty = (date(1990, 4, 1), date(1990, 6, 30))
    alone = statistics.compute(*empty, date(1991, 1, 1))
    trend = statistics.compute_periods(
        [empty, (date(1990, 7, 1), date(1990, 9, 30))], date(1991, 1, 1)
    )
    for measures in (alone, trend[0]):
        flows = {k: v for k, v in measures.items() if not k.startswith("register.")}
        assert flows and set(flows.values()) == {0}, flows
        assert "avoided.rate" not in measures
    assert alone == trend[0]


def test_ehcna_measures_follow_the_setting_and_cluster_filters(ctx: None, world: World) -> None:
    # The test world has two requests received in the last 30 days at a1 (cluster A), one of
    # them the restricted child's (figures count every child), and one at b1.
    today = TODAY
    start, end = today - timedelta(days=60), today
    whole = statistics.compute(start, end, today)
    only_a1 = statistics.compute(
        start, end, today, filters=statistics.Filters(setting_ids=frozenset({world["a1"]}))
    )
    only_b = statistics.compute(
        start, end, today, filters=statistics.Filters(cluster_ids=frozenset({world["B"]}))
    )
    nowhere = statistics.compute(
        start, end, today, filters=statistics.Filters(setting_ids=frozenset())
    )
    assert only_a1["ehcna.requests_received"] == 2
    assert only_b["ehcna.requests_received"] == 1
    assert nowhere["ehcna.requests_received"] == 0
    assert whole["ehcna.requests_received"] >= 3


def test_compute_refuses_a_backwards_period_or_a_silly_window(ctx: None) -> None:
    with pytest.raises(ValueError, match="on or before"):
        statistics.compute(date(2011, 1, 2), date(2011, 1, 1), date(2011, 1, 2))
    with pytest.raises(ValueError, match="1 to 60 months"):
        statistics.compute(date(2011, 1, 1), date(2011, 1, 2), date(2011, 1, 2), 61)


# ---------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------
RANGE = ["--from", R_FROM.isoformat(), "--to", R_TO.isoformat(), "--as-at", R_AS_AT.isoformat()]


def _seed(app: Flask) -> None:
    with app.app_context():
        build_referrals(Builder(app.config["WORLD"]))
        db.session.commit()


def _stats(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["stats", *args])


def _exports(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.EXPORT, AuditEvent.object_type == "statistics"
            )
        ).all()
        db.session.expunge_all()
        return list(events)


def test_cli_json_and_csv_to_standard_output_are_audited(app: Flask) -> None:
    _seed(app)
    result = _stats(app, *RANGE, "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert _mine(figures) == REFERRALS_EXPECTED
    assert list(figures) == sorted(figures)
    assert result.stdout.index('"avoided.avoided"') < result.stdout.index('"rtf.approved"')

    result = _stats(app, *RANGE, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["measure", "value"]
    as_csv = {m: json.loads(v) for m, v in rows[1:]}
    assert as_csv == figures
    assert ["referrals.amount_awarded", "2500.49"] in rows

    events = _exports(app)
    assert len(events) == 2
    assert all(e.user_id is None and e.user_email is None for e in events)
    assert events[0].summary == (
        "Statistics 2010-04-01 to 2011-03-31 as at 2011-06-30, window 12 months, json"
    )
    assert events[1].changes is not None and events[1].changes["format"] == [None, "csv"]


def test_cli_writes_excel_with_figures_and_method(app: Flask, tmp_path: Path) -> None:
    _seed(app)
    out = tmp_path / "stats.xlsx"
    result = _stats(app, *RANGE, "--window-months", "18", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Figures", "Method"]
    sheet = book["Figures"]
    assert sheet["A1"].value == "OFFICIAL-SENSITIVE"
    values = {row[2]: row[3] for row in sheet.iter_rows(min_row=6, values_only=True)}
    assert values["referrals.received"] == 8
    assert values["referrals.amount_awarded"] == 2500.49
    assert values["avoided.not_flagged"] == 5
    method = " ".join(str(c) for row in book["Method"].iter_rows(values_only=True) for c in row)
    assert "18 calendar months" in method
    assert "as at 30 June 2011" in method
    assert "No rate is given" in method
    assert len(_exports(app)) == 1


def test_cli_writes_a_marked_pdf_with_figures_and_method(app: Flask, tmp_path: Path) -> None:
    _seed(app)
    out = tmp_path / "stats.pdf"
    result = _stats(app, *RANGE, "--format", "pdf", "--out", str(out))
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "OFFICIAL-SENSITIVE" in text
    assert "referrals.received" in text
    assert "£2,500.49" in text
    method = text[text.index("\nMethod\n") :]
    assert "Follow-up window" in method and "12 calendar months" in method
    assert text.index("\nMethod\n") > text.index("rtf.approved")
    assert len(_exports(app)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2010-13-01", "--to", "2011-03-31"], "'2010-13-01' is not a real date"),
        (["--from", "1/4/2010", "--to", "2011-03-31"], "is not a real date written YYYY-MM-DD"),
        (["--from", "2011-04-01", "--to", "2011-03-31"], "must be on or before --to"),
        (["--to", "2011-03-31"], "Missing option '--from'"),
        (["--from", "2010-04-01", "--to", "2011-03-31", "--window-months", "0"], "1<=x<=60"),
        (["--from", "2010-04-01", "--to", "2011-03-31", "--window-months", "61"], "1<=x<=60"),
        (["--from", "2010-04-01", "--to", "2011-03-31", "--format", "docx"], "'docx' is not one"),
        (
            ["--from", "2010-04-01", "--to", "2011-03-31", "--format", "xlsx"],
            "--out FILE is required",
        ),
        (
            ["--from", "2010-04-01", "--to", "2011-03-31", "--format", "pdf"],
            "--out FILE is required",
        ),
        (
            ["--from", "2010-04-01", "--to", "2011-03-31", "--as-at", "2010-03-31"],
            "must be on or after --from",
        ),
        (["--from", "0999-04-01", "--to", "2011-03-31"], "must be a date from 1900 to 2199"),
    ],
)
def test_cli_bad_options_get_a_clear_message_and_nothing_is_audited(
    app: Flask, args: list[str], message: str
) -> None:
    result = _stats(app, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert _exports(app) == []


def test_cli_unwritable_output_is_a_clear_error(app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "missing-folder" / "stats.csv"
    result = _stats(app, *RANGE, "--format", "csv", "--out", str(out))
    assert result.exit_code == 1
    assert "Could not write" in result.output
    assert isinstance(result.exception, SystemExit)
    assert _exports(app) == []


def test_several_periods_in_one_pass_give_each_period_s_own_figures(
    ctx: None, world: World
) -> None:
    """compute_periods (the dashboard trend) must equal compute() period by period, for
    quarters that follow each other, for months with gaps between them, and with the
    register taken at each period's end."""
    from sendtrack.services.statistics.dashboard import _measures
    from sendtrack.services.statistics.periods import last_quarters

    b = Builder(world)
    build_avoided(b)
    build_referrals(b)
    b.ehcna(b.child("Trendy"), date(2011, 2, 3))
    as_at = date(2013, 6, 30)
    quarters = last_quarters(date(2013, 3, 31), 16)
    together = statistics.compute_periods([(q.start, q.end) for q in quarters], as_at)
    assert together == [statistics.compute(q.start, q.end, as_at) for q in quarters]
    assert any(m["referrals.decided"] for m in together)  # the data is in these quarters
    assert any(m["avoided.avoided"] + m["avoided.escalated"] for m in together)

    at_end = statistics.compute_periods(
        [(q.start, q.end) for q in quarters], as_at, register_as_at_period_end=True
    )
    assert at_end == [_measures(q, as_at, 12, statistics.NO_FILTERS) for q in quarters]

    gaps = [(date(2010, 5, 1), date(2010, 5, 31)), (date(2011, 4, 1), date(2011, 4, 30))]
    assert statistics.compute_periods(gaps, as_at) == [
        statistics.compute(start, end, as_at) for start, end in gaps
    ]
    with pytest.raises(ValueError, match="overlap"):
        statistics.compute_periods([(date(2011, 1, 1), date(2011, 6, 30))] * 2, as_at)
