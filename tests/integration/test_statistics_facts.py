"""The derived rows the statistics read (services/statistics/facts.py) stay exactly what a
fresh computation from the records gives, whatever is changed and however.

Each step below is followed by `facts.differences()`, which compares every stored row with
the SQL that `rebuild()` runs. Turning the flush hook off, or leaving out any of the
changes it handles, makes these tests fail."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, inspect, select, text, update

from sendtrack.extensions import db
from sendtrack.models import (
    DecisionOutcome,
    EarlySupportStart,
    PanelDecision,
    Pupil,
    RtfApplication,
    RtfDecision,
    User,
    WouldRequestEhcna,
)
from sendtrack.services import retention, statistics
from sendtrack.services.statistics import facts
from tests.conftest import PASSWORD, _database_url, _drop_database
from tests.integration.test_statistics import Builder
from tests.world import World, build_world

YES, NO = WouldRequestEhcna.YES, WouldRequestEhcna.NO
Out = DecisionOutcome


def in_step() -> None:
    found = facts.differences(db.session.connection())
    assert found.none, f"derived rows out of step: {found}"


def start_of(pupil: Pupil) -> EarlySupportStart | None:
    db.session.expire_all()
    return db.session.get(EarlySupportStart, pupil.id)


def _confirmed(on: date) -> datetime:
    return datetime(on.year, on.month, on.day, 16, tzinfo=UTC)


def test_each_kind_of_change_moves_a_child_s_first_episode(ctx: None, world: World) -> None:
    b = Builder(world)
    ada = b.child("Ada")
    later = b.panel(ada, NO, date(2012, 3, 1), Out.RESOURCES, "500")
    in_step()
    first = start_of(ada)
    assert first is not None
    assert (first.decision_date, first.source, first.answer) == (date(2012, 3, 1), "panel", NO)

    # An earlier, still unconfirmed decision is a draft: nothing moves until it is confirmed.
    earlier = b.panel(ada, YES, date(2011, 6, 1), Out.ADVICE, confirmed=False)
    in_step()
    assert start_of(ada).decision_date == date(2012, 3, 1)  # type: ignore[union-attr]
    draft = db.session.scalars(
        select(PanelDecision).where(PanelDecision.referral_id == earlier.id)
    ).one()
    draft.confirmed_at = _confirmed(date(2011, 6, 1))
    db.session.flush()
    in_step()
    assert (start_of(ada).decision_date, start_of(ada).answer) == (date(2011, 6, 1), YES)  # type: ignore[union-attr]

    # The school's answer changed on the referral.
    earlier.would_request_ehcna = NO
    db.session.flush()
    in_step()
    assert start_of(ada).answer == NO  # type: ignore[union-attr]

    # The outcome changed to one that gives no support: the next episode is the first.
    draft.outcome = Out.DECLINED
    db.session.flush()
    in_step()
    assert start_of(ada).decision_date == date(2012, 3, 1)  # type: ignore[union-attr]

    # An RTF award on the same day as the panel decision comes after it.
    award = b.rtf(ada, YES, date(2012, 3, 1))
    in_step()
    assert start_of(ada).source == "panel"  # type: ignore[union-attr]
    award.decision_date = date(2012, 2, 28)
    db.session.flush()
    in_step()
    assert (start_of(ada).source, start_of(ada).source_id) == ("rtf", award.id)  # type: ignore[union-attr]

    # The award moves to another child's record: both children change.
    bea = b.child("Bea")
    award.pupil_id = bea.id
    db.session.flush()
    in_step()
    assert start_of(ada).source == "panel"  # type: ignore[union-attr]
    assert start_of(bea).source_id == award.id  # type: ignore[union-attr]

    # Declined, then deleted; and the last decision deleted: no episode is left.
    award.decision = RtfDecision.DECLINED
    db.session.flush()
    in_step()
    assert start_of(bea) is None
    db.session.delete(award)
    db.session.delete(
        db.session.scalars(select(PanelDecision).where(PanelDecision.referral_id == later.id)).one()
    )
    db.session.flush()
    in_step()
    assert start_of(ada) is None


def test_a_deferred_referral_is_superseded_by_its_next_confirmed_decision(
    ctx: None, world: World
) -> None:
    b = Builder(world)
    referral = b.referral(
        "Cal",
        YES,
        [(date(2013, 3, 20), Out.DEFERRED, "0"), (date(2013, 4, 17), Out.ADVICE, "0")],
    )
    deferred, decided = sorted(
        db.session.scalars(select(PanelDecision).where(PanelDecision.referral_id == referral.id)),
        key=lambda d: d.decision_date,
    )
    db.session.expire_all()
    assert deferred.superseded_on == date(2013, 4, 17)
    assert decided.superseded_on is None
    # Counted in both quarters, and once (by the later decision) in the year.
    q4 = statistics.compute(date(2013, 1, 1), date(2013, 3, 31), date(2020, 1, 1))
    q1 = statistics.compute(date(2013, 4, 1), date(2013, 6, 30), date(2020, 1, 1))
    year = statistics.compute(date(2013, 1, 1), date(2013, 12, 31), date(2020, 1, 1))
    assert (q4["referrals.outcome.deferred"], q4["referrals.outcome.advice"]) == (1, 0)
    assert (q1["referrals.outcome.deferred"], q1["referrals.outcome.advice"]) == (0, 1)
    assert (year["referrals.outcome.deferred"], year["referrals.outcome.advice"]) == (0, 1)

    # A later decision that is only a draft supersedes nothing.
    db.session.add(
        PanelDecision(
            referral_id=referral.id, decision_date=date(2013, 5, 15), outcome=Out.DECLINED
        )
    )
    db.session.flush()
    in_step()
    db.session.expire_all()
    assert decided.superseded_on is None
    assert decided.pupil_id == referral.pupil_id  # copied from the referral on insert


def test_a_referral_moved_to_another_child_takes_its_decisions_along(
    ctx: None, world: World
) -> None:
    b = Builder(world)
    ada, bea = b.child("Ada"), b.child("Bea")
    referral = b.panel(ada, YES, date(2014, 2, 3), Out.ADVICE)
    in_step()
    assert start_of(ada) is not None and start_of(bea) is None
    # Only the referral changes (no decision is touched in the same flush).
    db.session.expire_all()
    referral = db.session.get(type(referral), referral.id)  # type: ignore[assignment]
    referral.pupil_id = bea.id
    db.session.flush()
    in_step()
    assert start_of(ada) is None
    assert start_of(bea).decision_date == date(2014, 2, 3)  # type: ignore[union-attr]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_changes_keep_every_row_in_step(ctx: None, world: World, seed: int) -> None:
    """Sixty random inserts, edits and deletes of decisions, referrals and RTF awards on a
    few children, checked after every flush."""
    rng = random.Random(seed)
    b = Builder(world)
    children = [b.child(f"Rnd{seed}-{i}") for i in range(4)]
    days = [date(2012, 1, 1 + i) for i in range(5)]  # few days: same-day ties are common
    outcomes = [Out.ADVICE, Out.RESOURCES, Out.DECLINED, Out.DEFERRED]
    for _ in range(60):
        decisions = list(
            db.session.scalars(
                select(PanelDecision).where(PanelDecision.pupil_id.in_([c.id for c in children]))
            )
        )
        awards = list(
            db.session.scalars(
                select(RtfApplication).where(RtfApplication.pupil_id.in_([c.id for c in children]))
            )
        )
        step = rng.choice(["refer", "decide", "edit", "delete", "rtf", "rtf_edit", "answer"])
        if step == "refer" or not decisions:
            b.panel(rng.choice(children), rng.choice([YES, NO, None]), rng.choice(days),
                    rng.choice(outcomes), confirmed=rng.random() < 0.8)  # fmt: skip
        elif step == "decide":
            on = rng.choice(days)
            db.session.add(
                PanelDecision(
                    referral_id=rng.choice(decisions).referral_id,
                    decision_date=on,
                    outcome=rng.choice(outcomes),
                    confirmed_at=_confirmed(on) if rng.random() < 0.8 else None,
                )
            )
        elif step == "edit":
            chosen = rng.choice(decisions)
            chosen.decision_date = rng.choice(days)
            chosen.outcome = rng.choice(outcomes)
            chosen.confirmed_at = _confirmed(chosen.decision_date) if rng.random() < 0.7 else None
        elif step == "delete":
            db.session.delete(rng.choice(decisions))
        elif step == "rtf" and len(awards) < len(children):
            taken = {a.pupil_id for a in awards}
            free = [c for c in children if c.id not in taken]
            b.rtf(rng.choice(free), rng.choice([YES, NO]), rng.choice(days))
        elif step == "rtf_edit" and awards:
            chosen_award = rng.choice(awards)
            chosen_award.decision = rng.choice(list(RtfDecision))
            chosen_award.decision_date = rng.choice(days)
        elif step == "answer":
            rng.choice(decisions).referral.would_request_ehcna = rng.choice([YES, NO, None])
        db.session.flush()
        in_step()
    assert db.session.scalar(
        select(EarlySupportStart.pupil_id)
        .where(EarlySupportStart.pupil_id.in_([c.id for c in children]))
        .limit(1)
    ), "the random changes never made a first episode: the test checked nothing"


def test_removing_children_under_retention_removes_their_rows(ctx: None, world: World) -> None:
    b = Builder(world)
    child = b.child("Gone")
    b.panel(child, YES, date(2011, 1, 10))
    b.rtf(child, YES, date(2011, 2, 10))
    assert start_of(child) is not None
    gone = child.id
    actor = db.session.scalars(select(User).limit(1)).one()
    assert retention.remove_pupils(actor, [gone], "Retention period over") == 1
    db.session.flush()
    assert (
        db.session.scalar(select(EarlySupportStart).where(EarlySupportStart.pupil_id == gone))
        is None
    )
    in_step()


def test_the_check_command_finds_rows_changed_behind_sendtrack_s_back(
    app: Flask, ctx: None, world: World
) -> None:
    b = Builder(world)
    child = b.child("Hand")
    referral = b.panel(child, YES, date(2010, 5, 5))
    b.referral(
        child, YES, [(date(2010, 4, 1), Out.DEFERRED, "0"), (date(2010, 6, 1), Out.ADVICE, "0")]
    )
    other = b.child("Other")
    b.panel(other, NO, date(2010, 7, 7))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["statistics-facts", "--check"]).exit_code == 0

    # Records edited in the database by hand, past the app.
    db.session.execute(
        update(PanelDecision)
        .where(PanelDecision.referral_id == referral.id)
        .values(decision_date=date(2010, 3, 3))
    )
    db.session.execute(update(PanelDecision).values(superseded_on=None))
    db.session.execute(delete(EarlySupportStart).where(EarlySupportStart.pupil_id == other.id))
    found = facts.differences(db.session.connection())
    assert {child.id, other.id} <= set(found.children)
    assert found.decisions, "the cleared superseded_on dates were not noticed"
    result = runner.invoke(args=["statistics-facts"])
    assert result.exit_code == 1
    assert "differ from the records" in result.output

    result = runner.invoke(args=["statistics-facts", "--rebuild"])
    assert result.exit_code == 0, result.output
    in_step()
    assert start_of(child).decision_date == date(2010, 3, 3)  # type: ignore[union-attr]


def test_the_migration_fills_the_rows_from_existing_records(tmp_path: Path) -> None:
    """On a database of its own: records made through the app, then down to the revision
    before and up again. The migration's own SQL fills every row exactly as the app keeps
    them."""
    from flask_migrate import downgrade, upgrade

    from sendtrack import create_app

    url, pg_name = _database_url(tmp_path)
    try:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            b = Builder(build_world(PASSWORD))
            b.referral("Mig", YES, [(date(2013, 3, 20), Out.DEFERRED, "0"),
                                    (date(2013, 4, 17), Out.ADVICE, "0")])  # fmt: skip
            b.rtf("Mig", YES, date(2013, 4, 17))
            b.rtf("Nia", NO, date(2013, 5, 1), RtfDecision.PART_APPROVED)
            db.session.commit()
            before = _snapshot()
            assert len(before[0]) >= 2, "no first episodes: nothing would be checked"
            assert any(row[1] is not None for row in before[1]), "no superseded decision"
            downgrade(revision="0018")
            assert "early_support_start" not in _tables()
            upgrade()
            assert _snapshot() == before
            in_step()
            db.session.remove()
            db.engine.dispose()
    finally:
        if pg_name:
            _drop_database(pg_name)


def _snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    starts = db.session.execute(
        select(*(EarlySupportStart.__table__.c[name] for name in facts.COLUMNS)).order_by(
            EarlySupportStart.pupil_id
        )
    ).all()
    decisions = db.session.execute(
        select(PanelDecision.pupil_id, PanelDecision.superseded_on, PanelDecision.id).order_by(
            PanelDecision.id
        )
    ).all()
    db.session.rollback()
    return [tuple(r) for r in starts], [tuple(r) for r in decisions]


def _tables() -> set[str]:
    names = set(inspect(db.session.connection()).get_table_names())
    db.session.rollback()
    return names


def test_the_shared_test_world_is_in_step(ctx: None) -> None:
    in_step()
    assert db.session.scalar(text("SELECT count(*) FROM early_support_start")) > 0
