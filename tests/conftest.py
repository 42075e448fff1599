"""Test harness.

- The schema is built once per session by the real migrations (never create_all), on a
  throwaway SQLite file, or, when TEST_DATABASE_URL points at PostgreSQL, on a throwaway
  database created on that server and dropped at the end.
- A standard "world" (tests/world.py) is committed once: two clusters, settings, one account
  per role, children, referrals, meetings... Each test then runs inside a savepoint that is
  rolled back, so tests never see each other's writes.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.clock import REAL_CLOCK, frozen
from tests.world import EMAILS, World, build_world

pytest_plugins = ["tests.committed", "tests.oidc.harness"]

PASSWORD = "correct-horse-battery-staple"


def _database_url(tmp: Path) -> tuple[str, str | None]:
    """(url to use, name of a PostgreSQL database to drop afterwards)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or base.startswith("sqlite"):
        return f"sqlite:///{tmp / 'test.db'}", None
    name = f"sendtrack_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False), name


def _drop_database(name: str) -> None:
    base = os.environ["TEST_DATABASE_URL"]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="sendtrack-test-") as tmp:
        url, pg_name = _database_url(Path(tmp))
        os.environ["SENDTRACK_INSTANCE_DIR"] = tmp
        try:
            yield url
        finally:
            if pg_name:
                _drop_database(pg_name)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from sendtrack import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade()
        from sendtrack.extensions import db

        with frozen():  # the world's "ten days ago" is ten days before the tests' TODAY
            app.config["WORLD"] = build_world(PASSWORD)
            db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        from sendtrack.extensions import db

        db.engine.dispose()


@pytest.fixture(autouse=True)
def _frozen_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts at tests.clock.FROZEN_AT (ticking), whatever the machine's date.

    Autouse fixtures run before the others of their scope, so function fixtures that build
    data (`committed`, per-test worlds) see the frozen date too. The e2e journeys are
    frozen as well: their server is a thread of this process and its cookies carry no
    expiry date, so the browser's own clock does not matter. Tests marked real_clock keep
    the machine's clock: their other half (a subprocess) cannot be frozen with them. A test
    moves the clock further with `with frozen(when):`."""
    if request.node.get_closest_marker(REAL_CLOCK) is not None:
        yield
        return
    with frozen():
        yield


@pytest.fixture(autouse=True)
def _transaction(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run each test in an outer transaction; the app's commits become savepoints.

    No app context stays pushed during the test: Flask would reuse it for every test-client
    request, and with it `g` and the signed-in user. Tests that call services directly use
    the `ctx` fixture (and then should not also use the test client)."""
    if "app" not in request.fixturenames or "live_server" in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    from sendtrack.extensions import db

    with app.app_context():
        engines = db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection  # type: ignore[assignment]
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        outer.rollback()
        connection.close()
        engines[None] = engine


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


@pytest.fixture
def world(app: Flask) -> World:
    world: World = app.config["WORLD"]
    return world.reload()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def client_for(app: Flask, key: str) -> FlaskClient:
    """A new test client signed in as that world account ("senco", "officer"...)."""
    client = app.test_client()
    sign_in(client, EMAILS[key])
    return client


def day(value: date) -> list[str]:
    """A date as the day, month and year boxes of a GOV.UK date field post it."""
    return [str(value.day), str(value.month), str(value.year)]


@pytest.fixture
def as_user(client: FlaskClient):  # type: ignore[no-untyped-def]
    """as_user("senco") signs the test client in as that world account."""

    def _sign_in(key: str) -> FlaskClient:
        sign_in(client, EMAILS[key])
        return client

    return _sign_in
