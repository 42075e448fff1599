"""APDR records for the test world: an open cycle with one outcome and one costed provision
for pupil_a (a1, visible to the A-side lead and panel) and the same for pupil_b (b1)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sendtrack.extensions import db
from sendtrack.models import ApdrCycle, ApdrOutcome, CycleStatus, Provision
from tests.clock import TODAY
from tests.world import World


def build(w: World, password: str) -> None:
    del password
    today = TODAY
    for side in ("a", "b"):
        cycle = ApdrCycle(
            pupil_id=w[f"pupil_{side}"],
            setting_id=w[f"{side}1"],
            number=1,
            status=CycleStatus.OPEN,
            needs_summary="Struggles to follow spoken instructions",
            start_date=today - timedelta(days=60),
            review_date=today + timedelta(days=7),
        )
        cycle.outcomes.append(ApdrOutcome(position=1, description="Follows a two-step instruction"))
        cycle.provisions.append(
            Provision(
                position=1,
                description="Language group",
                delivered_by="Teaching assistant",
                group_size=4,
                minutes_per_week=90,
                weeks=30,
                annual_cost=Decimal("225.00"),
            )
        )
        db.session.add(cycle)
        db.session.flush()
        w.ids[f"cycle_{side}"] = cycle.id
        w.ids[f"outcome_{side}"] = cycle.outcomes[0].id
        w.ids[f"provision_{side}"] = cycle.provisions[0].id
