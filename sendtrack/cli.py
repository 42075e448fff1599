"""Flask commands: seed-demo, create-user, import. Features register theirs in COMMANDS."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from sendtrack import cli_maintenance, demo
from sendtrack.extensions import db
from sendtrack.models import Cluster, Role, Setting, User
from sendtrack.packs import cli as packs_cli
from sendtrack.services import accounts
from sendtrack.services.errors import DomainError
from sendtrack.services.imports import ImportFileError, ctf, run_import
from sendtrack.statistics.cli import statistics_facts_command, stats_command


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(import_command)
    for command in cli_maintenance.commands():
        app.cli.add_command(command)
    for command in COMMANDS:
        app.cli.add_command(command)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo(if_empty: bool) -> None:
    """Fill the database with a fictional local authority and one account per role."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo never runs against a production configuration")
    has_users = db.session.scalar(select(func.count()).select_from(User))
    if has_users:
        if if_empty:
            click.echo("Demo data already present; nothing to do.")
            return
        raise click.ClickException("The database already has data; seed an empty database")
    password = current_app.config["DEMO_PASSWORD"]
    ctx = demo.seed(password)
    db.session.commit()
    click.echo(f"Demo data created: {len(ctx.made['pupils'])} children.")
    click.echo(f"Sign in at http://127.0.0.1:5000 with password: {password}")
    for user in ctx.made["users"].values():
        roles = ", ".join(sorted(r.label for r in user.roles))
        click.echo(f"  {user.email:28} {roles}")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--setting-urn", help="For a SENCO: the setting's URN")
@click.option("--cluster", help="For an Area SEND Lead or panel member: the cluster's name")
@click.password_option()
def create_user(
    email: str, name: str, role: str, setting_urn: str | None, cluster: str | None, password: str
) -> None:
    """Create an account (there is no self-registration)."""
    setting_id = cluster_id = None
    if setting_urn:
        setting_id = db.session.scalar(select(Setting.id).where(Setting.urn == setting_urn))
        if setting_id is None:
            raise click.ClickException(f"No setting with URN {setting_urn}")
    if cluster:
        cluster_id = db.session.scalar(select(Cluster.id).where(Cluster.name == cluster))
        if cluster_id is None:
            raise click.ClickException(f"No cluster named {cluster}")
    try:
        accounts.create_user(
            None,
            email=email,
            name=name,
            password=password,
            memberships=[accounts.MembershipSpec(Role(role), setting_id, cluster_id)],
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Created {email}")


@click.command("import")
@with_appcontext
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report counts; write nothing.")
def import_command(kind: str, file: Path, dry_run: bool) -> None:
    """Import a CSV file of KIND (clusters, settings, pupils, referrals, rtf, ehcna), or a
    Common Transfer File (ctf: new children, status and need changes are applied)."""
    try:
        result = run_import(kind, file.read_bytes(), actor=None, dry_run=dry_run)
    except ImportFileError as exc:
        db.session.rollback()
        click.echo(f"{file}: {exc}", err=True)
        sys.exit(1)
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(str(error), err=True)
        click.echo(f"Nothing was imported: {len(result.errors)} problem(s) found.", err=True)
        sys.exit(1)
    _describe(result.details)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run, nothing written. {result.summary()}")
        return
    db.session.commit()
    click.echo(f"Imported {kind}. {result.summary()}")


def _describe(details: object) -> None:
    """A Common Transfer File's reconciliation, one difference a line."""
    if not isinstance(details, ctf.Reconciliation):
        return
    click.echo(f"{details.file.school_name or 'The school'}: {details.setting.name}")
    for d in details.differences:
        click.echo(f"{d.kind:<5} {d.child}: {d.before} -> {d.after}")
    for line in details.elsewhere:
        click.echo(f"elsewhere {line}")
    if any(d.kind == ctf.MISSING for d in details.differences):
        click.echo(
            "Children missing from the file are left on the register: decide each on the "
            "upload page (/admin/import)."
        )


# Features' commands: statistics and the panel pack.
COMMANDS: list[click.Command] = [stats_command, statistics_facts_command, packs_cli.command()]
