"""The import's bulk insert: values converted column by column by SQLAlchemy's own type
processors read back exactly as the ORM wrote them, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Table, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    NeedCode,
    Phase,
    Pupil,
    PupilNeed,
    SenStatus,
    Setting,
    Sex,
)
from sendtrack.services.imports import bulk


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def test_rows_read_back_with_their_types(ctx: None) -> None:
    setting = Setting(urn="390001", name="Bulk Primary", phase=Phase.PRIMARY)
    db.session.add(setting)
    db.session.flush()
    ids = [uuid.uuid4(), uuid.uuid4()]
    rows: list[dict[str, Any]] = [
        {
            "id": ids[0],
            "upn": None,
            "legal_surname": "Bulkone",
            "legal_forename": "Zoë",
            "date_of_birth": date(2016, 2, 29),
            "sex": Sex.FEMALE,
            "setting_id": setting.id,
            "looked_after": True,
            "sen_status": SenStatus.EHC_PLAN,
            "sen_status_since": date(2024, 9, 4),
            "left_date": None,
            "version": 1,
        },
        {
            "id": ids[1],
            "upn": "A123",
            "legal_surname": "Bulktwo",
            "legal_forename": "Ben",
            "date_of_birth": date(2015, 12, 31),
            "sex": Sex.UNKNOWN,
            "setting_id": setting.id,
            "looked_after": False,
            "sen_status": SenStatus.SEN_SUPPORT,
            "sen_status_since": date(2025, 1, 6),
            "left_date": date(2026, 7, 22),
            "version": 1,
        },
    ]
    connection = db.session.connection()
    bulk.insert_rows(connection, _table(Pupil), rows)
    bulk.insert_rows(
        connection,
        _table(PupilNeed),
        [{"id": uuid.uuid4(), "pupil_id": ids[0], "rank": 1, "code": NeedCode.SEMH}],
    )
    bulk.insert_rows(
        connection,
        _table(AuditEvent),
        [
            {
                "user_id": None,
                "action": AuditAction.CREATE,
                "object_type": "pupil",
                "object_id": str(ids[0]),
                "pupil_id": ids[0],
                "summary": "Imported (row 2)",
            }
        ],
    )
    bulk.insert_rows(connection, _table(Pupil), [])  # nothing to write is not an error
    loaded = {p.id: p for p in db.session.scalars(select(Pupil).where(Pupil.id.in_(ids)))}
    for row in rows:
        pupil = loaded[row["id"]]
        for key, value in row.items():
            assert getattr(pupil, key) == value, key
    assert [n.code for n in loaded[ids[0]].needs] == [NeedCode.SEMH]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.pupil_id == ids[0]))
    assert event is not None and event.action is AuditAction.CREATE
    assert event.occurred_at is not None  # the server default applies to a column left out


def test_a_column_with_a_python_default_must_be_given(ctx: None) -> None:
    with pytest.raises(ValueError, match="id"):
        bulk.insert_rows(
            db.session.connection(),
            _table(PupilNeed),
            [{"pupil_id": uuid.uuid4(), "rank": 1, "code": NeedCode.SEMH}],
        )
