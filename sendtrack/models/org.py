"""The local authority, its clusters (localities, communities of schools) and its settings."""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned, enum_column


class Phase(StrEnum):
    EARLY_YEARS = "early_years"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    ALL_THROUGH = "all_through"
    SPECIAL = "special"
    POST16 = "post16"
    AP = "ap"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]

    @property
    def is_school(self) -> bool:
        return self is not Phase.EARLY_YEARS


PHASE_LABELS = {
    Phase.EARLY_YEARS: "Early years",
    Phase.PRIMARY: "Primary",
    Phase.SECONDARY: "Secondary",
    Phase.ALL_THROUGH: "All-through",
    Phase.SPECIAL: "Special",
    Phase.POST16: "Post-16",
    Phase.AP: "Alternative provision",
}


class LocalAuthority(UuidPk, Timestamps, Versioned, Base):
    """The council running this deployment, and the rules it has configured."""

    __tablename__ = "local_authority"
    __table_args__ = (
        CheckConstraint("follow_up_window_months BETWEEN 1 AND 60", name="window_range"),
        CheckConstraint("suppression_threshold >= 0", name="suppression_nonneg"),
        CheckConstraint("notional_sen_threshold >= 0", name="threshold_nonneg"),
    )

    name: Mapped[str] = mapped_column(String(120))
    la_code: Mapped[str | None] = mapped_column(String(3))
    follow_up_window_months: Mapped[int] = mapped_column(server_default="12")
    suppression_threshold: Mapped[int] = mapped_column(server_default="5")
    notional_sen_threshold: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="6000")


class Cluster(UuidPk, Timestamps, Versioned, Base):
    """A group of settings sharing a panel and, in some areas, a delegated budget."""

    __tablename__ = "cluster"
    __table_args__ = (CheckConstraint("quorum >= 1", name="quorum_positive"),)

    name: Mapped[str] = mapped_column(String(120), unique=True)
    quorum: Mapped[int] = mapped_column(server_default="3")
    is_active: Mapped[bool] = mapped_column(server_default=true())

    settings: Mapped[list[Setting]] = relationship(back_populates="cluster")


class Setting(UuidPk, Timestamps, Versioned, Base):
    """A school or early-years setting, identified by its GIAS URN."""

    __tablename__ = "setting"
    __table_args__ = (CheckConstraint("length(urn) = 6", name="urn_six_digits"),)

    urn: Mapped[str] = mapped_column(String(6), unique=True)
    # The DfE establishment number (the 4 digits after the LA code in LAESTAB), by which a
    # Common Transfer File's header names its school (services/imports/ctf.py).
    estab_number: Mapped[str | None] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(200))
    phase: Mapped[Phase] = mapped_column(enum_column(Phase, "phase"))
    cluster_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cluster.id"), index=True)
    is_active: Mapped[bool] = mapped_column(server_default=true())

    cluster: Mapped[Cluster | None] = relationship(back_populates="settings")
