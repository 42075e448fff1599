"""Advice and support contacts through the pages: recording (the setting by URN or name, a
child on the register or not on it), bad input, the remembered setting, editing by the
recorder and officers with every change audited, a setting's contacts, the follow-up queue,
and scope (a SENCO's own setting, the restricted child hidden)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    Contact,
    ContactChannel,
    EhcnaRequest,
    NeedCode,
    Pupil,
    SenStatus,
)
from sendtrack.services import retention
from tests.clock import TODAY
from tests.conftest import sign_in
from tests.world import EMAILS, World


def _form(**extra: Any) -> dict[str, Any]:
    data = {
        "setting": "100001",
        "child": "",
        "question": "Is a sensory break allowed in exams?",
        "advice": "Yes, with the exams officer's agreement",
        "channel": "phone",
        "contact_date": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
        "need": "",
        "minutes": "",
        "follow_up_by_id": "",
    }
    data.update(extra)
    return data


def _contacts(app: Any, **where: Any) -> list[Contact]:
    with app.app_context():
        rows = list(db.session.scalars(select(Contact).filter_by(**where)))
        db.session.remove()
        return rows


def _count(app: Any) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(Contact)) or 0
        db.session.remove()
        return n


def test_a_phone_contact_about_a_child_on_the_register(
    app: Any, world: World, as_user: Any
) -> None:
    client: FlaskClient = as_user("lead")
    page = client.get("/contacts/new")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # The type-ahead offers the lead's clusters' settings only.
    assert "A One Primary (100001)" in text and "B One Primary" not in text
    response = client.post(
        "/contacts/new", data=_form(child="Test Alphason", minutes="15", need="SLCN")
    )
    assert response.status_code == 302
    [contact] = _contacts(app, question="Is a sensory break allowed in exams?")
    assert contact.setting_id == world["a1"]
    assert contact.pupil_id == world["pupil_a"]
    assert contact.channel is ContactChannel.PHONE
    assert contact.contact_date == TODAY
    assert contact.minutes == 15 and contact.need is NeedCode.SLCN
    assert contact.recorded_by_id == world["lead"]
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.object_type == "contact",
                AuditEvent.object_id == str(contact.id),
                AuditEvent.action == AuditAction.CREATE,
            )
        )
        assert event is not None and event.pupil_id == world["pupil_a"]
        db.session.remove()
    # The next contact starts at the same setting, with the child box focused.
    again = client.get("/contacts/new").get_data(as_text=True)
    assert 'value="A One Primary (100001)"' in again
    assert "Test Alphason, born 14/03/2017" in again  # the register's names for a1


def test_the_setting_by_name_and_the_child_by_the_list_label(
    app: Any, world: World, as_user: Any
) -> None:
    client = as_user("officer")
    response = client.post(
        "/contacts/new",
        data=_form(setting="b one", child="Test Betason, born 14/03/2017", question="By name"),
    )
    assert response.status_code == 302
    [contact] = _contacts(app, question="By name")
    assert contact.setting_id == world["b1"] and contact.pupil_id == world["pupil_b"]


def test_a_contact_about_no_child(app: Any, world: World, as_user: Any) -> None:
    client = as_user("lead")
    response = client.post("/contacts/new", data=_form(question="General question"))
    assert response.status_code == 302
    [contact] = _contacts(app, question="General question")
    assert contact.pupil_id is None


def test_a_child_not_on_the_register_gets_a_record_with_no_sen_status(
    app: Any, world: World, as_user: Any
) -> None:
    client = as_user("lead")
    response = client.post(
        "/contacts/new",
        data=_form(
            question="New child",
            new_forename="Nell",
            new_surname="Newcombe",
            new_date_of_birth=["2", "5", "2018"],
        ),
    )
    assert response.status_code == 302
    [contact] = _contacts(app, question="New child")
    with app.app_context():
        child = db.session.get(Pupil, contact.pupil_id)
        assert child is not None
        assert (child.legal_forename, child.legal_surname) == ("Nell", "Newcombe")
        assert child.setting_id == world["a1"] and child.sen_status is SenStatus.NONE
        db.session.remove()


def test_bad_input_is_refused_and_keeps_what_was_typed(
    app: Any, world: World, as_user: Any
) -> None:
    client = as_user("lead")
    before = _count(app)
    cases = [
        (_form(setting=""), "Enter the setting&#39;s name or URN"),
        (_form(setting="200001"), "No setting you support has the URN 200001"),
        (_form(setting="A"), "More than one setting matches"),
        (_form(setting="Nowhere Academy"), "No setting you support is called"),
        (_form(child="Nobody Known"), "No child called"),
        (_form(child="Test Hiddenly"), "No child called"),  # restricted: not for a lead
        (_form(question=""), "Enter what the setting asked about"),
        (_form(minutes="a lot"), "Time spent must be a whole number of minutes"),
        (_form(minutes="1441"), "Time spent must be a whole number of minutes"),
        (_form(contact_date=["1", "1", str(TODAY.year + 1)]), "today or in the past"),
        (_form(channel="fax"), "Choose how the contact was made"),
        (_form(need="XYZ"), "Choose an area of need from the list"),
        (_form(follow_up_by_id=str(world["senco"])), "Choose who will follow up"),
        (
            _form(child="Test Alphason", new_forename="Nell"),
            "Choose a child on the register or enter a child not on it, not both",
        ),
        (_form(new_forename="Nell"), "Enter the child&#39;s last name"),
    ]
    for data, message in cases:
        data["question"] = data["question"] or ""
        response = client.post("/contacts/new", data=data)
        text = response.get_data(as_text=True)
        assert response.status_code == 400, (data, response.status_code)
        assert message in text, (message, data)
        assert "There is a problem" in text
        if data["question"]:
            assert data["question"] in text  # nothing typed is lost
    assert _count(app) == before


def test_a_follow_up_for_someone_else_needs_a_date(app: Any, world: World, as_user: Any) -> None:
    client = as_user("officer")
    response = client.post(
        "/contacts/new", data=_form(follow_up_by_id=str(world["lead"]), question="Needs date")
    )
    assert response.status_code == 400
    assert "Enter the date the follow-up is due" in response.get_data(as_text=True)
    due = TODAY + timedelta(days=5)
    response = client.post(
        "/contacts/new",
        data=_form(
            follow_up_by_id=str(world["lead"]),
            question="Lead follows up",
            follow_up_due=[str(due.day), str(due.month), str(due.year)],
        ),
    )
    assert response.status_code == 302
    [contact] = _contacts(app, question="Lead follows up")
    assert contact.follow_up_by_id == world["lead"] and contact.follow_up_due == due


def test_the_recorder_and_officers_edit_and_each_change_is_audited(
    app: Any, world: World, client: FlaskClient
) -> None:
    sign_in(client, EMAILS["lead"])
    url = f"/contacts/{world['contact_a']}/edit"
    page = client.get(url)
    assert page.status_code == 200
    assert "How to support a child who will not speak in class" in page.get_data(as_text=True)
    response = client.post(
        url,
        data=_form(
            setting="A One Primary (100001)",
            child="Test Alphason, born 14/03/2017",
            question="How to support a child who will not speak in class",
            advice="Changed advice",
            version="1",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # A contact someone else recorded is not the lead's to change.
    refused = client.get(f"/contacts/{world['contact_a2']}/edit")
    assert refused.status_code == 302
    # Officers change anyone's.
    client = app.test_client()
    sign_in(client, EMAILS["officer"])
    response = client.post(
        url,
        data=_form(
            setting="100001",
            child="Test Alphason",
            question="How to support a child who will not speak in class",
            advice="Changed again",
            version="2",
        ),
    )
    assert response.status_code == 302
    stale = client.post(url, data=_form(question="Old version", advice="Lost race", version="1"))
    assert stale.status_code == 400
    assert "changed by someone else" in stale.get_data(as_text=True)
    with app.app_context():
        updates = list(
            db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.object_type == "contact",
                    AuditEvent.object_id == str(world["contact_a"]),
                    AuditEvent.action == AuditAction.UPDATE,
                )
                .order_by(AuditEvent.id)
            )
        )
        assert [e.changes["advice"] for e in updates] == [
            ["Try a talk partner and visual timetable", "Changed advice"],
            ["Changed advice", "Changed again"],
        ]
        assert all(e.pupil_id == world["pupil_a"] for e in updates)
        assert [e.user_email for e in updates] == [EMAILS["lead"], EMAILS["officer"]]
        db.session.remove()


def test_a_senco_sees_their_settings_contacts_but_not_the_restricted_childs(
    world: World, as_user: Any
) -> None:
    client = as_user("senco")
    page = client.get(f"/contacts/settings/{world['a1']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "will not speak in class" in text
    assert "Hiddenly" not in text and "confidential" not in text
    assert client.get(f"/contacts/settings/{world['a2']}").status_code == 404
    assert client.get(f"/contacts/{world['contact_a2']}").status_code == 404
    assert client.get(f"/contacts/{world['contact_restricted']}").status_code == 404
    # A SENCO reads contacts; recording them is for advisers.
    assert client.get("/contacts/new").status_code == 403


def test_officers_see_the_restricted_childs_contact(app: Any, world: World, as_user: Any) -> None:
    client = as_user("officer")
    text = client.get(f"/contacts/settings/{world['a1']}").get_data(as_text=True)
    assert "confidential question" in text
    lead = app.test_client()
    sign_in(lead, EMAILS["lead"])
    text = lead.get(f"/contacts/settings/{world['a1']}").get_data(as_text=True)
    assert "confidential question" not in text and "will not speak" in text


def test_the_follow_up_queue_and_marking_one_done(app: Any, world: World, as_user: Any) -> None:
    client = as_user("lead")
    text = client.get("/contacts/follow-ups").get_data(as_text=True)
    assert "Due (1)" in text and "will not speak in class" in text
    response = client.post(f"/contacts/{world['contact_a']}/follow-up-done", data={"version": "1"})
    assert response.status_code == 302
    text = client.get("/contacts/follow-ups").get_data(as_text=True)
    assert "Due (0)" in text
    [contact] = _contacts(app, id=world["contact_a"])
    assert contact.follow_up_done_on == TODAY


def test_officers_see_everyones_follow_ups(app: Any, world: World, as_user: Any) -> None:
    client = as_user("officer")
    own = client.get("/contacts/follow-ups").get_data(as_text=True)
    assert "will not speak in class" not in own
    everyone = client.get("/contacts/follow-ups?who=everyone").get_data(as_text=True)
    assert "will not speak in class" in everyone
    # A lead asking for everyone's gets their own.
    lead = app.test_client()
    sign_in(lead, EMAILS["lead"])
    assert "Your follow-ups" in lead.get("/contacts/follow-ups?who=everyone").get_data(as_text=True)


def test_the_register_type_ahead(world: World, as_user: Any) -> None:
    client = as_user("lead")
    found = client.get("/contacts/register?setting=100001").get_json()
    assert found["setting"] == "A One Primary (100001)"
    assert "Test Alphason, born 14/03/2017" in found["children"]
    assert not any("Hiddenly" in name for name in found["children"])
    assert client.get("/contacts/register?setting=200001").get_json() == {
        "setting": None,
        "children": [],
    }


def test_a_childs_record_and_timeline_show_contacts_about_them(
    app: Any, world: World, as_user: Any
) -> None:
    client = as_user("senco")
    record = client.get(f"/pupils/{world['pupil_a']}").get_data(as_text=True)
    assert "Advice and support contacts" in record and "will not speak in class" in record
    timeline = client.get(f"/pupils/{world['pupil_a']}/timeline").get_data(as_text=True)
    assert "Advice contact (phone) with A One Primary" in timeline
    # A panel member may see the child but reads no contacts.
    panel = app.test_client()
    sign_in(panel, EMAILS["panel"])
    record = panel.get(f"/pupils/{world['pupil_a']}").get_data(as_text=True)
    assert "Advice and support contacts" not in record and "will not speak" not in record
    timeline = panel.get(f"/pupils/{world['pupil_a']}/timeline").get_data(as_text=True)
    assert "Advice contact" not in timeline


def test_the_restricted_childs_record_shows_their_contact_to_officers(
    world: World, as_user: Any
) -> None:
    client = as_user("officer")
    record = client.get(f"/pupils/{world['pupil_restricted']}").get_data(as_text=True)
    assert "confidential question" in record


def test_a_referral_shows_the_earlier_contacts_about_the_child(world: World, as_user: Any) -> None:
    client = as_user("lead")
    page = client.get(f"/referrals/{world['referral_a']}").get_data(as_text=True)
    assert "Earlier advice and support contacts about the child" in page
    assert "will not speak in class" in page


def test_an_ehcna_request_shows_only_contacts_before_it(
    app: Any, world: World, as_user: Any
) -> None:
    with app.app_context():
        child = db.session.scalar(
            select(Pupil.id)
            .join(EhcnaRequest, EhcnaRequest.pupil_id == Pupil.id)
            .where(EhcnaRequest.id == world["request_a"])
        )
        received = db.session.scalar(
            select(EhcnaRequest.received_date).where(EhcnaRequest.id == world["request_a"])
        )
        assert child is not None and received is not None
        for days, question in ((-3, "Asked before the request"), (2, "Asked after the request")):
            db.session.add(
                Contact(
                    contact_date=received + timedelta(days=days),
                    channel=ContactChannel.PHONE,
                    setting_id=world["a1"],
                    pupil_id=child,
                    question=question,
                    recorded_by_id=world["officer"],
                )
            )
        db.session.commit()
        db.session.remove()
    client = as_user("officer")
    page = client.get(f"/ehcna/{world['request_a']}").get_data(as_text=True)
    assert "Asked before the request" in page
    assert "Asked after the request" not in page


def test_an_event_counts_a_contact_for_each_setting_that_attended(
    app: Any, world: World, as_user: Any
) -> None:
    client = as_user("lead")
    form = {
        "title": "Autism network meeting",
        "channel": "meeting",
        "event_date": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
        "attendance": "100001, 3\nA Two Primary\n",
        "minutes": "120",
    }
    bad = client.post(
        "/contacts/events/new", data={**form, "attendance": "200001, 2\nA One Primary, 0"}
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "line 1: No setting you support has the URN 200001" in text
    assert "line 2: the number of people must be 1 to 1000" in text
    response = client.post("/contacts/events/new", data=form)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Autism network meeting" in page and "2</strong> settings, 4 people" in page
    attended = _contacts(app, question="Meeting: Autism network meeting")
    assert sorted((c.setting_id, c.attendees) for c in attended) == sorted(
        [(world["a1"], 3), (world["a2"], 1)]
    )
    assert all(c.contact_date == TODAY and c.event_id is not None for c in attended)
    # The setting's page lists the attendance as a contact.
    text = client.get(f"/contacts/settings/{world['a2']}").get_data(as_text=True)
    assert "Meeting: Autism network meeting" in text


def test_events_are_seen_by_the_settings_that_attended(world: World, as_user: Any) -> None:
    client = as_user("senco")
    listed = client.get("/contacts/events").get_data(as_text=True)
    assert "Event A" in listed and "Event B" not in listed
    assert client.get(f"/contacts/events/{world['event_b']}").status_code == 404
    assert client.get("/contacts/events/new").status_code == 403


def test_retention_removes_the_contacts_about_a_child_it_removes(ctx: None, world: World) -> None:
    retention.remove_pupils(None, [world["pupil_a"]], "Test")
    assert db.session.get(Contact, world["contact_a"]) is None
    assert db.session.get(Contact, world["contact_a2"]) is not None  # about no child


def test_a_subject_access_export_holds_the_contacts_about_the_child(
    world: World, as_user: Any
) -> None:
    client = as_user("officer")
    response = client.get(f"/subject-access/{world['pupil_a']}.json")
    assert response.status_code == 200
    [contact] = response.get_json()["advice_contacts"]
    assert contact["question"] == "How to support a child who will not speak in class"
