"""Advice and support contacts: a call, an email, a visit or a session in which a council
adviser, an Area SEND Lead or a local-area SENCO helped a setting, sometimes about a named
child. Contacts are counted (contacts.* figures) but are never early-support episodes."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned, enum_column
from sendtrack.models.org import Setting
from sendtrack.models.pupils import NeedCode, Pupil
from sendtrack.models.users import User


class ContactChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    VISIT = "visit"
    MEETING = "meeting"
    DROP_IN = "drop_in"
    SUPERVISION = "supervision"
    TRAINING = "training"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    ContactChannel.PHONE: "Phone",
    ContactChannel.EMAIL: "Email",
    ContactChannel.VISIT: "Visit",
    ContactChannel.MEETING: "Meeting",
    ContactChannel.DROP_IN: "Drop-in",
    ContactChannel.SUPERVISION: "Supervision",
    ContactChannel.TRAINING: "Training",
}


class ContactEvent(UuidPk, Timestamps, Versioned, Base):
    """A training session, network meeting, hub session or drop-in. Its attendance is kept
    as one Contact per setting that attended (with the number of people), so every figure
    counts an event's attendance as a contact for each setting."""

    __tablename__ = "contact_event"
    __table_args__ = (Index("ix_contact_event_date", "event_date"),)

    title: Mapped[str] = mapped_column(String(200))
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel, "contact_channel"))
    event_date: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int | None]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    attendance: Mapped[list[Contact]] = relationship(
        back_populates="event", order_by="Contact.created_at"
    )


class Contact(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "contact"
    __table_args__ = (
        CheckConstraint("minutes IS NULL OR minutes BETWEEN 0 AND 1440", name="minutes_range"),
        CheckConstraint("attendees IS NULL OR attendees BETWEEN 1 AND 1000", name="attendees"),
        CheckConstraint(
            "follow_up_due IS NOT NULL OR follow_up_by_id IS NULL", name="follow_up_has_due"
        ),
        # A setting's contacts over time, and the period's contacts by setting (figures).
        Index("ix_contact_setting_date", "setting_id", "contact_date"),
        Index("ix_contact_date", "contact_date", "setting_id", "pupil_id"),
        Index("ix_contact_pupil", "pupil_id", "contact_date"),
        # The follow-up queues: open follow-ups by adviser and due date.
        Index("ix_contact_follow_up", "follow_up_done_on", "follow_up_by_id", "follow_up_due"),
        Index("ix_contact_event", "event_id"),
    )

    # Given by imports (matched on it, so importing a file twice changes nothing); contacts
    # recorded on the page have none.
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    contact_date: Mapped[date] = mapped_column(Date)
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel, "contact_channel"))
    setting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("setting.id"))
    pupil_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pupil.id"))
    need: Mapped[NeedCode | None] = mapped_column(enum_column(NeedCode, "need_code"))
    question: Mapped[str] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(Text)
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    follow_up_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    follow_up_done_on: Mapped[date | None] = mapped_column(Date)
    minutes: Mapped[int | None]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # Attendance at an event: the event, and how many people came from the setting.
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contact_event.id", ondelete="CASCADE")
    )
    attendees: Mapped[int | None]

    setting: Mapped[Setting] = relationship(lazy="joined")
    event: Mapped[ContactEvent | None] = relationship(back_populates="attendance")
    pupil: Mapped[Pupil | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    follow_up_by: Mapped[User | None] = relationship(foreign_keys=[follow_up_by_id])

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_due is not None and self.follow_up_done_on is None
