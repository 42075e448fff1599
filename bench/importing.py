"""Import of a county's pupils file through sendtrack vs a raw executemany of the same rows."""

from __future__ import annotations

import csv
import io
import time
import uuid
from datetime import date

from sqlalchemy import insert

from bench.databases import fresh_database, migrated_app
from bench.measure import Result, peak_memory_mb


def _upn(serial: int) -> str:
    from stdnum.gb import upn

    body = f"886{1000 + serial // 1000:04d}{16 + serial % 8:02d}{serial % 1000:03d}"
    return str(upn.calc_check_digit(body)) + body


def _settings_and_file(rows: int) -> tuple[list[dict[str, object]], bytes]:
    from sendtrack.models import Phase

    settings = [
        {
            "id": uuid.uuid4(),
            "urn": f"{600000 + i:06d}",
            "name": f"School {i}",
            "phase": Phase.PRIMARY,
        }
        for i in range(600)
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "upn",
            "surname",
            "forename",
            "date_of_birth",
            "sex",
            "setting_urn",
            "sen_status",
            "sen_status_start",
            "primary_need",
            "secondary_need",
            "looked_after",
            "left_date",
        ]
    )
    needs = ["SLCN", "SEMH", "MLD", "SPLD", "ASD"]
    for i in range(rows):
        writer.writerow(
            [
                _upn(i),
                f"Surname{i}",
                "Forename",
                f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "FM"[i % 2],
                settings[i % 600]["urn"],
                "K",
                "2024-09-04",
                needs[i % 5],
                "",
                "N",
                "",
            ]
        )
    return settings, out.getvalue().encode()


def _raw(kind: str, settings: list[dict[str, object]], data: bytes) -> float:
    """Parse the CSV and executemany the pupil rows, nothing else."""
    from sendtrack.extensions import db
    from sendtrack.models import Pupil, Setting

    with fresh_database(kind) as url:
        app = migrated_app(url)
        with app.app_context():
            db.session.execute(insert(Setting), settings)
            db.session.commit()
            by_urn = {s["urn"]: s["id"] for s in settings}
            started = time.perf_counter()
            reader = csv.DictReader(io.StringIO(data.decode()))
            values = [
                {
                    "id": uuid.uuid4(),
                    "upn": r["upn"],
                    "legal_surname": r["surname"],
                    "legal_forename": r["forename"],
                    "date_of_birth": date.fromisoformat(r["date_of_birth"]),
                    "sex": r["sex"],
                    "setting_id": by_urn[r["setting_urn"]],
                    "sen_status": r["sen_status"],
                    "version": 1,
                }
                for r in reader
            ]
            db.session.execute(insert(Pupil), values)
            db.session.commit()
            seconds = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
    return seconds


def _sendtrack(kind: str, settings: list[dict[str, object]], data: bytes, rows: int) -> float:
    """The real import: validation, matching, needs, status history, audit, all-or-nothing."""
    from sendtrack.extensions import db
    from sendtrack.models import Setting
    from sendtrack.services.imports import run_import

    with fresh_database(kind) as url:
        app = migrated_app(url)
        with app.app_context():
            db.session.execute(insert(Setting), settings)
            db.session.commit()
            started = time.perf_counter()
            result = run_import("pupils", data, actor=None)
            db.session.commit()
            seconds = time.perf_counter() - started
            assert result.ok and result.created == rows, result.errors[:3]
            db.session.remove()
            db.engine.dispose()
    return seconds


def run(kind: str, rows: int) -> list[Result]:
    """Raw, sendtrack, sendtrack, raw (ABBA), each into a fresh database: whatever drifts
    during the run (a checkpoint, the other core's work) falls on both sides alike. One
    sample each gave 2.9x in one full run and 3.6x in the next on PostgreSQL, and 2.7x
    standalone."""
    settings, data = _settings_and_file(rows)
    raw = ours = 0.0
    for side in ("raw", "ours", "ours", "raw"):
        if side == "raw":
            raw += _raw(kind, settings, data)
        else:
            ours += _sendtrack(kind, settings, data, rows)
    raw, ours = raw / 2, ours / 2
    return [
        Result(kind, f"import {rows:,} pupils: raw executemany (mean of 2, ABBA)", raw, "s"),
        Result(
            kind,
            f"import {rows:,} pupils: sendtrack (mean of 2, ABBA)",
            ours,
            "s",
            ratio=ours / raw,
            target="<= 3x",
            ok=ours / raw <= 3,
            note=f"peak RSS {peak_memory_mb():.0f} MB",
        ),
    ]
