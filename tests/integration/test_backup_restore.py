"""`flask backup` then `flask restore` brings the database back exactly, on the database the
suite runs on (SQLite online backup API, or pg_dump/pg_restore on PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from sendtrack import create_app
from sendtrack.extensions import db
from sendtrack.models import Cluster
from tests.conftest import _database_url, _drop_database


@pytest.fixture
def own_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own database: backups need real commits, not the test savepoint."""
    from flask_migrate import upgrade

    url, pg_name = _database_url(tmp_path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, BACKUP_DIR=tmp_path / "backups")
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if pg_name:
            _drop_database(pg_name)


def _names(app: Flask) -> list[str]:
    with app.app_context():
        names = list(db.session.scalars(select(Cluster.name).order_by(Cluster.name)))
        db.session.remove()
        return names


def _add(app: Flask, name: str) -> None:
    with app.app_context():
        db.session.add(Cluster(name=name))
        db.session.commit()


def test_backup_then_restore_round_trip(own_app: Flask, tmp_path: Path) -> None:
    runner = own_app.test_cli_runner()
    _add(own_app, "Before backup")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    backup_file = Path(result.output.strip().rsplit(" ", 1)[-1])
    assert backup_file.is_file() and backup_file.stat().st_size > 0

    _add(own_app, "After backup")
    assert _names(own_app) == ["After backup", "Before backup"]

    refused = runner.invoke(args=["restore", str(backup_file)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert _names(own_app) == ["After backup", "Before backup"]

    restored = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _names(own_app) == ["Before backup"]


def test_missing_backup_file_is_a_clear_error(own_app: Flask, tmp_path: Path) -> None:
    result = own_app.test_cli_runner().invoke(
        args=["restore", str(tmp_path / "nope.sqlite3"), "--yes"]
    )
    assert result.exit_code != 0
    assert "does not exist" in result.output
    assert os.path.exists(tmp_path)
