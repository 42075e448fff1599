"""The issue's "done when" journey through the test client: a SENCO adds a child, records a
full APDR cycle with three costed provisions, reviews it, starts the next cycle and sees the
totals against £6,000; another setting's SENCO gets 404 for every URL of that child."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import ApdrCycle, AuditEvent, CycleStatus, Provision, Pupil
from tests.clock import TODAY
from tests.conftest import sign_in
from tests.world import EMAILS, World


def _date(prefix: str, d: date) -> dict[str, list[str]]:
    return {prefix: [str(d.day), str(d.month), str(d.year)]}


def _location_id(response: object, kind: str) -> str:
    location = response.headers["Location"]  # type: ignore[attr-defined]
    match = re.search(rf"/{kind}/([0-9a-f-]{{36}})", location)
    assert match, location
    return match.group(1)


def _add_child(client: FlaskClient, world: World) -> str:
    response = client.post(
        "/pupils/new",
        data={
            "legal_forename": "Ruby",
            "legal_surname": "Journeyman",
            **_date("date_of_birth", date(2018, 5, 4)),
            "sex": "F",
            "upn": "",
            "setting_id": str(world["a1"]),
            "sen_status": "K",
            **_date("status_since", TODAY - timedelta(days=10)),
            "primary_need": "SLCN",
            "secondary_need": "SEMH",
            **_date("parents_informed_date", TODAY - timedelta(days=9)),
            "panel_consent": "y",
            **_date("panel_consent_date", TODAY - timedelta(days=9)),
            "panel_consent_recorded_by": "Sam Senco",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return _location_id(response, "pupils")


PROVISIONS = [
    # (description, role, group, minutes, weeks, manual) -> yearly cost
    ("Talk Boost group", "Teaching assistant", "4", "90", "30", "", "225.00"),
    ("Daily reading support", "Teaching assistant", "1", "300", "38", "", "3800.00"),
    ("Speech therapy assessment", "", "1", "", "", "2,500", "2500.00"),
]


def test_senco_journey_and_other_senco_gets_404(app: Flask, world: World) -> None:
    client = app.test_client()
    sign_in(client, EMAILS["senco"])
    pupil_id = _add_child(client, world)
    record = client.get(f"/pupils/{pupil_id}").get_data(as_text=True)
    assert "Ruby Journeyman" in record and "What you can do next" in record
    assert "Start an assess, plan, do, review cycle" in record

    response = client.post(f"/pupils/{pupil_id}/cycles/new", data={})
    assert response.status_code == 302
    cycle_id = _location_id(response, "cycles")
    base = f"/pupils/cycles/{cycle_id}"

    def version() -> str:
        with app.app_context():
            cycle = db.session.get(ApdrCycle, uuid.UUID(cycle_id))
            assert cycle is not None
            return str(cycle.version)

    assert client.post(f"{base}/assess", data={
        "version": version(), "needs_summary": "Limited vocabulary; anxious at transitions",
        "assessments_used": "WellComm, Boxall", "child_views": "I like the small room",
        "parent_views": "Wants more help with talking",
    }).status_code == 302  # fmt: skip
    for text in ("Uses 50 new words", "Asks for help"):
        assert client.post(f"{base}/outcomes/new", data={
            "version": version(), "description": text, "success_criteria": "Observed weekly",
        }).status_code == 302  # fmt: skip
    for desc, role, group, minutes, weeks, manual, _cost in PROVISIONS:
        response = client.post(f"{base}/provisions/new", data={
            "version": version(), "description": desc, "provision_type": "Other",
            "frequency": "Weekly", "group_size": group, "delivered_by": role,
            "minutes_per_week": minutes, "weeks": weeks, "manual_cost": manual,
        })  # fmt: skip
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    start = TODAY - timedelta(days=80)
    assert client.post(f"{base}/do", data={
        "version": version(), **_date("start_date", start),
        **_date("review_date", TODAY - timedelta(days=1)),
    }).status_code == 302  # fmt: skip

    page = client.get(base).get_data(as_text=True)
    for *_rest, cost in PROVISIONS:
        assert f"£{float(cost):,.2f}" in page
    assert "£6,525.00" in page  # 225 + 3,800 + 2,500 (TA at £20 an hour)
    assert "£525.00 above the £6,000 threshold" in page
    assert "The review was due on" in page
    # A provision with no time says so, rather than leaving the cell empty.
    assert 'data-label="Time">–</td>' in page
    assert 'data-label="Time">90 min a week, 30 weeks</td>' in page

    home = client.get("/home").get_data(as_text=True)
    assert "Reviews of SEN support" in home and "Ruby Journeyman, cycle 1" in home

    with app.app_context():
        cycle = db.session.get(ApdrCycle, uuid.UUID(cycle_id))
        assert cycle is not None
        outcome_ids = [str(o.id) for o in cycle.outcomes]
    response = client.post(f"{base}/review", data={
        "version": version(), **_date("reviewed_on", TODAY),
        f"progress-{outcome_ids[0]}": "achieved", f"progress-{outcome_ids[1]}": "partly",
        "impact_notes": "Much more confident", "next_step": "continue",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get(base).get_data(as_text=True)
    assert "Reviewed" in page and "Partly achieved" in page and "Start the next cycle" in page

    response = client.post(
        f"/pupils/{pupil_id}/cycles/new", data={"copy_outcomes": "y", "copy_provisions": "y"}
    )
    next_id = _location_id(response, "cycles")
    page = client.get(f"/pupils/cycles/{next_id}").get_data(as_text=True)
    assert "cycle 2" in page and "Talk Boost group" in page and "£6,525.00" in page
    with app.app_context():
        cycles = db.session.scalars(
            select(ApdrCycle).where(ApdrCycle.pupil_id == cycle.pupil_id).order_by(ApdrCycle.number)
        ).all()
        assert [c.status for c in cycles] == [CycleStatus.REVIEWED, CycleStatus.OPEN]
        provision_id = db.session.scalars(
            select(Provision.id).where(Provision.cycle_id == cycles[1].id)
        ).first()
        outcome_id = cycles[1].outcomes[0].id
        assert db.session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.pupil_id == cycle.pupil_id, AuditEvent.object_type == "provision"
            )
        )
    timeline = client.get(f"/pupils/{pupil_id}/timeline").get_data(as_text=True)
    assert "APDR cycle 1 reviewed" in timeline and "Next step: Continue" in timeline

    # Another setting's SENCO: 404 on every URL of this child, reading or writing.
    other = app.test_client()
    sign_in(other, EMAILS["senco_b"])
    urls = [
        f"/pupils/{pupil_id}", f"/pupils/{pupil_id}/timeline", f"/pupils/{pupil_id}/edit",
        f"/pupils/{pupil_id}/status", f"/pupils/{pupil_id}/transfer",
        f"/pupils/{pupil_id}/cycles/new", base, f"{base}/assess", f"{base}/do",
        f"{base}/review", f"{base}/outcomes/new", f"{base}/provisions/new",
        f"/pupils/cycles/{next_id}", f"/pupils/provisions/{provision_id}/edit",
        f"/pupils/provisions/{provision_id}/remove", f"/pupils/outcomes/{outcome_id}/edit",
    ]  # fmt: skip
    for url in urls:
        for method in ("GET", "POST"):
            read_only = (f"/pupils/{pupil_id}", f"/pupils/{pupil_id}/timeline", base,
                         f"/pupils/cycles/{next_id}")  # fmt: skip
            if method == "POST" and url in read_only:
                continue
            assert other.open(url, method=method).status_code == 404, f"{method} {url}"


def test_one_open_cycle_per_child_is_enforced_by_the_database(ctx: None, world: World) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(ApdrCycle(pupil_id=world["pupil_a"], setting_id=world["a1"], number=2))
        db.session.flush()
    pupil = db.session.get(Pupil, world["pupil_a"])
    assert pupil is not None
