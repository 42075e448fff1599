"""Bulk children for register tests and the register benchmark: one Core insert per table,
so 2,000 children take a moment, not minutes."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sendtrack.extensions import db
from sendtrack.models import ApdrCycle, Provision, Pupil, PupilNeed, SenStatus, Setting, Sex
from tests.clock import TODAY

NEEDS = ["SLCN", "SEMH", "SPLD", "MLD", "ASD"]


def bulk_setting(name: str, urn: str, cluster_id: uuid.UUID | None, count: int) -> uuid.UUID:
    """A setting with `count` children at K/E, each with two needs and most with an open
    cycle costed by two provisions."""
    from sendtrack.models import Phase

    setting = Setting(urn=urn, name=name, phase=Phase.PRIMARY, cluster_id=cluster_id)
    db.session.add(setting)
    db.session.flush()
    today = TODAY
    pupils: list[dict[str, Any]] = []
    needs: list[dict[str, Any]] = []
    cycles: list[dict[str, Any]] = []
    provisions: list[dict[str, Any]] = []
    for i in range(count):
        pid = uuid.uuid4()
        pupils.append(
            {
                "id": pid,
                "legal_surname": f"Surname{i:05d}",
                "legal_forename": f"Child{i % 97}",
                "date_of_birth": date(2015, 9, 1) + timedelta(days=i % 2000),
                "sex": Sex.FEMALE if i % 2 else Sex.MALE,
                "setting_id": setting.id,
                "sen_status": SenStatus.EHC_PLAN if i % 7 == 0 else SenStatus.SEN_SUPPORT,
                "sen_status_since": today - timedelta(days=100),
            }
        )
        needs.append({"id": uuid.uuid4(), "pupil_id": pid, "rank": 1, "code": NEEDS[i % 5]})
        needs.append({"id": uuid.uuid4(), "pupil_id": pid, "rank": 2, "code": NEEDS[(i + 1) % 5]})
        if i % 4:
            cid = uuid.uuid4()
            cycles.append(
                {
                    "id": cid,
                    "pupil_id": pid,
                    "setting_id": setting.id,
                    "number": 1,
                    "status": "open",
                    "start_date": today - timedelta(days=60),
                    "review_date": today + timedelta(days=(i % 60) - 20),
                }
            )
            for position in (1, 2):
                provisions.append(
                    {
                        "id": uuid.uuid4(),
                        "cycle_id": cid,
                        "position": position,
                        "description": "Small-group support",
                        "annual_cost": Decimal("450.00"),
                    }
                )
    for model, rows in (
        (Pupil, pupils),
        (PupilNeed, needs),
        (ApdrCycle, cycles),
        (Provision, provisions),
    ):
        if rows:
            db.session.execute(model.__table__.insert(), rows)
    return setting.id
