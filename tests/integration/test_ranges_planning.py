"""Planning from the ranges: the expected provision for the confirmed levels is offered to
the plan pre-filled and costed; removing an item shows the gap on the cycle, the child
record and the referral; the warning when the child's levels are usually met from
ordinarily available provision (shown, never a block)."""

from __future__ import annotations

import io
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import ApdrCycle, PanelMeeting, Provision, RangesArea, RangesFramework
from sendtrack.services.packs import data, render
from tests.conftest import sign_in
from tests.world import EMAILS, World

TIMETABLE = "Communication and interaction: visual timetable"
GROUP = "Social, emotional and mental health: small-group sessions"
OAP = "usually met from ordinarily available provision"


def client_for(app: Flask, key: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, EMAILS[key])
    return client


def _version(app: Flask, cycle_id: object) -> str:
    with app.app_context():
        cycle = db.session.get(ApdrCycle, cycle_id)
        assert cycle is not None
        return str(cycle.version)


def _judge_semh_targeted(app: Flask, senco: FlaskClient, world: World) -> None:
    cycle, area = world["cycle_a"], world["ranges_area_b"]
    with app.app_context():
        found = db.session.get(RangesArea, area)
        framework = db.session.get(RangesFramework, world["ranges_v1"])
        assert found is not None and framework is not None
        regular = next(d.id for d in found.descriptors if d.wording.endswith("regular help"))
        targeted = framework.levels[1].id
    url = f"/ranges/cycles/{cycle}/areas/{area}"
    senco.post(url, data={"version": _version(app, cycle), "descriptors": [str(regular)]})
    response = senco.post(
        f"{url}/level", data={"version": _version(app, cycle), "level": str(targeted)}
    )
    assert response.status_code == 302


def _plan(app: Flask, cycle_id: object) -> dict[str, Provision]:
    with app.app_context():
        rows = db.session.scalars(select(Provision).where(Provision.cycle_id == cycle_id))
        return {p.description: p for p in rows}


def test_expected_provision_is_offered_costed_and_the_gap_shown(app: Flask, world: World) -> None:
    senco = client_for(app, "senco")
    cycle = world["cycle_a"]
    _judge_semh_targeted(app, senco, world)
    url = f"/ranges/cycles/{cycle}/expected-provision"
    page = senco.get(url).get_data(as_text=True)
    # Both items are offered, ticked; the group is costed at the unit rate:
    # £20 an hour x 90 minutes a week x 30 weeks / a group of 4 = £225 a year.
    assert TIMETABLE in page and GROUP in page
    assert page.count("checked") == 2
    assert "£225.00 a year" in page
    cycle_page = senco.get(f"/pupils/cycles/{cycle}").get_data(as_text=True)
    assert "Expected provision not in the plan (2)" in cycle_page
    # Nothing chosen is refused.
    response = senco.post(url, data={"version": _version(app, cycle)})
    assert response.status_code == 400
    assert "Choose the expected provision to add to the plan" in response.get_data(as_text=True)
    with app.app_context():
        ids = {
            p.description: str(p.id)
            for a in db.session.scalars(
                select(RangesArea).where(RangesArea.framework_id == world["ranges_v1"])
            )
            for p in a.provision
        }
    response = senco.post(
        url, data={"version": _version(app, cycle), "items": [ids[TIMETABLE], ids[GROUP]]}
    )
    assert response.status_code == 302
    plan = _plan(app, cycle)
    assert plan[GROUP].annual_cost == Decimal("225.00") and plan[GROUP].unit_rate_id
    assert plan[GROUP].delivered_by == "Teaching assistant" and plan[GROUP].group_size == 4
    assert plan[TIMETABLE].annual_cost == Decimal("0.00")
    cycle_page = senco.get(f"/pupils/cycles/{cycle}").get_data(as_text=True)
    assert "Expected provision not in the plan" not in cycle_page
    # Rewording an added item keeps it matched: the plan says where it came from.
    response = senco.post(
        f"/pupils/provisions/{plan[TIMETABLE].id}/edit",
        data={"version": _version(app, cycle), "description": "Now-and-next board",
              "manual_cost": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    # Removing the group shows the gap on the cycle, the child record and the referral.
    response = senco.post(
        f"/pupils/provisions/{plan[GROUP].id}/remove", data={"version": _version(app, cycle)}
    )
    assert response.status_code == 302
    cycle_page = senco.get(f"/pupils/cycles/{cycle}").get_data(as_text=True)
    assert "Expected provision not in the plan (1)" in cycle_page and GROUP in cycle_page
    assert TIMETABLE not in cycle_page[cycle_page.index('id="gap"') :]
    record = senco.get(f"/pupils/{world['pupil_a']}").get_data(as_text=True)
    assert "Expected provision missing from the open cycle (1)" in record and GROUP in record
    referral = client_for(app, "lead").get(f"/referrals/{world['referral_a']}")
    text = referral.get_data(as_text=True)
    assert "Expected provision missing from the open cycle (1)" in text and GROUP in text
    # The page offers only what is missing.
    page = senco.get(url).get_data(as_text=True)
    assert page.count("checked") == 1 and "(in the plan)" in page


def test_the_ordinarily_available_warning_shows_and_never_blocks(app: Flask, world: World) -> None:
    senco = client_for(app, "senco")
    pupil = world["pupil_a"]
    # Pupil A's one confirmed level is Universal: usually met from ordinarily available
    # provision, in the framework's words, on the referral form and the EHCNA request form.
    form = senco.get(f"/children/{pupil}/referrals/new").get_data(as_text=True)
    assert OAP in form and "Communication and interaction: Universal" in form
    officer = client_for(app, "officer")
    assert OAP in officer.get(f"/children/{pupil}/ehcna/new").get_data(as_text=True)
    assert OAP in client_for(app, "lead").get(f"/referrals/{world['referral_a']}").get_data(
        as_text=True
    )
    # A level whose usual next step is a cluster referral ends the warning.
    _judge_semh_targeted(app, senco, world)
    assert OAP not in senco.get(f"/children/{pupil}/referrals/new").get_data(as_text=True)
    # A child never judged sees no warning.
    quiet = world["pupil_a_quiet"]
    assert OAP not in senco.get(f"/children/{quiet}/referrals/new").get_data(as_text=True)


def test_the_pack_shows_levels_gap_and_warning(ctx: None, world: World) -> None:
    """Pupil A is on meeting A's agenda: cycle 1 has Communication and interaction at
    Universal confirmed, whose expected visual timetable is not in the plan, and Universal is
    usually met from ordinarily available provision."""
    meeting = db.session.get(PanelMeeting, world["meeting_a"])
    assert meeting is not None
    case = next(c for c in data.case_data(meeting, False) if c["reference"] == "REF-TEST-A")
    cycle = case["cycles"][-1]
    assert cycle["levels"] == [
        {"area": "Communication and interaction", "level": "Universal", "version": 1}
    ]
    assert [g["description"] for g in cycle["gap"]] == [TIMETABLE]
    assert case["ordinarily_available"] == ["Communication and interaction: Universal"]
    pdf, _ = render.render_case(case, 1)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Expected provision not in the plan: " + TIMETABLE in text
    assert "usually met from the school’s own resources" in text
    assert "Levels of need (ranges, version 1): Communication and interaction: Universal" in text
