"""The dashboard's figures cache (services/statistics/cache.py) never serves stale figures.

These tests need real commits, which the shared world's savepoint harness turns into
savepoints, so each runs on its own database (SQLite file, or a throwaway PostgreSQL
database when TEST_DATABASE_URL points at one) with the world built and committed."""

from __future__ import annotations

import secrets
import uuid
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import insert, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    EhcnaRequest,
    RequestSource,
    StatisticsStamp,
    User,
)
from sendtrack.services.statistics import cache
from sendtrack.services.statistics import dashboard as stats_dashboard
from sendtrack.services.statistics.dashboard import Choice
from sendtrack.services.statistics.periods import quarter_of
from tests.querycount import count_queries
from tests.world import World

RECEIVED = "ehcna.requests_received"


def _figures(app: Flask, world: World) -> tuple[int | float, int]:
    """(EHCNA requests received this quarter on the officer's dashboard, SQL statements)."""
    with app.test_request_context():
        officer = db.session.get(User, world["officer"])
        assert officer is not None
        today = date.today()
        with count_queries() as statements:
            d = stats_dashboard.build(officer, Choice(quarter_of(today), today))
        db.session.remove()
        return d.current.measures[RECEIVED], len(statements)


def _request(world: World) -> EhcnaRequest:
    return EhcnaRequest(
        reference=f"EHCNA-CACHE-{secrets.token_hex(3)}",
        pupil_id=world["pupil_a"],
        setting_id=world["a1"],
        received_date=date.today(),
        request_source=RequestSource.SETTING,
    )


def _version(app: Flask) -> int:
    with app.app_context():
        value = db.session.scalar(select(StatisticsStamp.version))
        db.session.remove()
        assert value is not None
        return value


def test_unchanged_data_is_served_from_the_cache(committed: tuple[Flask, World]) -> None:
    app, world = committed
    first, cold = _figures(app, world)
    again, warm = _figures(app, world)
    assert again == first
    assert warm < cold / 3, (cold, warm)  # the figures were not computed again


def test_a_committed_change_is_seen_at_once(committed: tuple[Flask, World]) -> None:
    app, world = committed
    before, _ = _figures(app, world)
    stamp = _version(app)
    with app.app_context():
        db.session.add(_request(world))
        db.session.commit()
        db.session.remove()
    assert _version(app) == stamp + 1
    after, _ = _figures(app, world)
    assert after == before + 1


def test_a_bulk_core_insert_outside_the_orm_is_seen(committed: tuple[Flask, World]) -> None:
    """Imports write with Core executemany on a plain connection; they must count too."""
    app, world = committed
    before, _ = _figures(app, world)
    rows = [
        {
            "id": uuid.uuid4(),
            "reference": f"EHCNA-BULK-{i}",
            "pupil_id": world["pupil_a"],
            "setting_id": world["a1"],
            "received_date": date.today(),
            "request_source": RequestSource.SETTING,
        }
        for i in range(3)
    ]
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(insert(EhcnaRequest), rows)
    after, _ = _figures(app, world)
    assert after == before + 3


def test_a_transaction_sees_its_own_uncommitted_change(committed: tuple[Flask, World]) -> None:
    app, world = committed
    before, _ = _figures(app, world)
    with app.test_request_context():
        officer = db.session.get(User, world["officer"])
        assert officer is not None
        db.session.add(_request(world))
        db.session.flush()
        today = date.today()
        mine = stats_dashboard.build(officer, Choice(quarter_of(today), today))
        assert mine.current.measures[RECEIVED] == before + 1
        db.session.rollback()
        db.session.remove()
    after, _ = _figures(app, world)
    assert after == before  # the rolled-back change was never cached


def test_a_rolled_back_change_leaves_the_version_alone(committed: tuple[Flask, World]) -> None:
    app, world = committed
    stamp = _version(app)
    with app.app_context():
        db.session.add(_request(world))
        db.session.flush()
        db.session.rollback()
        db.session.remove()
    assert _version(app) == stamp


def test_audit_events_do_not_change_the_version(committed: tuple[Flask, World]) -> None:
    """Every view of a child writes an audit event; that must not empty the cache."""
    app, world = committed
    stamp = _version(app)
    with app.app_context():
        db.session.add(
            AuditEvent(
                user_id=world["officer"],
                action=AuditAction.VIEW,
                object_type="pupil",
                object_id=str(world["pupil_a"]),
                pupil_id=world["pupil_a"],
            )
        )
        db.session.commit()
        db.session.remove()
    assert _version(app) == stamp


@pytest.mark.parametrize(
    ("statement", "counted"),
    [
        ("INSERT INTO pupil (id) VALUES (?)", True),
        ('UPDATE "referral" SET status=? WHERE id=?', True),
        ("DELETE FROM ehcna_request WHERE id = %(id)s", True),
        ("INSERT OR REPLACE INTO panel_decision (id) VALUES (?)", True),
        ("CREATE TABLE something (id INTEGER)", True),
        ("INSERT INTO audit_event (id) VALUES (?)", False),
        ("UPDATE user_account SET last_seen_at=?", False),
        ("UPDATE statistics_stamp SET version = version + 1", False),
        ("SELECT count(*) FROM pupil", False),
        ("  select * from referral for update", False),
        ("SAVEPOINT sa_savepoint_1", False),
        ("", False),
    ],
)
def test_which_statements_count_as_changing_figures(statement: str, counted: bool) -> None:
    assert cache.writes_counted_data(statement) is counted
