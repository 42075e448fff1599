"""Each child's first early-support episode ever, kept for the statistics.

It is derived data: services/statistics/facts.py rebuilds a child's row in the same
transaction as any change to their panel decisions, referrals or RTF applications, so it
is never out of step with them; `flask statistics-facts --check` compares every row with
a fresh computation. The method (what an episode is, the same-day tie-break) is in
services/statistics/avoided.py."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sendtrack.models.base import Base, enum_column
from sendtrack.models.referrals import WouldRequestEhcna


class EarlySupportStart(Base):
    """The first confirmed panel decision giving advice and/or resources, or the first RTF
    award, of one child: where and when, and the school's answer on that record."""

    __tablename__ = "early_support_start"
    __table_args__ = (
        # The requests-avoided figures read a period's rows from this index alone.
        Index("ix_early_support_start_date", "decision_date", "answer", "pupil_id"),
    )

    pupil_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True
    )
    decision_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(5))  # "panel" or "rtf"
    source_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the decision or the application
    answer: Mapped[WouldRequestEhcna | None] = mapped_column(
        enum_column(WouldRequestEhcna, "would_request_ehcna")
    )
    setting_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The cluster the referral went to; None for an RTF award, whose cluster is its
    # receiving school's (read when needed, so a school moving cluster needs no rebuild).
    cluster_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
