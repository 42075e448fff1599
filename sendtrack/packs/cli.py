"""`flask --app wsgi panel-pack --cluster NAME --date YYYY-MM-DD [--pseudonymised] --out FILE`

Builds (or reuses) the pack version for the meeting, exactly as the web page does, writes
the PDF and audits the download as the command line (no user)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from sendtrack.extensions import db
from sendtrack.services import packs
from sendtrack.services.errors import NotFound
from sendtrack.services.packs import jobs


@click.command("panel-pack")
@with_appcontext
@click.option("--cluster", "cluster_name", required=True, help="The cluster's name.")
@click.option("--date", "meeting_date", required=True, help="The meeting date, YYYY-MM-DD.")
@click.option("--pseudonymised", is_flag=True, help="Initials only: no UPN or date of birth.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def panel_pack_command(
    cluster_name: str, meeting_date: str, pseudonymised: bool, out: Path
) -> None:
    try:
        on = date.fromisoformat(meeting_date)
    except ValueError:
        click.echo(f"--date must be a date written YYYY-MM-DD, not {meeting_date!r}", err=True)
        sys.exit(2)
    try:
        meeting = packs.find_meeting(cluster_name, on)
    except NotFound:
        click.echo(f"No {cluster_name} panel meeting on {on.isoformat()}", err=True)
        sys.exit(1)
    requested = packs.request_build(None, meeting, pseudonymised)
    pack = requested.pack
    if not requested.reused or pack.pdf is None:
        jobs.run_inline(pack)
    if pack.pdf is None:  # a pseudonymised pack that still named a child is not stored
        db.session.commit()
        click.echo(pack.error or "The pack could not be built", err=True)
        sys.exit(1)
    out.write_bytes(packs.download(None, pack))
    db.session.commit()
    state = "unchanged, reused" if requested.reused else "new"
    click.echo(
        f"Wrote {out}: version {pack.version_number} ({state}), {pack.page_count} pages, "
        f"SHA-256 {pack.sha256}"
    )


def command() -> click.Command:
    return panel_pack_command
