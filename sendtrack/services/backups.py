"""Backups and restores of the whole database.

SQLite: the online backup API copies a consistent snapshot while the app keeps running.
PostgreSQL: pg_dump in its custom format, restored with pg_restore --clean.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    pass


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up")
    return Path(url.database)


def _pg_env(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def backup(database_url: str, directory: Path, now: datetime | None = None) -> Path:
    """Write a backup file into `directory` and return its path."""
    url = make_url(database_url)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    directory.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        target = directory / f"sendtrack-{stamp}.sqlite3"
        _copy_sqlite(_sqlite_path(url), target)
        return target
    if url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is not installed")
        target = directory / f"sendtrack-{stamp}.pgdump"
        _run_pg("pg_dump", url, ["--format=custom", "--file", str(target), url.database or ""])
        return target
    raise BackupError(f"Backups are not supported for {url.get_backend_name()}")


def restore(database_url: str, backup_file: Path) -> None:
    """Replace the database's contents with the backup's. Stop the web workers first."""
    url = make_url(database_url)
    if not backup_file.is_file():
        raise BackupError(f"No backup file at {backup_file}")
    if url.get_backend_name() == "sqlite":
        _copy_sqlite(backup_file, _sqlite_path(url))
        return
    if url.get_backend_name() == "postgresql":
        _run_pg(
            "pg_restore",
            url,
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--dbname",
                url.database or "",
                str(backup_file),
            ],
        )
        return
    raise BackupError(f"Restores are not supported for {url.get_backend_name()}")


def _copy_sqlite(source_path: Path, dest_path: Path) -> None:
    """SQLite's online backup: a consistent copy even while the app is writing."""
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(dest_path)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def _run_pg(program: str, url: URL, arguments: list[str]) -> None:
    """Run pg_dump or pg_restore against `url`; its error output becomes the BackupError."""
    args, env = _pg_env(url)
    result = subprocess.run(
        [program, *args, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
