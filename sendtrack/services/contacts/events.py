"""Events and groups: a training session, network meeting, hub session or drop-in, with the
settings that attended and how many people came from each. Attendance is recorded as one
contact per setting (Contact.event_id, Contact.attendees), so the setting's page, the
figures and the exports count it as a contact for each setting that attended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sendtrack.extensions import db
from sendtrack.models import AuditAction, Contact, ContactChannel, ContactEvent, Setting, User
from sendtrack.services import audit
from sendtrack.services.contacts.records import find_setting
from sendtrack.services.errors import DomainError
from sendtrack.services.scoping import event_scope

EVENT_CHANNELS = [
    ContactChannel.TRAINING,
    ContactChannel.MEETING,
    ContactChannel.DROP_IN,
    ContactChannel.SUPERVISION,
]
MAX_ATTENDEES = 1000


@dataclass
class EventDetails:
    title: str
    channel: ContactChannel | None
    event_date: date | None
    attendance: str  # one setting a line: its name or URN, then a comma and how many came
    notes: str = ""
    minutes: int | None = None


def read_attendance(user: User, text: str) -> list[tuple[Setting, int]]:
    """The settings that attended and how many people from each, one a line ("Northbrook
    Primary School, 3" or "990001, 2"; no number means 1). Every bad line is named."""
    found: list[tuple[Setting, int]] = []
    problems: list[str] = []
    seen: set[str] = set()
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise DomainError("Enter the settings that attended, one a line", field="attendance")
    for number, line in enumerate(lines, start=1):
        name, _, tail = line.rpartition(",")
        count = 1
        if name and tail.strip().isdigit():
            count = int(tail.strip())
        else:
            name = line
        if not 1 <= count <= MAX_ATTENDEES:
            problems.append(f"line {number}: the number of people must be 1 to {MAX_ATTENDEES}")
            continue
        try:
            setting = find_setting(user, name)
        except DomainError as exc:
            problems.append(f"line {number}: {exc.message}")
            continue
        if setting.urn in seen:
            problems.append(f"line {number}: {setting.name} is already listed")
            continue
        seen.add(setting.urn)
        found.append((setting, count))
    if problems:
        raise DomainError("Check the settings that attended: " + "; ".join(problems), "attendance")
    return found


def record_event(actor: User, details: EventDetails) -> ContactEvent:
    title = details.title.strip()
    if not title:
        raise DomainError("Enter the event's name", field="title")
    if details.channel not in EVENT_CHANNELS:
        raise DomainError("Choose what kind of event it was", field="channel")
    if details.event_date is None:
        raise DomainError("Enter the date of the event", field="event_date")
    if details.event_date > date.today():
        raise DomainError("The date of the event must be today or in the past", "event_date")
    if details.minutes is not None and not 0 <= details.minutes <= 1440:
        raise DomainError("Length must be between 0 and 1440 minutes", field="minutes")
    attendance = read_attendance(actor, details.attendance)
    assert details.channel is not None
    event = ContactEvent(
        title=title,
        channel=details.channel,
        event_date=details.event_date,
        notes=details.notes.strip() or None,
        minutes=details.minutes,
        recorded_by_id=actor.id,
    )
    db.session.add(event)
    db.session.flush()
    for setting, people in attendance:
        db.session.add(
            Contact(
                contact_date=event.event_date,
                channel=event.channel,
                setting_id=setting.id,
                question=f"{event.channel.label}: {title}",
                minutes=event.minutes,
                event_id=event.id,
                attendees=people,
                recorded_by_id=actor.id,
            )
        )
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CREATE,
        "contact_event",
        event.id,
        summary=f"{title}: {len(attendance)} settings, {sum(n for _, n in attendance)} people",
        changes={
            "title": [None, title],
            "channel": [None, event.channel],
            "event_date": [None, event.event_date],
            "attendance": [None, {s.urn: n for s, n in attendance}],
        },
    )
    return event


def events(user: User, limit: int = 50) -> list[ContactEvent]:
    """The newest events the user may see, with their attendance."""
    return list(
        db.session.scalars(
            select(ContactEvent)
            .where(event_scope(user))
            .options(selectinload(ContactEvent.attendance))
            .order_by(ContactEvent.event_date.desc(), ContactEvent.created_at.desc())
            .limit(limit)
        )
    )
