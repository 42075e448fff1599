"""The demo register step gives the demo children costed cycles, with some reviews overdue
and some due in the next fortnight, so the register and home page look real."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from sendtrack.demo import DemoContext
from sendtrack.demo.register import seed_register
from sendtrack.extensions import db
from sendtrack.models import ApdrCycle, CycleStatus, Pupil, User
from sendtrack.services.pupils.apdr import reviews_due
from tests.clock import TODAY
from tests.register_data import bulk_setting
from tests.world import World


def test_demo_cycles_are_costed_with_reviews_overdue_and_due(ctx: None, world: World) -> None:
    setting_id = bulk_setting("Demo Primary", "399001", world["A"], 60)
    # The bulk children have cycles already; the demo step makes its own.
    pupils = list(db.session.scalars(select(Pupil).where(Pupil.setting_id == setting_id)))
    for cycle in db.session.scalars(select(ApdrCycle).where(ApdrCycle.setting_id == setting_id)):
        db.session.delete(cycle)
    db.session.flush()
    senco = db.session.get(User, world["senco"])
    demo = DemoContext(
        password="x", rng=random.Random(7), made={"pupils": pupils, "users": {"senco": senco}}
    )
    seed_register(demo)
    cycles = list(db.session.scalars(select(ApdrCycle).where(ApdrCycle.setting_id == setting_id)))
    open_cycles = [c for c in cycles if c.status is CycleStatus.OPEN]
    assert len(open_cycles) == demo.made["open_cycles"] >= 40
    assert any(c.status is CycleStatus.REVIEWED for c in cycles)
    today = TODAY
    assert any(c.review_date and c.review_date < today for c in open_cycles)
    assert any(
        c.review_date and today <= c.review_date <= today + timedelta(days=14) for c in open_cycles
    )
    assert all(p.annual_cost > 0 for c in cycles for p in c.provisions)
    assert all(len(c.provisions) >= 2 for c in cycles)
    officer = db.session.get(User, world["officer"])
    assert officer is not None
    # An area-wide user has no settings of their own: no home-page reviews panel data.
    assert reviews_due(officer)[2:] == (0, 0)
