"""Append-only record of who viewed, downloaded, exported or changed what, and when."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from sendtrack.models.base import Base, enum_column


class AuditAction(StrEnum):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DOWNLOAD = "download"
    EXPORT = "export"
    IMPORT = "import"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_pupil_at", "pupil_id", "occurred_at"),
        Index("ix_audit_event_user_at", "user_id", "occurred_at"),
        Index("ix_audit_event_at", "occurred_at"),
    )

    # SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # Plain values, no foreign keys: the trail must outlive the rows it talks about.
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    user_email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, "audit_action"))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str | None] = mapped_column(String(64))
    pupil_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    summary: Mapped[str | None] = mapped_column(String(500))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))
