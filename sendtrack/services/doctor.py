"""Checks that the deployment keeps the guarantees the code cannot keep alone.

The audit trail is append-only by database triggers (migration 0002). On PostgreSQL that
holds only when the app connects as a role that neither owns audit_event (an owner can drop
or disable a trigger) nor is a superuser; and production on SQLite (one file anyone with
access to the host can rewrite) needs an explicit choice. `flask --app wsgi doctor` prints
these checks; a production app refuses to start when one fails (sendtrack.create_app)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

AUDIT_TABLE = "audit_event"
# The triggers of migration 0002, per database.
AUDIT_TRIGGERS = {
    "postgresql": ("audit_event_no_update", "audit_event_no_truncate"),
    "sqlite": ("audit_event_no_update", "audit_event_no_delete"),
}


@dataclass(frozen=True)
class Finding:
    ok: bool
    message: str


def configuration_findings(config: Mapping[str, Any]) -> list[Finding]:
    """Checks of the settings alone (no database needed)."""
    findings: list[Finding] = []
    production = config.get("ENV_NAME") == "production"
    if not production:
        findings.append(
            Finding(
                True,
                f"SENDTRACK_ENV is {config.get('ENV_NAME')!r}: a development configuration "
                "(fixed secret key, two-factor not required, no Secure cookie). "
                "Set SENDTRACK_ENV=production for real children's data.",
            )
        )
    uri = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if production and uri.startswith("sqlite"):
        if config.get("ALLOW_SQLITE"):
            findings.append(
                Finding(True, "Production on SQLite, allowed by SENDTRACK_ALLOW_SQLITE=1.")
            )
        else:
            findings.append(
                Finding(
                    False,
                    "Production on SQLite: anyone who can write the database file can change "
                    "the audit trail. Use PostgreSQL (DATABASE_URL=postgresql+psycopg://...), "
                    "or set SENDTRACK_ALLOW_SQLITE=1 to accept this for a small council.",
                )
            )
    return findings


def database_findings(connection: Connection) -> list[Finding]:
    """Checks of the connected database: the audit table's triggers, and on PostgreSQL that
    the connected role cannot remove them."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return _postgresql(connection)
    if dialect == "sqlite":
        return _sqlite(connection)
    return [Finding(False, f"Unsupported database {dialect!r}: use PostgreSQL or SQLite.")]


def _missing_table() -> Finding:
    return Finding(
        False, f"There is no {AUDIT_TABLE} table: run `flask --app wsgi db upgrade` first."
    )


def _postgresql(connection: Connection) -> list[Finding]:
    row = connection.execute(
        text(
            "SELECT current_user AS me, pg_get_userbyid(c.relowner) AS owner,"
            " pg_has_role(current_user, c.relowner, 'MEMBER') AS owns,"
            " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser"
            " FROM pg_class c WHERE c.oid = to_regclass(:table)"
        ),
        {"table": AUDIT_TABLE},
    ).one_or_none()
    if row is None:
        return [_missing_table()]
    findings: list[Finding] = []
    if row.superuser:
        findings.append(
            Finding(
                False,
                f"The app connects as {row.me!r}, a superuser: it can turn off the audit "
                "trail's triggers. Connect as a role that is neither a superuser nor the "
                "tables' owner (docs/security.md).",
            )
        )
    if row.owns:
        findings.append(
            Finding(
                False,
                f"The app connects as {row.me!r}, which owns {AUDIT_TABLE} (owner "
                f"{row.owner!r}): it can drop the audit trail's triggers. Connect as a role "
                "that does not own the tables (docs/security.md).",
            )
        )
    if not row.owns and not row.superuser:
        findings.append(Finding(True, f"The app's role {row.me!r} does not own {AUDIT_TABLE}."))
    states: dict[str, str] = dict(
        connection.execute(
            text(
                "SELECT tgname, tgenabled FROM pg_trigger"
                " WHERE tgrelid = to_regclass(:table) AND NOT tgisinternal"
            ),
            {"table": AUDIT_TABLE},
        ).all()
    )
    for name in AUDIT_TRIGGERS["postgresql"]:
        state = states.get(name)
        if state is None:
            findings.append(Finding(False, f"The audit trail's trigger {name} is missing."))
        elif state not in ("O", "A"):  # D: disabled; R: fires only for replication
            findings.append(Finding(False, f"The audit trail's trigger {name} is disabled."))
        else:
            findings.append(Finding(True, f"The audit trail's trigger {name} is enabled."))
    return findings


def _sqlite(connection: Connection) -> list[Finding]:
    names = set(
        connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"),
            {"table": AUDIT_TABLE},
        ).scalars()
    )
    has_table = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :table"),
        {"table": AUDIT_TABLE},
    ).first()
    if has_table is None:
        return [_missing_table()]
    return [
        Finding(
            name in names,
            f"The audit trail's trigger {name} is {'present' if name in names else 'missing'}.",
        )
        for name in AUDIT_TRIGGERS["sqlite"]
    ]


def problems(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings if not f.ok]
