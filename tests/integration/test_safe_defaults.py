"""Safe defaults (issue 19, R12): a development configuration says so; production refuses
SQLite without a setting and a database role that could remove the audit trail's triggers
(`flask doctor` reports the same); the statistics PDF loads nothing but static files."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text

import config as app_config
from sendtrack.extensions import db
from sendtrack.services import doctor

SECRET = "x" * 48


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("DATABASE_URL", "set-by-the-test")
    # As when gunicorn imports wsgi.py (flask commands skip the database checks).
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    yield


def test_r12_no_env_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from sendtrack import create_app

    monkeypatch.delenv("SENDTRACK_ENV", raising=False)
    with caplog.at_level(logging.WARNING):
        create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'dev.db'}")
    warnings = [r for r in caplog.records if "DEVELOPMENT configuration" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "SENDTRACK_ENV=production" in warnings[0].getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.db'}")
    assert not [r for r in caplog.records if "DEVELOPMENT" in r.getMessage()]


def test_r12_production_refuses_sqlite_without_setting(
    production_env: None, tmp_path: Path
) -> None:
    from sendtrack import create_app

    uri = f"sqlite:///{tmp_path / 'prod.db'}"
    with pytest.raises(app_config.ConfigError, match="SENDTRACK_ALLOW_SQLITE"):
        create_app("production", SQLALCHEMY_DATABASE_URI=uri)


def test_r12_production_checks_the_database_at_start(
    app: Flask, production_env: None, database_url: str
) -> None:
    """On the test database: SQLite with the setting and its triggers starts; on PostgreSQL
    the tests connect as the superuser, which owns the audit table: refused."""
    from sendtrack import create_app

    if make_url(database_url).get_backend_name() == "sqlite":
        started = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, ALLOW_SQLITE=True)
        assert started.config["ENV_NAME"] == "production"
        with started.app_context():
            db.engine.dispose()
    else:
        with pytest.raises(app_config.ConfigError, match="superuser"):
            create_app("production", SQLALCHEMY_DATABASE_URI=database_url)


def test_r12_doctor_reports_a_disabled_audit_trigger(app: Flask) -> None:
    with app.app_context():
        connection = db.session.connection()
        before = " ".join(doctor.problems(doctor.database_findings(connection)))
        assert "audit_event_no_update" not in before
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update")
            )
            expected = "audit_event_no_update is disabled"
        else:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
            expected = "audit_event_no_update is missing"
        assert expected in " ".join(doctor.problems(doctor.database_findings(connection)))
        # (The test's transaction is rolled back: the trigger is back afterwards.)


def test_r12_doctor_command_exit_code(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["doctor"])
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql":
        # The test suite connects as postgres, a superuser: reported, non-zero exit.
        assert result.exit_code != 0
        assert "superuser" in result.output and "PROBLEM" in result.output
    else:
        assert result.exit_code == 0, result.output
        assert "audit_event_no_delete is present" in result.output
        assert "No problems found" in result.output
    assert "Traceback" not in result.output


def test_r12_doctor_refuses_production_on_sqlite() -> None:
    config = {"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}
    assert "SENDTRACK_ALLOW_SQLITE" in " ".join(
        doctor.problems(doctor.configuration_findings(config))
    )
    allowed = doctor.configuration_findings({**config, "ALLOW_SQLITE": True})
    assert not doctor.problems(allowed)


def test_r12_doctor_owner_and_non_owner_roles(app: Flask, database_url: str) -> None:
    """PostgreSQL: the owning superuser is reported; a role made here, granted only what the
    app needs, passes. SQLite has no roles: the doctor checks its triggers instead."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        with app.app_context():
            findings = doctor.database_findings(db.session.connection())
        assert findings and all(f.ok for f in findings)
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    role = f"sendtrack_app_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            owner = doctor.database_findings(conn)
            assert any(not f.ok and "superuser" in f.message for f in owner)
            assert any(not f.ok and "which owns audit_event" in f.message for f in owner)
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{url.database}" TO "{role}"'))
            conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
            conn.execute(
                text(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                    f'TO "{role}"'
                )
            )
        app_engine = create_engine(url.set(username=role, password=None))
        try:
            with app_engine.connect() as conn:
                findings = doctor.database_findings(conn)
        finally:
            app_engine.dispose()
        assert findings and all(f.ok for f in findings), findings
        assert any(f"{role!r} does not own audit_event" in f.message for f in findings)
    finally:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
            ).first()
            if exists:
                conn.execute(text(f'DROP OWNED BY "{role}"'))
                conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_r12_stats_pdf_uses_locked_fetcher(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sendtrack import pdf
    from sendtrack.services.statistics import formats

    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    asked: list[str] = []
    real_fetch = pdf.StaticOnlyFetcher.fetch

    def fetch(self: pdf.StaticOnlyFetcher, url: str, headers: object = None) -> object:
        asked.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", fetch)
    hostile = (
        f'<html><head><link rel="stylesheet" href="file://{secret}"></head>'
        '<body><img src="http://evil.example/x.png"><p>Figures</p></body></html>'
    )
    monkeypatch.setattr(formats, "to_html", lambda _report: hostile)
    with app.app_context():
        out = formats.to_pdf(None)  # type: ignore[arg-type]
    assert out.startswith(b"%PDF")
    # Both addresses went to the locked fetcher (which refused them), none to WeasyPrint's.
    assert f"file://{secret}" in asked and "http://evil.example/x.png" in asked
