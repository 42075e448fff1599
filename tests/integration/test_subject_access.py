"""Subject access export: every part of one child's record and its access log, for LA
officers and administrators only; the export is audited."""

from __future__ import annotations

import json
import uuid

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent
from tests.world import World


def test_export_holds_the_whole_record_and_who_accessed_it(
    app: Flask, world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    response = client.get(f"/subject-access/{world['pupil_a']}.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    record = json.loads(response.get_data(as_text=True))
    assert record["marking"] == "OFFICIAL-SENSITIVE"
    assert record["child"]["legal_surname"] == "Alphason"
    assert record["child"]["upn"] == "V936100117001"
    assert [n["code"] for n in record["needs"]] == ["SLCN", "SEMH"]
    assert record["sen_status_history"][0]["status"] == "K"
    # The world's scheduled referral, and the decided one from tests/world_panels.py.
    assert sorted(r["reference"] for r in record["referrals"]) == ["REF-TEST-A", "REF-TEST-DA"]
    assert len(record["panel_meetings"]) == 2  # the upcoming meeting and the one held
    assert any(e["action"] == "create" for e in record["access_log"])
    # Another child's data never appears.
    assert "Betason" not in response.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.EXPORT, AuditEvent.pupil_id == world["pupil_a"]
            )
        )
        assert event is not None and event.user_email == "officer@test.example"


def test_restricted_child_is_exported_for_officers(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("admin").get(f"/subject-access/{world['pupil_restricted']}.json")
    assert response.status_code == 200


def test_unknown_child_is_404_and_sencos_are_refused(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    assert client.get(f"/subject-access/{uuid.uuid4()}.json").status_code == 404
    client.get("/sign-out")
    assert as_user("senco").get(f"/subject-access/{world['pupil_a']}.json").status_code == 403
