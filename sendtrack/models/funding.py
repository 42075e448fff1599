"""Budgets: a delegated sum per cluster per financial year, and the LA's RTF pot and bands."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned
from sendtrack.models.org import Cluster

FINANCIAL_YEAR_CHECK = "length(financial_year) = 7 AND substr(financial_year, 5, 1) = '-'"


class ClusterBudget(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "cluster_budget"
    __table_args__ = (
        UniqueConstraint("cluster_id", "financial_year"),
        CheckConstraint("allocation >= 0", name="allocation_nonneg"),
        CheckConstraint(FINANCIAL_YEAR_CHECK, name="financial_year_format"),
    )

    cluster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cluster.id"))
    financial_year: Mapped[str] = mapped_column(String(7))  # "2025-26"
    allocation: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    cluster: Mapped[Cluster] = relationship()


class RtfBudget(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "rtf_budget"
    __table_args__ = (
        CheckConstraint("allocation >= 0", name="allocation_nonneg"),
        CheckConstraint(FINANCIAL_YEAR_CHECK, name="financial_year_format"),
    )

    financial_year: Mapped[str] = mapped_column(String(7), unique=True)
    allocation: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class RtfBand(UuidPk, Timestamps, Versioned, Base):
    """An LA-configured standard rate: the most an RTF award in this band may be."""

    __tablename__ = "rtf_band"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_nonneg"),)

    name: Mapped[str] = mapped_column(String(100), unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    is_active: Mapped[bool] = mapped_column(server_default=true())
