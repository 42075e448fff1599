"""The schema comes only from migrations, and the models agree with them exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, text

from sendtrack.extensions import db


# SQLite cannot reflect an index on an expression (ix_pupil_setting_name, on lower(names)):
# SQLAlchemy and Alembic warn and leave it out of the comparison. PostgreSQL compares it.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_models_and_migrations_agree(app: Flask) -> None:
    with app.app_context():
        # Inside a test the "engine" is the test's own connection (see conftest).
        connection = db.engine
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True},  # type: ignore[arg-type]
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models differ from migrations: {differences}"


def test_database_is_at_the_newest_revision(app: Flask) -> None:
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    with app.app_context():
        config = Config(str(app.extensions["migrate"].directory) + "/alembic.ini")
        config.set_main_option("script_location", app.extensions["migrate"].directory)
        heads = ScriptDirectory.from_config(config).get_heads()
        version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    assert len(heads) == 1, f"migrations have several heads: {heads}"
    assert version == heads[0]


def test_revisions_are_numbered(app: Flask) -> None:
    import pathlib

    names = sorted(
        p.name for p in pathlib.Path(app.extensions["migrate"].directory, "versions").glob("*.py")
    )
    assert names and all(n[:4].isdigit() for n in names), names


def test_audit_table_refuses_update_and_delete(app: Flask, ctx: None) -> None:
    import pytest
    from sqlalchemy.exc import DBAPIError

    from sendtrack.models import AuditAction, AuditEvent

    db.session.add(AuditEvent(action=AuditAction.VIEW, object_type="test"))
    db.session.flush()
    with pytest.raises(DBAPIError), db.session.begin_nested():
        db.session.execute(text("UPDATE audit_event SET summary = 'changed'"))
    with pytest.raises(DBAPIError), db.session.begin_nested():
        db.session.execute(text("DELETE FROM audit_event"))
    assert "audit_event" in inspect(db.session.connection()).get_table_names()
