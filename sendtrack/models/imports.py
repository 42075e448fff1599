"""A CSV file uploaded for import, kept between its preview and the officer's confirmation.

Kept in the database rather than on a worker's disk so that the confirmation may reach any
web worker on any host; the confirmation applies exactly these bytes (their SHA-256 is shown
on the preview, sent back by "Confirm import" and checked again). The id in the preview's
URL is a random UUID. Rows are removed once applied or after an hour."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from sendtrack.models.base import Base, UuidPk


class ImportUpload(UuidPk, Base):
    __tablename__ = "import_upload"
    __table_args__ = (Index("ix_import_upload_created", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
