"""Advice and support contacts for the test world: contact_a (a1, about pupil_a, recorded by
the A-side lead with a follow-up due to them), contact_b (b1, about pupil_b, by the B-side
lead), contact_restricted (a1, about the restricted child, by the A-side lead: only officers
and administrators may see it) and contact_a2 (a2, no named child, by the officer)."""

from __future__ import annotations

from datetime import date, timedelta

from sendtrack.extensions import db
from sendtrack.models import Contact, ContactChannel, ContactEvent, NeedCode
from tests.clock import TODAY
from tests.world import World


def build(w: World, password: str) -> None:
    del password
    rows = {
        "contact_a": Contact(
            contact_date=TODAY - timedelta(days=20),
            channel=ContactChannel.PHONE,
            setting_id=w["a1"],
            pupil_id=w["pupil_a"],
            need=NeedCode.SLCN,
            question="How to support a child who will not speak in class",
            advice="Try a talk partner and visual timetable",
            follow_up_due=TODAY + timedelta(days=7),
            follow_up_by_id=w["lead"],
            minutes=20,
            recorded_by_id=w["lead"],
        ),
        "contact_b": Contact(
            contact_date=TODAY - timedelta(days=15),
            channel=ContactChannel.EMAIL,
            setting_id=w["b1"],
            pupil_id=w["pupil_b"],
            question="Betason: what evidence does an EHCNA request need?",
            minutes=10,
            recorded_by_id=w["lead_b"],
        ),
        "contact_restricted": Contact(
            contact_date=TODAY - timedelta(days=12),
            channel=ContactChannel.VISIT,
            setting_id=w["a1"],
            pupil_id=w["pupil_restricted"],
            question="Hiddenly: a confidential question",
            recorded_by_id=w["lead"],
        ),
        "contact_a2": Contact(
            contact_date=TODAY - timedelta(days=3),
            channel=ContactChannel.DROP_IN,
            setting_id=w["a2"],
            question="Planning the school's SEN information report",
            minutes=30,
            recorded_by_id=w["officer"],
        ),
    }
    db.session.add_all(rows.values())
    db.session.flush()
    for key, contact in rows.items():
        w.ids[key] = contact.id
    for side, channel, lead, attended in (
        ("a", ContactChannel.TRAINING, "lead", (("a1", 3), ("ey_a", 1))),
        ("b", ContactChannel.DROP_IN, "lead_b", (("b1", 2),)),
    ):
        event = ContactEvent(
            title=f"Event {side.upper()}",
            channel=channel,
            event_date=date(2025, 6, 10),
            minutes=90,
            recorded_by_id=w[lead],
        )
        db.session.add(event)
        db.session.flush()
        for setting, people in attended:
            db.session.add(
                Contact(
                    contact_date=event.event_date,
                    channel=channel,
                    setting_id=w[setting],
                    question=f"{channel.label}: Event {side.upper()}",
                    event_id=event.id,
                    attendees=people,
                    minutes=90,
                    recorded_by_id=w[lead],
                )
            )
        w.ids[f"event_{side}"] = event.id
