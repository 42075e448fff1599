"""The statistics data version: one row whose number goes up with every committed change to
the records that figures are computed from, and the figures computed at a version, shared by
every web worker (see services/statistics/cache.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sendtrack.models.base import Base


class StatisticsStamp(Base):
    __tablename__ = "statistics_stamp"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class StatisticsResult(Base):
    """Aggregate figures (never a child's details) computed at data version `version`, under
    a SHA-256 of their key; rows of older versions are deleted as new ones are stored."""

    __tablename__ = "statistics_result"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    payload: Mapped[str] = mapped_column(Text)
