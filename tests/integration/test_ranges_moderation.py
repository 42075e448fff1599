"""Moderation of judgements: an Area SEND Lead moderates their clusters' settings' confirmed
levels (never another cluster's, never a restricted child's), agrees or gives another level
with a comment; the SENCO sees the outcome on the cycle; the agreement figures per setting
and cluster equal hand-computed answers."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    RangesFramework,
    RangesJudgement,
    RangesModeration,
    User,
)
from sendtrack.services import retention
from sendtrack.services.ranges import moderation
from tests.clock import TODAY
from tests.conftest import sign_in
from tests.world import EMAILS, World


def client_for(app: Flask, key: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, EMAILS[key])
    return client


def _user(key: str) -> User:
    return db.session.scalars(select(User).where(User.email == EMAILS[key])).one()


def test_lead_agrees_or_disagrees_and_the_senco_sees_it(app: Flask, world: World) -> None:
    lead = client_for(app, "lead")
    page = lead.get("/ranges/moderation").get_data(as_text=True)
    assert "A One Primary" in page and "B One Primary" not in page
    assert "Alphason" not in page  # the judgement, not the child's record
    url = f"/ranges/judgements/{world['ranges_judgement_a']}/moderate"
    assert lead.get(f"/ranges/judgements/{world['ranges_judgement_b']}/moderate").status_code == 404
    response = lead.post(url, data={})
    assert response.status_code == 400
    assert "Choose whether you agree with the level" in response.get_data(as_text=True)
    with app.app_context():
        framework = db.session.get(RangesFramework, world["ranges_v1"])
        assert framework is not None
        targeted = str(framework.levels[1].id)
    response = lead.post(url, data={"agreed": "no", "level": targeted})
    assert response.status_code == 400
    assert "Enter a comment for the SENCO" in response.get_data(as_text=True)
    response = lead.post(
        url, data={"agreed": "no", "level": targeted, "comment": "Needs daily support"}
    )
    assert response.status_code == 302
    cycle_page = client_for(app, "senco").get(f"/pupils/cycles/{world['cycle_a']}")
    text = cycle_page.get_data(as_text=True)
    assert "Moderator would give Targeted: Needs daily support" in text
    # Moderated judgements leave the sample; changing one's mind replaces the outcome.
    assert "Moderate<span" not in lead.get("/ranges/moderation").get_data(as_text=True)
    assert lead.post(url, data={"agreed": "yes", "comment": ""}).status_code == 302
    with app.app_context():
        found = db.session.scalars(select(RangesModeration)).one()
        assert found.agreed and found.level_id is None


def test_agreement_figures_equal_hand_computed_answers(ctx: None, world: World) -> None:
    """Setting a1: 3 judgements moderated, 2 agreed (67%); b1: 1 moderated, 0 agreed (0%).
    Cluster A = a1 (3, 2, 67%); cluster B = b1 (1, 0, 0%). The lead of A sees A only."""
    officer = _user("officer")
    v1 = db.session.get(RangesFramework, world["ranges_v1"])
    assert v1 is not None
    universal, targeted = v1.levels
    area_a, area_b = v1.areas
    cycle_a = db.session.get(ApdrCycle, world["cycle_a"])
    cycle_b = db.session.get(ApdrCycle, world["cycle_b"])
    assert cycle_a is not None and cycle_b is not None

    def judged(cycle: ApdrCycle, area: object, days: int) -> RangesJudgement:
        j = db.session.scalar(
            select(RangesJudgement).where(
                RangesJudgement.cycle_id == cycle.id,
                RangesJudgement.area_id == area.id,  # type: ignore[attr-defined]
            )
        )
        if j is None:
            j = RangesJudgement(
                cycle_id=cycle.id, pupil_id=cycle.pupil_id, setting_id=cycle.setting_id,
                framework_id=v1.id, area_id=area.id, suggested_level_id=universal.id,  # type: ignore[attr-defined]
                level_id=universal.id, judged_on=TODAY - timedelta(days=days),
            )  # fmt: skip
            db.session.add(j)
            db.session.flush()
        return j

    a1 = [judged(cycle_a, area_a, 10), judged(cycle_a, area_b, 9)]
    quiet = ApdrCycle(pupil_id=world["pupil_a_quiet"], setting_id=world["a1"], number=1)
    db.session.add(quiet)
    db.session.flush()
    a1.append(judged(quiet, area_a, 8))
    b1 = judged(cycle_b, area_a, 7)
    for j, agreed in zip(a1, (True, True, False), strict=True):
        moderation.moderate(officer, j, agreed=agreed, level_id=targeted.id,
                            comment=None if agreed else "Higher")  # fmt: skip
    moderation.moderate(officer, b1, agreed=False, level_id=targeted.id, comment="Higher")
    settings, clusters = moderation.figures(officer)
    assert [(a.name, a.moderated, a.agreed, a.rate) for a in settings] == [
        ("A One Primary", 3, 2, 67),
        ("B One Primary", 1, 0, 0),
    ]
    assert [(a.name, a.moderated, a.agreed, a.rate) for a in clusters] == [
        ("Cluster A", 3, 2, 67),
        ("Cluster B", 1, 0, 0),
    ]
    settings, clusters = moderation.figures(_user("lead"))
    assert [(a.name, a.moderated) for a in clusters] == [("Cluster A", 3)]


def test_removing_a_child_removes_their_judgements(ctx: None, world: World) -> None:
    """Retention: a child's judgements, ticks and moderation go with the child's record."""
    officer = _user("officer")
    judgement = db.session.get(RangesJudgement, world["ranges_judgement_a"])
    assert judgement is not None
    moderation.moderate(officer, judgement, agreed=True, level_id=None, comment=None)
    retention.remove_pupils(officer, [world["pupil_a"]], "Past its retention date")
    left = db.session.scalars(
        select(RangesJudgement).where(RangesJudgement.pupil_id == world["pupil_a"])
    ).all()
    assert left == [] and db.session.scalars(select(RangesModeration)).all() == []
