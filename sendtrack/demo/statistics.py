"""Demo history for the statistics dashboard: two years of confirmed cluster panel
decisions on referrals, the schools' "would you request an EHCNA?" answers, and the EHCNA
requests and leavers that follow some of them, so every requests-avoided category, the
8-quarter trend and the breakdowns have figures to show.

Its own random generator (seeded), so it neither changes nor depends on other steps' data.
Written as plain rows: this is history, as an import would bring it, not new casework.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from sendtrack.demo.context import DemoContext
from sendtrack.extensions import db
from sendtrack.models import (
    DecisionOutcome,
    EhcnaRequest,
    PanelDecision,
    Referral,
    ReferralStatus,
    RequestSource,
    RequestType,
    SenStatus,
    WouldRequestEhcna,
)

T = TypeVar("T")
SEED = 8008
REFERRALS = 140
OUTCOMES = [
    (DecisionOutcome.ADVICE, 30),
    (DecisionOutcome.RESOURCES, 25),
    (DecisionOutcome.ADVICE_AND_RESOURCES, 25),
    (DecisionOutcome.SIGNPOSTED, 8),
    (DecisionOutcome.RECOMMEND_EHCNA, 5),
    (DecisionOutcome.DECLINED, 5),
    (DecisionOutcome.DEFERRED, 2),
]
ANSWERS = [(WouldRequestEhcna.YES, 55), (WouldRequestEhcna.UNSURE, 25), (WouldRequestEhcna.NO, 20)]


def _pick(rng: random.Random, pairs: Sequence[tuple[T, int]]) -> T:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def seed_statistics(ctx: DemoContext) -> None:
    rng = random.Random(SEED)
    today = date.today()
    candidates = [
        p
        for p in ctx.made.get("pupils", [])
        if p.sen_status is SenStatus.SEN_SUPPORT and p.setting.cluster_id is not None
    ]
    if not candidates:
        return
    chosen = rng.sample(candidates, min(REFERRALS, len(candidates)))
    for serial, pupil in enumerate(chosen, start=1):
        decided = today - timedelta(days=rng.randint(20, 730))
        outcome = _pick(rng, OUTCOMES)
        answer = _pick(rng, ANSWERS)
        referral = Referral(
            reference=f"DEMO-HIST-{serial:04d}",
            pupil_id=pupil.id,
            setting_id=pupil.setting_id,
            cluster_id=pupil.setting.cluster_id,
            status=ReferralStatus.DECIDED,
            request_type=RequestType.BOTH,
            amount_requested=Decimal(rng.choice([800, 1200, 1500, 2000, 3000])),
            reason="Support with communication and regulation in class",
            would_request_ehcna=answer,
            submitted_date=decided - timedelta(days=rng.randint(14, 40)),
        )
        db.session.add(referral)
        db.session.flush()
        resources = outcome in (DecisionOutcome.RESOURCES, DecisionOutcome.ADVICE_AND_RESOURCES)
        db.session.add(
            PanelDecision(
                referral_id=referral.id,
                decision_date=decided,
                outcome=outcome,
                amount_awarded=Decimal(rng.choice([500, 750, 1000, 1500])) if resources else 0,
                rationale="Decided at the cluster panel",
                confirmed_at=datetime.combine(decided, time(16, 0), tzinfo=UTC),
            )
        )
        roll = rng.random()
        if outcome.is_early_support and roll < 0.2:
            db.session.add(
                EhcnaRequest(
                    reference=f"DEMO-HIST-EHC-{serial:04d}",
                    pupil_id=pupil.id,
                    setting_id=pupil.setting_id,
                    received_date=min(today, decided + timedelta(days=rng.randint(30, 300))),
                    request_source=RequestSource.SETTING,
                )
            )
        elif outcome.is_early_support and roll < 0.27:
            pupil.left_date = min(today, decided + timedelta(days=rng.randint(30, 300)))
    db.session.flush()
