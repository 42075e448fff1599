"""`flask --app wsgi stats`: the period's figures as JSON, CSV, Excel or PDF.

Every export is audited (AuditAction.EXPORT, no actor from the command line) in the same
commit, after the file has been written: figures that never left are not recorded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from sendtrack.extensions import db
from sendtrack.models import AuditAction
from sendtrack.services import audit, statistics
from sendtrack.services.statistics import facts
from sendtrack.services.statistics.formats import (
    FORMATS,
    TEXT_FORMATS,
    Report,
    to_csv,
    to_json,
    to_pdf,
    to_xlsx,
)

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199


class IsoDate(click.ParamType):
    """A date written YYYY-MM-DD, with a message a person can act on."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            self.fail(f"'{text}' is not a real date written YYYY-MM-DD (e.g. 2025-04-01)")
        if len(text) != 10:
            self.fail(f"'{text}' is not written YYYY-MM-DD (e.g. 2025-04-01)")
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            self.fail(f"'{text}' must be a date from {EARLIEST_YEAR} to {LATEST_YEAR}")
        return parsed


@click.command("stats")
@click.option("--from", "date_from", type=IsoDate(), required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", type=IsoDate(), required=True, help="Last day, YYYY-MM-DD.")
@click.option(
    "--as-at", "as_at", type=IsoDate(), default=None, help="Judge statuses at (default today)."
)
@click.option(
    "--window-months",
    type=click.IntRange(statistics.MIN_WINDOW_MONTHS, statistics.MAX_WINDOW_MONTHS),
    default=12,
    show_default=True,
    help="Follow-up window for requests avoided.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="File to write (required for xlsx and pdf; json and csv default to standard output).",
)
@with_appcontext
def stats_command(
    date_from: date,
    date_to: date,
    as_at: date | None,
    window_months: int,
    fmt: str,
    out: Path | None,
) -> None:
    """Export the statistics for a period (both days included)."""
    as_at = as_at or date.today()
    if date_from > date_to:
        raise click.BadParameter("must be on or before --to", param_hint="'--from'")
    if as_at < date_from:
        raise click.BadParameter("must be on or after --from", param_hint="'--as-at'")
    if out is None and fmt not in TEXT_FORMATS:
        raise click.UsageError(f"--out FILE is required for --format {fmt}")

    measures = statistics.compute(date_from, date_to, as_at, window_months)
    report = Report(date_from, date_to, as_at, window_months, measures)
    content: str | bytes
    if fmt == "json":
        content = to_json(measures)
    elif fmt == "csv":
        content = to_csv(measures)
    elif fmt == "xlsx":
        content = to_xlsx(report)
    else:
        content = to_pdf(report)

    if out is None:
        click.echo(content, nl=False)
    else:
        try:
            if isinstance(content, bytes):
                out.write_bytes(content)
            else:
                out.write_text(content, encoding="utf-8", newline="")
        except OSError as exc:
            raise click.ClickException(f"Could not write {out}: {exc.strerror or exc}") from None

    audit.record(
        None,
        AuditAction.EXPORT,
        "statistics",
        summary=(
            f"Statistics {date_from.isoformat()} to {date_to.isoformat()} as at "
            f"{as_at.isoformat()}, window {window_months} months, {fmt}"
            + (f" to {out.name}" if out is not None else "")
        ),
        changes={
            "from": [None, date_from],
            "to": [None, date_to],
            "as_at": [None, as_at],
            "window_months": [None, window_months],
            "format": [None, fmt],
        },
    )
    db.session.commit()
    if out is not None:
        click.echo(f"Wrote {len(measures)} measures to {out}", err=True)


@click.command("statistics-facts")
@click.option("--check", "mode", flag_value="check", default=True, help="Report differences.")
@click.option("--rebuild", "mode", flag_value="rebuild", help="Rebuild every derived row.")
@with_appcontext
def statistics_facts_command(mode: str) -> None:
    """Check (or rebuild) the derived rows the statistics read against the records.

    They are kept in step by every change made through sendtrack; a rebuild is only
    needed after records were changed in the database by hand."""
    connection = db.session.connection()
    if mode == "rebuild":
        facts.rebuild(connection)
        db.session.commit()
        click.echo("Rebuilt the statistics' derived rows")
        return
    found = facts.differences(connection)  # reads only: nothing to commit
    if found.none:
        click.echo("The statistics' derived rows match the records")
        return
    raise click.ClickException(
        f"{len(found.children)} children's first early-support episodes and "
        f"{len(found.decisions)} panel decisions differ from the records: "
        "run flask statistics-facts --rebuild"
    )
