"""The graduated approach: assess, plan, do, review cycles with outcomes and costed provisions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned, enum_column


class CycleStatus(StrEnum):
    OPEN = "open"
    REVIEWED = "reviewed"


class NextStep(StrEnum):
    CONTINUE = "continue"
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"
    EXIT_SEN_SUPPORT = "exit_sen_support"
    REFER_TO_PANEL = "refer_to_panel"
    REQUEST_EHCNA = "request_ehcna"

    @property
    def label(self) -> str:
        return {
            "continue": "Continue",
            "step_up": "Step up",
            "step_down": "Step down",
            "exit_sen_support": "Exit SEN support",
            "refer_to_panel": "Refer to cluster panel",
            "request_ehcna": "Request an EHC needs assessment",
        }[self.value]


class Progress(StrEnum):
    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"

    @property
    def label(self) -> str:
        return {
            "achieved": "Achieved",
            "partly": "Partly achieved",
            "not_achieved": "Not achieved",
        }[self.value]


class UnitRate(UuidPk, Timestamps, Versioned, Base):
    """LA-configured hourly cost of a staff role, used to cost provisions."""

    __tablename__ = "unit_rate"
    __table_args__ = (CheckConstraint("hourly_rate >= 0", name="rate_nonneg"),)

    staff_role: Mapped[str] = mapped_column(String(100), unique=True)
    hourly_rate: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    is_active: Mapped[bool] = mapped_column(server_default=true())


class ApdrCycle(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "apdr_cycle"
    __table_args__ = (
        UniqueConstraint("pupil_id", "number"),
        CheckConstraint(
            "review_date IS NULL OR start_date IS NULL OR review_date >= start_date",
            name="review_after_start",
        ),
        # One open cycle per child, enforced by the database.
        Index(
            "uq_apdr_cycle_one_open",
            "pupil_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        # A school's reviews due and overdue (home page) are counted from this index alone:
        # the child is in it, to leave out children who left or are restricted.
        Index("ix_apdr_cycle_setting_review", "setting_id", "status", "review_date", "pupil_id"),
        # Each child's open cycle and its review date, for the register's counts, read from
        # the index alone (the unique index above holds no review date).
        Index(
            "ix_apdr_cycle_open_review",
            "pupil_id",
            "status",
            "review_date",
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    setting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("setting.id"))
    number: Mapped[int]
    status: Mapped[CycleStatus] = mapped_column(
        enum_column(CycleStatus, "cycle_status"), server_default="open"
    )
    # Assess
    needs_summary: Mapped[str | None] = mapped_column(Text)
    assessments_used: Mapped[str | None] = mapped_column(Text)
    child_views: Mapped[str | None] = mapped_column(Text)
    parent_views: Mapped[str | None] = mapped_column(Text)
    # Do
    start_date: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    # Review
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    impact_notes: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[NextStep | None] = mapped_column(enum_column(NextStep, "next_step"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    outcomes: Mapped[list[ApdrOutcome]] = relationship(
        back_populates="cycle", order_by="ApdrOutcome.position", cascade="all, delete-orphan"
    )
    provisions: Mapped[list[Provision]] = relationship(
        back_populates="cycle", order_by="Provision.position", cascade="all, delete-orphan"
    )


class ApdrOutcome(UuidPk, Base):
    __tablename__ = "apdr_outcome"
    __table_args__ = (Index("ix_apdr_outcome_cycle", "cycle_id"),)

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("apdr_cycle.id", ondelete="CASCADE"))
    position: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    success_criteria: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[Progress | None] = mapped_column(enum_column(Progress, "progress"))
    progress_notes: Mapped[str | None] = mapped_column(Text)

    cycle: Mapped[ApdrCycle] = relationship(back_populates="outcomes")


class Provision(UuidPk, Base):
    """A costed intervention. `annual_cost` is stored so maps and reports are plain sums."""

    __tablename__ = "provision"
    __table_args__ = (
        CheckConstraint("group_size IS NULL OR group_size >= 1", name="group_size_positive"),
        CheckConstraint("minutes_per_week IS NULL OR minutes_per_week >= 0", name="minutes_nonneg"),
        CheckConstraint("weeks IS NULL OR (weeks >= 0 AND weeks <= 52)", name="weeks_range"),
        CheckConstraint("manual_cost IS NULL OR manual_cost >= 0", name="manual_cost_nonneg"),
        CheckConstraint("annual_cost >= 0", name="annual_cost_nonneg"),
        Index("ix_provision_cycle", "cycle_id"),
    )

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("apdr_cycle.id", ondelete="CASCADE"))
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(500))
    provision_type: Mapped[str | None] = mapped_column(String(100))
    frequency: Mapped[str | None] = mapped_column(String(100))
    group_size: Mapped[int | None]
    delivered_by: Mapped[str | None] = mapped_column(String(100))
    minutes_per_week: Mapped[int | None]
    weeks: Mapped[int | None]
    unit_rate_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit_rate.id"))
    manual_cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    annual_cost: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")

    cycle: Mapped[ApdrCycle] = relationship(back_populates="provisions")
    unit_rate: Mapped[UnitRate | None] = relationship()
