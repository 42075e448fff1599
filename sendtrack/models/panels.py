"""Cluster panel meetings, their agendas, decisions and the actions that follow."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
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
    Time,
    UniqueConstraint,
    false,
    text,
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
from sendtrack.models.org import Cluster
from sendtrack.models.referrals import Referral

# A confirmed decision whose review has not had its impact recorded (ix_panel_decision_review_due).
REVIEW_PENDING = "confirmed_at IS NOT NULL AND impact_recorded_on IS NULL"


class DecisionOutcome(StrEnum):
    ADVICE = "advice"
    RESOURCES = "resources"
    ADVICE_AND_RESOURCES = "advice_and_resources"
    SIGNPOSTED = "signposted"
    RECOMMEND_EHCNA = "recommend_ehcna"
    DECLINED = "declined"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "advice": "Advice",
            "resources": "Resources",
            "advice_and_resources": "Advice and resources",
            "signposted": "Signposted to a service",
            "recommend_ehcna": "Recommend an EHCNA request",
            "declined": "Declined",
            "deferred": "Deferred",
            "withdrawn": "Withdrawn",
        }[self.value]

    @property
    def is_early_support(self) -> bool:
        """Gave advice and/or resources: an early-support episode for 'requests avoided'."""
        return self in EARLY_SUPPORT_OUTCOMES


EARLY_SUPPORT_OUTCOMES = frozenset(
    {DecisionOutcome.ADVICE, DecisionOutcome.RESOURCES, DecisionOutcome.ADVICE_AND_RESOURCES}
)


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class PanelMeeting(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "panel_meeting"
    __table_args__ = (
        UniqueConstraint("cluster_id", "meeting_date"),
        Index("ix_panel_meeting_date", "meeting_date"),
    )

    cluster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cluster.id"))
    meeting_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(String(200))
    online_link: Mapped[str | None] = mapped_column(String(500))
    chair_name: Mapped[str | None] = mapped_column(String(120))
    co_chair_name: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "meeting_status"), server_default="scheduled"
    )
    pseudonymised_pack: Mapped[bool] = mapped_column(server_default=false())
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    cluster: Mapped[Cluster] = relationship()
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="PanelMember.name"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )


class PanelMember(UuidPk, Base):
    __tablename__ = "panel_member"
    __table_args__ = (Index("ix_panel_member_meeting", "meeting_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_meeting.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(120))
    professional_role: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # A member from a referring school has a conflict of interest for that school's cases.
    setting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("setting.id"))
    attended: Mapped[bool | None]

    meeting: Mapped[PanelMeeting] = relationship(back_populates="members")


class AgendaItem(UuidPk, Versioned, Base):
    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "referral_id"),
        Index("ix_agenda_item_referral", "referral_id"),
    )

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_meeting.id", ondelete="CASCADE")
    )
    referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("referral.id"))
    position: Mapped[int]
    conflicts_declared: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="agenda")
    referral: Mapped[Referral] = relationship()


class PanelDecision(UuidPk, Timestamps, Versioned, Base):
    """What the panel decided on one referral. Locked once confirmed; changes need a reason."""

    __tablename__ = "panel_decision"
    __table_args__ = (
        CheckConstraint("amount_awarded >= 0", name="amount_nonneg"),
        CheckConstraint("amount_paid >= 0", name="paid_nonneg"),
        CheckConstraint(
            "award_end IS NULL OR award_start IS NULL OR award_end >= award_start",
            name="award_period_order",
        ),
        # Both cover what the statistics read, so counting decisions reads no table rows
        # (measured on the county benchmark: about half the time of each figure).
        Index(
            "ix_panel_decision_referral",
            "referral_id",
            "decision_date",
            "outcome",
            "confirmed_at",
        ),
        Index(
            "ix_panel_decision_date_outcome",
            "decision_date",
            "outcome",
            "confirmed_at",
            "referral_id",
            "amount_awarded",
            "id",
        ),
        # Referrals decided in a period, with the children and pounds, from this index
        # alone: no join to the referral and no window over its decisions.
        Index(
            "ix_panel_decision_statistics",
            "decision_date",
            "confirmed_at",
            "superseded_on",
            "outcome",
            "amount_awarded",
            "pupil_id",
        ),
        Index("ix_panel_decision_meeting", "meeting_id"),
        # A child's decisions, when their first early-support episode is rebuilt.
        Index("ix_panel_decision_pupil", "pupil_id", "decision_date"),
        # Cluster budgets: a year's confirmed awards, read from the index alone.
        Index(
            "ix_panel_decision_budget",
            "decision_date",
            "confirmed_at",
            "amount_awarded",
            "amount_paid",
            "referral_id",
        ),
        # Follow-up: confirmed decisions whose review has come with no impact recorded yet
        # (the home page's "reviews due" and the follow-up list), without reading them all.
        Index(
            "ix_panel_decision_review_due",
            "review_date",
            "referral_id",
            sqlite_where=text(REVIEW_PENDING),
            postgresql_where=text(REVIEW_PENDING),
        ),
    )

    referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("referral.id"))
    # The referral's child, copied when the decision is made (a referral never changes
    # child): the statistics count children without joining every decision to its referral.
    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id"))
    # Derived (services/statistics/facts.py): the date of the next confirmed decision on the
    # same referral, None when there is none. A decision is its referral's latest in a
    # period when it is confirmed, dated in the period, and this is None or after the end.
    superseded_on: Mapped[date | None] = mapped_column(Date)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("panel_meeting.id"))
    decision_date: Mapped[date] = mapped_column(Date)
    outcome: Mapped[DecisionOutcome] = mapped_column(
        enum_column(DecisionOutcome, "decision_outcome")
    )
    rationale: Mapped[str | None] = mapped_column(Text)
    advice_given: Mapped[str | None] = mapped_column(Text)
    amount_awarded: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    award_start: Mapped[date | None] = mapped_column(Date)
    award_end: Mapped[date | None] = mapped_column(Date)
    conditions: Mapped[str | None] = mapped_column(Text)
    review_date: Mapped[date | None] = mapped_column(Date)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    budget_override_reason: Mapped[str | None] = mapped_column(Text)
    budget_override_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # Follow-up at the review date: did it work, is more needed?
    impact_recorded_on: Mapped[date | None] = mapped_column(Date)
    impact_effective: Mapped[str | None] = mapped_column(String(20))
    more_needed: Mapped[bool | None]
    impact_notes: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[Referral] = relationship()
    meeting: Mapped[PanelMeeting | None] = relationship()
    actions: Mapped[list[PanelAction]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="PanelAction.due_date"
    )


class PanelAction(UuidPk, Base):
    __tablename__ = "panel_action"
    __table_args__ = (
        Index("ix_panel_action_decision", "decision_id"),
        # Open actions past their due date, found without reading every decision.
        Index("ix_panel_action_open", "completed_on", "due_date", "decision_id"),
    )

    decision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_decision.id", ondelete="CASCADE")
    )
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_date: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)

    decision: Mapped[PanelDecision] = relationship(back_populates="actions")


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
