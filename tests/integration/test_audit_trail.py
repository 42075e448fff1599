"""LA officers and administrators search the audit trail by child, user and date, and export
it; the search and the export are themselves audited."""

from __future__ import annotations

import csv
import io

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent
from sendtrack.services import audit
from tests.world import World


def _seed_events(app: Flask, world: World) -> None:
    with app.app_context():
        audit.record(
            None,
            AuditAction.VIEW,
            "pupil",
            world["pupil_a"],
            pupil_id=world["pupil_a"],
            summary="Viewed Alphason",
        )
        audit.record(
            None,
            AuditAction.UPDATE,
            "pupil",
            world["pupil_b"],
            pupil_id=world["pupil_b"],
            summary='=HYPERLINK("evil")',
            changes={"looked_after": [False, True]},
        )
        db.session.commit()


def test_search_by_child_upn_and_by_surname(app: Flask, world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    _seed_events(app, world)
    client = as_user("officer")
    page = client.get("/audit/?child=V936 1001 17001").get_data(as_text=True)
    assert "Viewed Alphason" in page and "HYPERLINK" not in page
    page = client.get("/audit/?child=betason").get_data(as_text=True)
    assert "HYPERLINK" in page and "Viewed Alphason" not in page
    assert "looked_after" in page


def test_search_by_user_and_dates(app: Flask, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    page = client.get("/audit/?user=admin@test").get_data(as_text=True)
    assert "admin@test.example" in page and "login" in page
    bad = client.get("/audit/?date_from=31&date_from=02&date_from=2026")
    assert bad.status_code == 400
    assert "The from date must be a real date" in bad.get_data(as_text=True)


def test_export_is_csv_injection_safe_and_audited(app: Flask, world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    _seed_events(app, world)
    client = as_user("officer")
    response = client.get("/audit/export.csv?child=betason")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    # The child's own creation event is there too; the update's summary is neutralised.
    assert {r["action"] for r in rows} == {"create", "update"}
    assert all(r["pupil_id"] == str(world["pupil_b"]) for r in rows)
    update = next(r for r in rows if r["action"] == "update")
    assert update["summary"].startswith("'=HYPERLINK")
    with app.app_context():
        exported = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.EXPORT, AuditEvent.object_type == "audit_trail"
            )
        )
        assert exported is not None and "child=betason" in (exported.summary or "")


def test_sencos_and_leads_cannot_see_the_trail(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("senco").get("/audit/").status_code == 403


def test_export_and_paging_links_keep_every_part_of_a_date(as_user) -> None:  # type: ignore[no-untyped-def]
    # Day, month and year share one query name: a link built from the first values only
    # sent "date_from=1", and the export then failed with "must include a month and a year".
    client = as_user("officer")
    page = client.get("/audit/?date_from=1&date_from=1&date_from=2026").get_data(as_text=True)
    assert "/audit/export.csv?date_from=1&amp;date_from=1&amp;date_from=2026" in page
    response = client.get("/audit/export.csv?date_from=1&date_from=1&date_from=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
