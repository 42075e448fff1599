"""The dashboard's figures cache (services/statistics/cache.py) never serves stale figures.

These tests need real commits, which the shared world's savepoint harness turns into
savepoints, so each runs on its own database (SQLite file, or a throwaway PostgreSQL
database when TEST_DATABASE_URL points at one) with the world built and committed."""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select, update

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    EhcnaRequest,
    RequestSource,
    StatisticsResult,
    StatisticsStamp,
    User,
)
from sendtrack.services.statistics import cache
from sendtrack.services.statistics import dashboard as stats_dashboard
from sendtrack.services.statistics.dashboard import Choice
from sendtrack.services.statistics.periods import quarter_of
from tests.clock import TODAY
from tests.querycount import count_queries
from tests.world import World

RECEIVED = "ehcna.requests_received"


def _figures(app: Flask, world: World) -> tuple[int | float, int]:
    """(EHCNA requests received this quarter on the officer's dashboard, SQL statements)."""
    with app.test_request_context():
        officer = db.session.get(User, world["officer"])
        assert officer is not None
        today = TODAY
        with count_queries() as statements:
            d = stats_dashboard.build(officer, Choice(quarter_of(today), today))
        db.session.remove()
        return d.current.measures[RECEIVED], len(statements)


def _request(world: World) -> EhcnaRequest:
    return EhcnaRequest(
        reference=f"EHCNA-CACHE-{secrets.token_hex(3)}",
        pupil_id=world["pupil_a"],
        setting_id=world["a1"],
        received_date=TODAY,
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


def _shared_rows(app: Flask) -> list[tuple[str, int, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(StatisticsResult.key_hash, StatisticsResult.version, StatisticsResult.payload)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_another_worker_takes_the_figures_from_the_shared_table(
    committed: tuple[Flask, World],
) -> None:
    app, world = committed
    first, cold = _figures(app, world)
    stamp = _version(app)
    rows = _shared_rows(app)
    assert rows and {version for _, version, _ in rows} == {stamp}
    cache.clear()  # a worker that has computed nothing itself
    again, shared = _figures(app, world)
    assert again == first
    assert shared < cold / 3, (cold, shared)  # read back, not computed again


def test_a_change_is_not_served_from_the_shared_table_and_old_rows_go(
    committed: tuple[Flask, World],
) -> None:
    app, world = committed
    before, _ = _figures(app, world)
    old = {key for key, _, _ in _shared_rows(app)}
    with app.app_context():
        db.session.add(_request(world))
        db.session.commit()
        db.session.remove()
    cache.clear()
    after, _ = _figures(app, world)
    assert after == before + 1
    rows = _shared_rows(app)
    assert {version for _, version, _ in rows} == {_version(app)}  # the old version's are gone
    assert {key for key, _, _ in rows} == old  # the same figures, stored again


def test_a_damaged_shared_row_is_computed_again(committed: tuple[Flask, World]) -> None:
    app, world = committed
    first, cold = _figures(app, world)
    with app.app_context():
        db.session.execute(update(StatisticsResult).values(payload='{"dict": [["x"'))
        db.session.commit()
        db.session.remove()
    cache.clear()
    again, recomputed = _figures(app, world)
    assert again == first
    assert recomputed > cold / 2, (cold, recomputed)
    for _, _, payload in _shared_rows(app):
        json.loads(payload)  # stored again, readable


def test_figures_keep_their_types_through_the_shared_table() -> None:
    setting = uuid.uuid4()
    value = {
        setting: {"register.sen_support": 3, "avoided.rate": 0.625},
        None: {"referrals.amount_awarded": 1800.5},
        "SLCN": {"rtf.approved": 0},
    }
    assert cache._decode(json.loads(json.dumps(cache._encode(value)))) == value
    trend = [{"a": 1}, {"a": 2.5}]
    assert cache._decode(json.loads(json.dumps(cache._encode(trend)))) == trend


def test_a_key_hashes_the_same_in_every_process() -> None:
    """Workers must agree on a key: set order and str hashes differ between processes."""
    program = (
        "import uuid; from datetime import date;"
        "from sendtrack.models import NeedCode;"
        "from sendtrack.services.statistics import cache;"
        "from sendtrack.services.statistics.filters import Filters;"
        "ids = [uuid.UUID(int=n) for n in range(1, 9)];"
        "f = Filters(cluster_ids=frozenset(ids), needs=frozenset(NeedCode));"
        "print(cache._key_hash(('figures', date(2026, 4, 1), 'x', 12, f)))"
    )
    # The three interpreters start side by side: each spends seconds importing the app.
    running = [
        subprocess.Popen(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "2", "3")
    ]
    outputs = [p.communicate(timeout=120) for p in running]
    assert [p.returncode for p in running] == [0, 0, 0], [err for _, err in outputs]
    hashes = {out.strip() for out, _ in outputs}
    assert len(hashes) == 1 and len(next(iter(hashes))) == 64


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
            "received_date": TODAY,
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
        today = TODAY
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


def _worker(url: str, log: str, start: Any, results: Any) -> None:
    """One web worker (its own process, engine and caches) asking for figures."""
    from sendtrack import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)

    def compute() -> dict[str, int]:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(1.0)  # long enough for the others to ask meanwhile
        return {"ehcna.requests_received": 42}

    with app.app_context():
        start.wait(30)
        results.put(cache.cached(db.session(), ("single-flight", 1), compute))
        db.session.remove()


def test_figures_asked_for_by_several_workers_at_once_are_computed_once(
    migrated: Flask, tmp_path: Path
) -> None:
    app = migrated  # the workers share a cache key, not data: the schema is enough
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    log = tmp_path / "computed.log"
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(3), spawn.Queue()
    workers = [
        spawn.Process(target=_worker, args=(url, str(log), start, results)) for _ in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(90)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    got = [results.get(timeout=5) for _ in workers]
    assert got == [{"ehcna.requests_received": 42}] * 3
    computed_by = log.read_text(encoding="utf-8").split()
    assert len(computed_by) == 1, computed_by  # the other two waited and read its result


def test_a_worker_waits_only_so_long_for_another(
    migrated: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that holds the lock and never finishes (stuck, say) delays the others by
    WAIT_SECONDS at most: then they compute the figures themselves."""
    app = migrated
    monkeypatch.setattr(cache, "WAIT_SECONDS", 0.3)
    key = ("single-flight", 2)
    with app.app_context():
        current = cache.version(db.session())
        assert current is not None
        name = f"{cache._key_hash(key)}:{current}"
        with cache._flight(db.engine, name) as held:
            assert held()  # the stuck worker
            value = cache.cached(db.session(), key, lambda: {"x": 7})
        assert value == {"x": 7}
        assert cache._stored(db.engine, current, cache._key_hash(key) or "") == {"x": 7}
        db.session.remove()
