"""A database of the test's own with the world built and really committed, for tests that
need real commits (the shared world's savepoint harness turns commits into savepoints):
a SQLite file, or a throwaway PostgreSQL database when TEST_DATABASE_URL points at one.
`migrated` is the same without the world, for tests that need the schema only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from sendtrack.extensions import db
from sendtrack.services.statistics import cache
from tests.conftest import PASSWORD, _database_url, _drop_database
from tests.world import World, build_world


@contextmanager
def _own_database(tmp_path: Path, *, with_world: bool) -> Iterator[tuple[Flask, World | None]]:
    """Migrate a new database (and build and commit the world in it); drop it afterwards."""
    from flask_migrate import upgrade

    from sendtrack import create_app

    url, pg_name = _database_url(tmp_path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    world = None
    with app.app_context():
        upgrade()
        if with_world:
            world = build_world(PASSWORD)
            db.session.commit()
        db.session.remove()
    cache.clear()
    try:
        yield app, world
    finally:
        cache.clear()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if pg_name:
            _drop_database(pg_name)


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[Flask]:
    """A database of the test's own with the schema only (no world): for tests of the
    machinery (caches, locks) that need real commits but no children."""
    with _own_database(tmp_path, with_world=False) as (app, _none):
        yield app


@pytest.fixture
def committed(tmp_path: Path) -> Iterator[tuple[Flask, World]]:
    with _own_database(tmp_path, with_world=True) as (app, world):
        assert world is not None
        yield app, world
