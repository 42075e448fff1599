"""The child record: validation with GOV.UK messages that keep what was typed, status
history, optimistic locking, audit of views and changes, and APDR input checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import ApdrCycle, AuditEvent, Pupil, SenStatus, SenStatusChange
from tests.clock import TODAY
from tests.world import World, child_form


@pytest.mark.parametrize(
    ("changes", "message", "kept"),
    [
        ({"date_of_birth": ["31", "2", "2018"]}, "Date of birth must be a real date", 'value="31"'),
        ({"date_of_birth": ["4", "5", "1990"]}, "aged 0 to 25", 'value="1990"'),
        ({"date_of_birth": ["4", "5", str(TODAY.year + 1)]}, "must be in the past", "Tilly"),
        ({"upn": "A12345678901X"}, "Enter a valid UPN", 'value="A12345678901X"'),
        ({"upn": "v936 1001 17001"}, "already used by another child", "v936 1001 17001"),
        ({"legal_surname": "x" * 101}, "Last name must be 100 characters or fewer", "xxxx"),
        ({"legal_forename": ""}, "Enter the child&#39;s first name", "Validate"),
        ({"panel_consent": "y"}, "Enter the date consent was given", "Validate"),
        ({"secondary_need": "SLCN"}, "Each need can be listed only once", "Validate"),
        ({"year_group_override": "3"}, "Enter why the child is taught out of their year", "Tilly"),
    ],
)
def test_bad_input_is_shown_on_the_field_and_kept(
    as_user,
    world: World,
    changes: dict[str, object],
    message: str,
    kept: str,  # type: ignore[no-untyped-def]
) -> None:
    response = as_user("senco").post("/pupils/new", data=child_form(world, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and message in html and kept in html
    assert "<title>Error:" in html


def test_add_child_with_upn_normalised_and_audited(as_user, world: World, app: Flask) -> None:  # type: ignore[no-untyped-def]
    from sendtrack.demo.core import demo_upn

    upn = demo_upn(555, "100001", 2023)
    response = as_user("senco").post("/pupils/new", data=child_form(world, upn=" " + upn.lower()))
    assert response.status_code == 302
    with app.app_context():
        pupil = db.session.scalar(select(Pupil).where(Pupil.legal_surname == "Validate"))
        assert pupil is not None and pupil.upn == upn
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.pupil_id == pupil.id, AuditEvent.action == "create")
        )
        assert event is not None and event.changes["upn"] == [None, upn]


def test_status_changes_are_dated_history(as_user, world: World, app: Flask) -> None:  # type: ignore[no-untyped-def]
    client = as_user("senco")
    url = f"/pupils/{world['pupil_a_quiet']}/status"
    today = TODAY
    future = today + timedelta(days=3)
    response = client.post(
        url,
        data={"status": "E", "start_date": [str(future.day), str(future.month), str(future.year)]},
    )
    assert response.status_code == 400 and "cannot be in the future" in response.get_data(
        as_text=True
    )
    for status in ("E", "K"):
        response = client.post(
            url,
            data={
                "status": status,
                "start_date": [str(today.day), str(today.month), str(today.year)],
                "reason": "Plan issued",
            },
        )
        assert response.status_code == 302
    with app.app_context():
        history = db.session.scalars(
            select(SenStatusChange.status)
            .where(SenStatusChange.pupil_id == world["pupil_a_quiet"])
            .order_by(SenStatusChange.recorded_at, SenStatusChange.start_date)
        ).all()
        assert history == [SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN, SenStatus.SEN_SUPPORT]
        changes = db.session.scalars(
            select(AuditEvent.changes).where(
                AuditEvent.pupil_id == world["pupil_a_quiet"], AuditEvent.action == "update"
            )
        ).all()
        assert {"sen_status": ["K", "E"]} in changes and {"sen_status": ["E", "K"]} in changes
    record = client.get(f"/pupils/{world['pupil_a_quiet']}").get_data(as_text=True)
    assert record.count("SEN support (K)</strong> from") == 2


def _edit_data(client: FlaskClient, world: World, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_forename": "Test", "legal_surname": "Quietley", "date_of_birth": ["14", "3", "2017"],
        "sex": "F", "upn": "", "primary_need": "SLCN", "secondary_need": "SEMH",
        "panel_consent": "y", "panel_consent_recorded_by": "Test",
        "panel_consent_date": ["1", "1", str(TODAY.year - 1)],
    }  # fmt: skip
    data.update(changes)
    return data


def test_edit_refuses_a_stale_version_and_keeps_input(as_user, world: World, app: Flask) -> None:  # type: ignore[no-untyped-def]
    client = as_user("senco")
    url = f"/pupils/{world['pupil_a_quiet']}/edit"
    with app.app_context():
        pupil = db.session.get(Pupil, world["pupil_a_quiet"])
        assert pupil is not None
        version = pupil.version
    first = client.post(
        url, data=_edit_data(client, world, version=str(version), preferred_forename="Tee")
    )
    assert first.status_code == 302
    second = client.post(
        url, data=_edit_data(client, world, version=str(version), preferred_forename="Toto")
    )
    html = second.get_data(as_text=True)
    assert second.status_code == 400
    assert "This record was changed by someone else" in html
    assert 'value="Toto"' in html and "The record as it is saved now" in html and "Tee" in html
    with app.app_context():
        pupil = db.session.get(Pupil, world["pupil_a_quiet"])
        assert pupil is not None and pupil.preferred_forename == "Tee"
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.pupil_id == pupil.id, AuditEvent.object_type == "pupil",
                AuditEvent.action == "update",
            )
        )  # fmt: skip
        assert event is not None and event.changes["preferred_forename"] == [None, "Tee"]


def test_views_of_record_timeline_and_cycle_are_audited(as_user, world: World, app: Flask) -> None:  # type: ignore[no-untyped-def]
    client = as_user("lead")  # sees pupil_a because it is referred to the lead's cluster
    for url in (f"/pupils/{world['pupil_a']}", f"/pupils/{world['pupil_a']}/timeline",
                f"/pupils/cycles/{world['cycle_a']}"):  # fmt: skip
        assert client.get(url).status_code == 200
    with app.app_context():
        types = db.session.scalars(
            select(AuditEvent.object_type).where(
                AuditEvent.pupil_id == world["pupil_a"], AuditEvent.action == "view"
            )
        ).all()
        assert sorted(types) == ["apdr_cycle", "pupil", "pupil_timeline"]
    # The lead reads only: no edit links on the record.
    html = client.get(f"/pupils/{world['pupil_a']}").get_data(as_text=True)
    assert "Edit the child" not in html and "See everything that has happened" in html


def test_timeline_lists_status_cycles_referrals(as_user, world: World) -> None:  # type: ignore[no-untyped-def]
    html = as_user("senco").get(f"/pupils/{world['pupil_a']}/timeline").get_data(as_text=True)
    for text in ("SEN status: SEN support (K)", "APDR cycle 1 started", "Referred to cluster panel",
                 "REF-TEST-A", "Record created"):  # fmt: skip
        assert text in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_date": ["1", "9", "2026"], "review_date": ["1", "8", "2026"]},
         "The review date must be the same as or after the start date"),
        ({"start_date": ["30", "2", "2026"], "review_date": ["1", "8", "2026"]},
         "Start date must be a real date"),
    ],
)  # fmt: skip
def test_review_before_start_is_refused(
    as_user, world: World, data: dict[str, object], message: str
) -> None:  # type: ignore[no-untyped-def]
    response = as_user("senco").post(f"/pupils/cycles/{world['cycle_a']}/do", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"manual_cost": "-20"}, "Yearly cost must be £0 or more"),
        ({"manual_cost": "lots"}, "Yearly cost must be an amount in pounds"),
        ({"minutes_per_week": "ten", "delivered_by": "Teaching assistant"}, "Minutes per week must be a whole number"),
        ({"weeks": "60", "delivered_by": "Teaching assistant", "minutes_per_week": "30"}, "Number of weeks must be between 0 and 52"),
        ({"delivered_by": "Teaching assistant", "weeks": "10"}, "Enter the minutes per week"),
        ({}, "Enter a yearly cost, or choose a staff role"),
        ({"description": "y" * 501}, "must be 500 characters or fewer"),
    ],
)  # fmt: skip
def test_bad_provision_costs_are_refused(
    as_user, world: World, data: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    form = {"description": "Extra help", "group_size": "1", **data}
    response = as_user("senco").post(f"/pupils/cycles/{world['cycle_a']}/provisions/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    for value in data.values():
        assert value[:50] in html


def test_stale_cycle_edit_is_refused(as_user, world: World, app: Flask) -> None:  # type: ignore[no-untyped-def]
    client = as_user("senco")
    with app.app_context():
        cycle = db.session.get(ApdrCycle, world["cycle_a"])
        assert cycle is not None
        version = str(cycle.version)
    url = f"/pupils/cycles/{world['cycle_a']}/assess"
    assert client.post(url, data={"version": version, "needs_summary": "First"}).status_code == 302
    response = client.post(url, data={"version": version, "needs_summary": "Second"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "changed by someone else" in html
    assert "Second" in html and "First" in html
