"""Administration records for the test world: two unit rates and two uploaded import files
(area-wide objects, so both sides are in scope for LA officers and administrators)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from sendtrack.extensions import db
from sendtrack.models import ImportUpload, UnitRate
from tests.world import World

CLUSTERS_CSV = b"name,financial_year,delegated_budget\nCluster A,,\n"


def build(w: World, password: str) -> None:
    del password
    for side, role in (("a", "Speech and language therapist"), ("b", "Higher level TA")):
        rate = UnitRate(staff_role=role, hourly_rate=Decimal("30.00"))
        db.session.add(rate)
        db.session.flush()
        w.ids[f"unit_rate_{side}"] = rate.id
        upload = ImportUpload(
            user_id=w["officer"],
            kind="clusters",
            filename=f"clusters-{side}.csv",
            sha256=hashlib.sha256(CLUSTERS_CSV).hexdigest(),
            data=CLUSTERS_CSV,
        )
        db.session.add(upload)
        db.session.flush()
        w.ids[f"upload_{side}"] = upload.id
