"""The demo contacts step: a year of contacts by the lead and the officer, about named
children and not, follow-ups done, due and overdue, events attended by the cluster, and one
setting never contacted. Built on the test world's clusters, settings and accounts (the core
demo step cannot run beside the world)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from sendtrack.demo import DemoContext
from sendtrack.demo.contacts import seed_contacts
from sendtrack.extensions import db
from sendtrack.models import Cluster, Contact, ContactEvent, Pupil, Setting, User
from tests.world import World


def test_demo_has_a_year_of_contacts_follow_ups_and_events(ctx: None, world: World) -> None:
    before = set(db.session.scalars(select(Contact.id)))
    settings = {s.urn: s for s in db.session.scalars(select(Setting))}
    users = {key: db.session.get(User, world[key]) for key in ("lead", "officer")}
    demo = DemoContext(
        password="unused",
        made={
            "settings": settings,
            "users": users,
            "clusters": [db.session.get(Cluster, world["A"])],
            "pupils": list(db.session.scalars(select(Pupil).where(Pupil.is_restricted.is_(False)))),
        },
    )
    seed_contacts(demo)
    db.session.flush()
    made = [c for c in db.session.scalars(select(Contact)) if c.id not in before]
    today = date.today()
    assert len(made) > 150
    assert all(today - timedelta(days=365) <= c.contact_date < today for c in made)
    assert {c.recorded_by_id for c in made} == {world["lead"], world["officer"]}
    assert any(c.pupil_id for c in made) and any(c.pupil_id is None for c in made)
    open_ = [c for c in made if c.follow_up_open]
    assert any(c.follow_up_due and c.follow_up_due < today for c in open_)  # overdue
    assert any(c.follow_up_done_on for c in made)
    assert len(list(db.session.scalars(select(ContactEvent)))) >= 6
    # The lead's contacts are all with their cluster's settings.
    cluster_a = {s.id for s in settings.values() if s.cluster_id == world["A"]}
    assert {c.setting_id for c in made if c.recorded_by_id == world["lead"]} <= cluster_a
    never = max((s for s in settings.values() if s.id not in cluster_a), key=lambda s: s.urn)
    assert not [c for c in made if c.setting_id == never.id]
