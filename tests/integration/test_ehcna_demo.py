"""The demo EHCNA step leaves a year of requests at every stage: some overdue, some with
exceptions, final plans (children now E) and annual reviews due."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from sendtrack.demo import DemoContext
from sendtrack.demo.ehcna import CASES, seed_ehcna
from sendtrack.extensions import db
from sendtrack.models import EhcnaRequest, Phase, Role, SenStatus, Setting, Sex
from sendtrack.services import accounts
from sendtrack.services.accounts import MembershipSpec
from sendtrack.services.ehcna import annual_reviews
from sendtrack.services.ehcna import requests as ehcna
from sendtrack.services.pupils import records as pupils
from tests.clock import TODAY


def test_demo_has_requests_at_every_stage(ctx: None) -> None:
    home = Setting(urn="990001", name="Demo home", phase=Phase.PRIMARY)
    away = Setting(urn="990002", name="Demo away", phase=Phase.PRIMARY)
    db.session.add_all([home, away])
    db.session.flush()
    officer = accounts.create_user(
        None,
        email="officer@demo.test",
        name="Officer",
        password="demo-password-2026-x",
        memberships=[MembershipSpec(Role.LA_OFFICER)],
    )
    children = [
        pupils.create_pupil(
            None,
            pupils.PupilDetails(
                legal_surname=f"Demo{i}",
                legal_forename="Child",
                date_of_birth=date(2015, 1, 1),
                sex=Sex.FEMALE,
                setting_id=(home if i % 2 else away).id,
            ),
            status_since=TODAY - timedelta(days=900),
        )
        for i in range(len(CASES) + 10)
    ]
    demo = DemoContext(
        password="x",
        made={
            "settings": {"990001": home, "990002": away},
            "users": {"officer": officer},
            "pupils": children,
        },
    )
    seed_ehcna(demo)
    made: list[EhcnaRequest] = demo.made["ehcna_requests"]
    assert set(ehcna.STAGES) <= {ehcna.stage(r) for r in made}
    overdue = [r for r in made if (d := ehcna.next_due(r)) is not None and d < TODAY]
    assert len(overdue) >= 3
    assert sum(1 for r in made if r.exceptions) == 3
    issued = [r for r in made if r.plan_issued_date]
    assert issued and all(r.pupil.sen_status is SenStatus.EHC_PLAN for r in issued)
    assert annual_reviews.counts()["overdue"] >= 1
    assert any(r.setting_id == home.id for r in made)
    assert db.session.scalars(select(EhcnaRequest)).all()
