"""Form submissions already acted on: a create form carries a random token, and the record it
created is remembered against it, so posting the same form again (a double click, the back
button, a retry after a slow response) shows the first record instead of making a second."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from sendtrack.models.base import Base


class Submission(Base):
    __tablename__ = "submission"
    # The primary key is the judge: of two identical posts at once, the second's insert fails
    # on it (PostgreSQL waits for the first to commit), and that request shows the first's record.
    __table_args__ = (Index("ix_submission_created_at", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
