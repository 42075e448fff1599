"""Moves between settings: the receiving SENCO transfers a child in by UPN or by name and
date of birth, seeing nothing else; an LA officer moves any record; history is kept; the old
setting's SENCO gets 404 and the new one sees the record."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import ApdrCycle, AuditEvent, Pupil, PupilTransfer
from tests.clock import TODAY
from tests.conftest import client_for, sign_in
from tests.world import EMAILS, World

TODAY = TODAY
TODAY_PARTS = [str(TODAY.day), str(TODAY.month), str(TODAY.year)]


def test_receiving_senco_transfers_in_by_upn(app: Flask, world: World) -> None:
    new = app.test_client()
    sign_in(new, EMAILS["senco_b"])
    search = {"to_setting_id": str(world["b1"]), "upn": "v936100117001"}
    found = new.post("/pupils/transfer-in", data=search)
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    assert "Test Alphason" in html and "Currently at A One Primary" in html
    # The match is shown as paragraphs, not as escaped markup.
    assert '<p class="govuk-body govuk-!-margin-bottom-0">Currently at A One Primary</p>' in html
    assert "&lt;p" not in html
    # Nothing else about the child: no needs, no UPN shown back, no link to the record.
    assert "SLCN" not in html and f"/pupils/{world['pupil_a']}" not in html
    moved = new.post(
        "/pupils/transfer-in", data={**search, "confirm": "y", "moved_on": TODAY_PARTS}
    )
    assert moved.status_code == 302
    assert new.get(f"/pupils/{world['pupil_a']}").status_code == 200

    old = app.test_client()
    sign_in(old, EMAILS["senco"])
    assert old.get(f"/pupils/{world['pupil_a']}").status_code == 404
    assert old.get(f"/pupils/cycles/{world['cycle_a']}").status_code == 404
    with app.app_context():
        row = db.session.scalar(
            select(PupilTransfer).where(PupilTransfer.pupil_id == world["pupil_a"])
        )
        assert (
            row is not None
            and row.from_setting_id == world["a1"]
            and row.to_setting_id == world["b1"]
        )
        cycle = db.session.get(ApdrCycle, world["cycle_a"])
        assert cycle is not None and cycle.setting_id == world["b1"]
    timeline = new.get(f"/pupils/{world['pupil_a']}/timeline").get_data(as_text=True)
    assert "Moved setting" in timeline and "From A One Primary to B One Primary" in timeline


def test_transfer_in_by_name_needs_an_exact_match(app: Flask, world: World) -> None:
    client = client_for(app, "senco_b")
    base = {
        "to_setting_id": str(world["b1"]),
        "legal_forename": "test",
        "legal_surname": "QUIETLEY",
    }
    wrong = client.post("/pupils/transfer-in", data={**base, "date_of_birth": ["15", "3", "2017"]})
    assert wrong.status_code == 200
    assert "No child at another setting matches" in wrong.get_data(as_text=True)
    right = client.post("/pupils/transfer-in", data={**base, "date_of_birth": ["14", "3", "2017"]})
    assert "Test Quietley" in right.get_data(as_text=True)
    # A restricted child is never found.
    hidden = client.post(
        "/pupils/transfer-in",
        data={**base, "legal_surname": "Hiddenly", "date_of_birth": ["14", "3", "2017"]},
    )
    assert "No child at another setting matches" in hidden.get_data(as_text=True)
    empty = client.post("/pupils/transfer-in", data={"to_setting_id": str(world["b1"])})
    assert "Enter the UPN, or the first name" in empty.get_data(as_text=True)
    with app.app_context():
        searches = db.session.scalars(
            select(AuditEvent.summary).where(AuditEvent.object_type == "pupil_transfer_search")
        ).all()
        assert len(searches) == 3


def test_senco_cannot_transfer_into_someone_elses_setting(app: Flask, world: World) -> None:
    client = client_for(app, "senco_b")
    response = client.post(
        "/pupils/transfer-in",
        data={"to_setting_id": str(world["a2"]), "upn": "V936100117001", "confirm": "y",
              "moved_on": TODAY_PARTS},
    )  # fmt: skip
    assert response.status_code == 400
    with app.app_context():
        pupil = db.session.get(Pupil, world["pupil_a"])
        assert pupil is not None and pupil.setting_id == world["a1"]


def test_officer_moves_a_record(app: Flask, world: World) -> None:
    client = client_for(app, "officer")
    url = f"/pupils/{world['pupil_a_quiet']}/transfer"
    assert "A Two Primary" in client.get(url).get_data(as_text=True)
    future = ["1", "1", str(TODAY.year + 1)]
    refused = client.post(url, data={"to_setting_id": str(world["a2"]), "moved_on": future})
    assert refused.status_code == 400 and "cannot be in the future" in refused.get_data(
        as_text=True
    )
    moved = client.post(url, data={"to_setting_id": str(world["a2"]), "moved_on": TODAY_PARTS})
    assert moved.status_code == 302
    a2 = app.test_client()
    sign_in(a2, EMAILS["senco_a2"])
    assert a2.get(f"/pupils/{world['pupil_a_quiet']}").status_code == 200
    a1 = app.test_client()
    sign_in(a1, EMAILS["senco"])
    assert a1.get(f"/pupils/{world['pupil_a_quiet']}").status_code == 404
    # The SENCO's own transfer page explains the receiving school does it instead.
    page = a1.get(f"/pupils/{world['pupil_a']}/transfer").get_data(as_text=True)
    assert "transfers the record in" in page
