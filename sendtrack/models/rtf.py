"""Reception Transition Funding: the LA's yearly pot and bands, applications, decisions,
awards and their follow-up."""

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
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import (
    FINANCIAL_YEAR_CHECK,
    Base,
    Timestamps,
    UuidPk,
    Versioned,
    enum_column,
)
from sendtrack.models.org import Setting
from sendtrack.models.pupils import Pupil
from sendtrack.models.referrals import WouldRequestEhcna


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


class RtfStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class RtfDecision(StrEnum):
    APPROVED = "approved"
    PART_APPROVED = "part_approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"approved": "Approved", "part_approved": "Part approved", "declined": "Declined"}[
            self.value
        ]

    @property
    def is_award(self) -> bool:
        return self is not RtfDecision.DECLINED


class RtfApplication(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "rtf_application"
    __table_args__ = (
        UniqueConstraint("pupil_id", "reception_year"),
        CheckConstraint("amount_requested IS NULL OR amount_requested >= 0", name="req_nonneg"),
        CheckConstraint("amount_awarded IS NULL OR amount_awarded >= 0", name="award_nonneg"),
        CheckConstraint("reception_year BETWEEN 2000 AND 2100", name="year_range"),
        # The list's totals by school and status are read from this index alone.
        Index(
            "ix_rtf_application_totals",
            "receiving_setting_id",
            "status",
            "decision",
            "amount_requested",
            "amount_awarded",
        ),
        Index("ix_rtf_application_ey", "early_years_setting_id"),
        # A year's awards (the RTF budget) summed from the index alone.
        Index("ix_rtf_application_decided", "decision_date", "decision", "amount_awarded"),
        Index("ix_rtf_application_date", "application_date", "reference"),
        # Awards waiting to follow the child (sync_links, on every RTF page).
        Index(
            "ix_rtf_application_unlinked",
            "linked_at",
            "decision",
            "pupil_id",
            "receiving_setting_id",
        ),
    )

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id"))
    early_years_setting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("setting.id"))
    receiving_setting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("setting.id"))
    applied_by_setting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("setting.id"))
    reception_year: Mapped[int]
    status: Mapped[RtfStatus] = mapped_column(
        enum_column(RtfStatus, "rtf_status"), server_default="draft"
    )
    application_date: Mapped[date | None] = mapped_column(Date)
    cohort_override_reason: Mapped[str | None] = mapped_column(Text)
    needs_summary: Mapped[str | None] = mapped_column(Text)
    support_in_place: Mapped[str | None] = mapped_column(Text)
    ey_inclusion_funding: Mapped[bool] = mapped_column(server_default=false())
    use_of_funding: Mapped[str | None] = mapped_column(Text)
    would_request_ehcna: Mapped[WouldRequestEhcna | None] = mapped_column(
        enum_column(WouldRequestEhcna, "would_request_ehcna")
    )
    parental_consent: Mapped[bool] = mapped_column(server_default=false())
    amount_requested: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    band_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rtf_band.id"))
    # Decision
    decision: Mapped[RtfDecision | None] = mapped_column(enum_column(RtfDecision, "rtf_decision"))
    decision_date: Mapped[date | None] = mapped_column(Date)
    amount_awarded: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # Follow-up once the child has started school
    linked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    follow_up_recorded_on: Mapped[date | None] = mapped_column(Date)
    how_settled: Mapped[str | None] = mapped_column(Text)
    provision_in_place: Mapped[str | None] = mapped_column(Text)
    ehcna_requested: Mapped[bool | None]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    pupil: Mapped[Pupil] = relationship()
    early_years_setting: Mapped[Setting | None] = relationship(
        foreign_keys=[early_years_setting_id]
    )
    receiving_setting: Mapped[Setting] = relationship(foreign_keys=[receiving_setting_id])
    band: Mapped[RtfBand | None] = relationship()
