"""The register's counts and the home page's reviews due read a school's open APDR cycles
from an index alone (migration 0020), not a table row per child: at county scale that was
12 ms and 10 ms of a 2,000-child school's pages. The follow-up figures find the decisions
whose review is pending from a partial index instead of reading every decision.

SQLite's plan is decided by the indexes that exist, with or without statistics, so it is
checked here on a database of its own; PostgreSQL's choice depends on table sizes and is
measured by bench/pages.py on the county-scale data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from sendtrack.extensions import db
from tests.clock import frozen
from tests.conftest import PASSWORD, sign_in
from tests.world import EMAILS, build_world


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from sendtrack import create_app

    path: Path = tmp_path_factory.mktemp("plans") / "plans.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context(), frozen():  # module-scoped: built before the test's clock moves
        upgrade()
        build_world(PASSWORD)
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def _plans(app: Flask, path: str, role: str = "senco") -> list[tuple[str, str]]:
    """(statement, its query plan) for every SELECT the page sends."""
    sent: list[tuple[str, Any]] = []

    def listener(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    client = app.test_client()
    sign_in(client, EMAILS[role])
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    with app.app_context(), engine.connect() as connection:
        return [
            (
                statement,
                " | ".join(
                    row[-1]
                    for row in connection.exec_driver_sql(
                        "EXPLAIN QUERY PLAN " + statement, parameters
                    )
                ),
            )
            for statement, parameters in sent
        ]


def _plan_of(plans: list[tuple[str, str]], marker: str) -> str:
    found = [plan for statement, plan in plans if marker in " ".join(statement.split())]
    assert len(found) == 1, f"expected one statement with {marker!r}, found {len(found)}"
    return found[0]


def test_the_register_counts_read_open_cycles_from_the_index(sqlite_app: Flask) -> None:
    plan = _plan_of(_plans(sqlite_app, "/pupils/"), "AS coalesce_1, coalesce(sum(CASE WHEN")
    assert "COVERING INDEX ix_apdr_cycle_open_review" in plan, plan


def test_the_home_page_counts_reviews_from_the_index(sqlite_app: Flask) -> None:
    plan = _plan_of(_plans(sqlite_app, "/home"), "count(*) FILTER (WHERE apdr_cycle.review_date <")
    assert "COVERING INDEX ix_apdr_cycle_setting_review" in plan, plan


def test_follow_up_figures_find_pending_reviews_from_the_index(sqlite_app: Flask) -> None:
    plans = _plans(sqlite_app, "/home", role="officer")
    plan = _plan_of(plans, "panel_decision.impact_recorded_on IS NULL")
    assert "INDEX ix_panel_decision_review_due" in plan, plan
    assert "SCAN panel_decision" not in plan, plan
