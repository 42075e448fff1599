"""Generated panel packs: one row per version of a meeting's pack, with the PDF itself.

The PDF bytes are stored in the database, not under instance/: a pack is a record (its
SHA-256 and version are quoted on the cover and in the audit trail), so it must commit or
roll back with its row, be covered by the database backups and retention, and be readable by
every web worker on every host sharing the database. A 100-case pack is a few megabytes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from sendtrack.models.base import Base, UuidPk, enum_column
from sendtrack.models.panels import PanelMeeting


class PackStatus(StrEnum):
    QUEUED = "queued"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {
            "queued": "Waiting to start",
            "building": "Being built",
            "ready": "Ready",
            "failed": "Failed",
        }[self.value]


class GeneratedPack(UuidPk, Base):
    __tablename__ = "generated_pack"
    __table_args__ = (
        UniqueConstraint("meeting_id", "version_number"),
        CheckConstraint("version_number >= 1", name="version_positive"),
        CheckConstraint("progress_done >= 0 AND progress_done <= progress_total", name="progress"),
        Index("ix_generated_pack_meeting_fingerprint", "meeting_id", "fingerprint"),
    )

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_meeting.id", ondelete="CASCADE")
    )
    version_number: Mapped[int]
    pseudonymised: Mapped[bool] = mapped_column(server_default=false())
    # SHA-256 of everything the pack shows (agenda, every case's data, templates, CSS):
    # the same fingerprint means the same pack, so that version is reused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[PackStatus] = mapped_column(
        enum_column(PackStatus, "pack_status"), server_default="queued"
    )
    progress_done: Mapped[int] = mapped_column(server_default="0")
    progress_total: Mapped[int] = mapped_column(server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    case_count: Mapped[int] = mapped_column(server_default="0")
    page_count: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None]
    # Pages per case from this build: the next build guesses the agenda's page numbers from
    # them, so the agenda can be rendered while changed cases are still rendering.
    case_pages: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The agenda this version was built from (referral ids) and the children it names
    # (pupil ids): a version whose agenda is no longer the meeting's is superseded, and one
    # naming a child since taken off the agenda is for LA officers only. NULL: built before
    # these were recorded (migration 0021).
    referral_ids: Mapped[list[str] | None] = mapped_column(JSON)
    pupil_ids: Mapped[list[str] | None] = mapped_column(JSON)
    generated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Stamped by the worker every few seconds while it builds (services/packs/jobs.py): a
    # version whose stamp stops is a build whose worker died (services/packs.is_stale).
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    generated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    generated_by_name: Mapped[str | None] = mapped_column(String(120))
    # Loaded only when downloading: lists of versions never read megabytes of PDF.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    meeting: Mapped[PanelMeeting] = relationship()
