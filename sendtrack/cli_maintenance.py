"""Operator commands: backup, restore, retention, doctor, link-rtf-awards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from sendtrack.extensions import db
from sendtrack.services import doctor, retention
from sendtrack.services.backups import BackupError, backup, restore
from sendtrack.services.rtf import links as rtf_links


@click.command("backup")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the backup file (default: instance/backups).",
)
@with_appcontext
def backup_command(out_dir: Path | None) -> None:
    """Back up the whole database (SQLite online backup API, or pg_dump)."""
    try:
        path = backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"],
            out_dir or current_app.config["BACKUP_DIR"],
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {path}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the database's contents are replaced.")
@with_appcontext
def restore_command(backup_file: Path, yes: bool) -> None:
    """Replace the database with a backup. Stop the web workers first."""
    if not yes:
        raise click.ClickException("Restoring replaces every record. Run again with --yes.")
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], backup_file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored from {backup_file}")


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; remove nothing.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge as at this date (default today).",
)
@with_appcontext
def retention_command(dry_run: bool, today: object) -> None:
    """Remove records past their retention date (run with --dry-run first)."""
    rules = retention.RetentionRules(
        pupil_years_after_birth=current_app.config["RETENTION_PUPIL_YEARS"],
        login_attempt_days=current_app.config["RETENTION_LOGIN_ATTEMPT_DAYS"],
    )
    as_at = today.date() if today is not None else date.today()  # type: ignore[attr-defined]
    if dry_run:
        report = retention.review(rules, as_at)
        for line in report.lines():
            click.echo(line)
        click.echo("Dry run: nothing was removed.")
        db.session.rollback()
        return
    report = retention.apply(rules, None, as_at)
    db.session.commit()
    for line in report.lines():
        click.echo(line)
    click.echo("Removed.")


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check the deployment: the configuration, and that the audit trail stays append-only
    (its triggers are there and enabled; on PostgreSQL the app's role does not own it)."""
    findings = doctor.configuration_findings(current_app.config)
    try:
        findings += doctor.database_findings(db.session.connection())
    except Exception as exc:  # any failure to connect is a finding, never a traceback
        findings.append(doctor.Finding(False, f"Cannot check the database: {exc}"))
    for finding in findings:
        click.echo(f"{'OK     ' if finding.ok else 'PROBLEM'}  {finding.message}")
    failed = doctor.problems(findings)
    if failed:
        raise click.ClickException(f"{len(failed)} problem(s) found; see above.")
    click.echo("No problems found.")


@click.command("link-rtf-awards")
@with_appcontext
def link_rtf_awards_command() -> None:
    """Link RTF awards whose child is already on the receiving school's roll. Transfers,
    imports and decisions link them as they happen; run this once after upgrading from a
    version whose pages made the link, for children who joined before the upgrade."""
    linked = rtf_links.sync_links(None)
    db.session.commit()
    click.echo(f"Linked {linked} award(s).")


def commands() -> list[click.Command]:
    return [
        backup_command,
        restore_command,
        retention_command,
        doctor_command,
        link_rtf_awards_command,
    ]
