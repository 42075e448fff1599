"""A process killed with SIGKILL in the middle of a large import leaves the database
consistent, with nothing half-imported: either every row of the file is there or none is.

The import runs as a real `flask import` subprocess on its own database (SQLite file, or a
throwaway PostgreSQL database) and is killed at varying points, many times over."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from sendtrack.models import AuditEvent, Pupil, PupilNeed, SenStatusChange
from tests.conftest import _database_url, _drop_database

ROWS = 4000
CYCLES = int(os.environ.get("SENDTRACK_CRASH_CYCLES", "6"))
ROOT = Path(__file__).resolve().parents[2]


def _upn(serial: int) -> str:
    from stdnum.gb import upn

    body = f"936{4000 + serial // 1000:04d}24{serial % 1000:03d}"
    return str(upn.calc_check_digit(body)) + body


@pytest.fixture
def crash_db(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    url, pg_name = _database_url(tmp_path)
    # The schema and the school go in here, in this process: only the pupils import is
    # under test, and two `flask` subprocesses more cost ~10 s of interpreter start-up.
    (tmp_path / "settings.csv").write_text("urn,name,phase\n400001,Crash Primary,primary\n")
    _prepare(url, tmp_path / "settings.csv")
    lines = ["upn,surname,forename,date_of_birth,sex,setting_urn,sen_status,primary_need"]
    for i in range(ROWS):
        lines.append(f"{_upn(i)},Crash{i},Kid,2016-01-{1 + i % 28:02d},F,400001,K,SLCN")
    (tmp_path / "pupils.csv").write_text("\n".join(lines) + "\n")
    try:
        yield url, tmp_path
    finally:
        if pg_name:
            _drop_database(pg_name)


def _prepare(url: str, settings: Path) -> None:
    from flask_migrate import upgrade

    from sendtrack import create_app
    from sendtrack.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.session.remove()
    done = app.test_cli_runner().invoke(args=["import", "settings", str(settings)])
    assert done.exit_code == 0, done.output
    with app.app_context():
        db.engine.dispose()


def _env(url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env.update(
        DATABASE_URL=url,
        SENDTRACK_ENV="development",
        SENDTRACK_INSTANCE_DIR=str(tmp),
        PYTHONPATH=str(ROOT),
    )
    return env


def _counts(url: str) -> tuple[int, int, int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            result = tuple(
                conn.execute(select(func.count()).select_from(m.__table__)).scalar() or 0
                for m in (Pupil, PupilNeed, SenStatusChange, AuditEvent)
            )
    finally:
        engine.dispose()
    return result  # type: ignore[return-value]


@pytest.mark.slow
@pytest.mark.real_clock  # the import runs in a `flask import` subprocess on the machine clock
def test_killed_imports_leave_all_or_nothing(crash_db: tuple[str, Path]) -> None:
    url, tmp = crash_db
    env = _env(url, tmp)
    rng = random.Random(7)
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "wsgi",
        "import",
        "pupils",
        str(tmp / "pupils.csv"),
    ]
    # How long a whole import takes here, to spread the kills across its run.
    started = time.monotonic()
    probe = subprocess.Popen(
        [*command, "--dry-run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    probe.wait(timeout=300)
    full = time.monotonic() - started
    killed = 0
    for _cycle in range(CYCLES):
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.3, max(0.6, full * 1.1)))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait(timeout=300)
        pupils, needs, statuses, _events = _counts(url)
        assert pupils in (0, ROWS), f"half-imported: {pupils} children"
        assert needs == pupils and statuses == pupils
        if pupils == ROWS:
            break
    assert killed >= 1, "no import was interrupted; the test proved nothing"
    # The file still imports cleanly after the crashes, exactly once.
    finished = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert _counts(url)[:3] == (ROWS, ROWS, ROWS)
