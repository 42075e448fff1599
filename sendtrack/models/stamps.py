"""The statistics data version: one row whose number goes up with every committed change to
the records that figures are computed from (see services/statistics/cache.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from sendtrack.models.base import Base


class StatisticsStamp(Base):
    __tablename__ = "statistics_stamp"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
