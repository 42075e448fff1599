"""A school's request to its cluster panel for advice and/or resources for one child."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned, enum_column
from sendtrack.models.org import Cluster, Setting
from sendtrack.models.pupils import Pupil


class RequestType(StrEnum):
    ADVICE = "advice"
    RESOURCES = "resources"
    BOTH = "both"

    @property
    def label(self) -> str:
        return {"advice": "Advice", "resources": "Resources", "both": "Advice and resources"}[
            self.value
        ]


class WouldRequestEhcna(StrEnum):
    """'Without this support, would you request an EHC needs assessment now?'"""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "unsure": "Not sure"}[self.value]


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    SCHEDULED = "scheduled"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "submitted": "Submitted",
            "returned": "Returned for more information",
            "scheduled": "Scheduled for panel",
            "decided": "Decided",
            "withdrawn": "Withdrawn",
        }[self.value]


class Referral(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "referral"
    __table_args__ = (
        CheckConstraint(
            "amount_requested IS NULL OR amount_requested >= 0", name="amount_requested_nonneg"
        ),
        # (pupil_id, id): a child's referrals without reading their rows (the statistics'
        # "any earlier episode?" check, measured on the county benchmark).
        Index("ix_referral_pupil", "pupil_id", "id"),
        # Counting a setting's or cluster's referrals by status reads only these (the child
        # is there for the restricted-children check); the list pages walk the next two.
        Index("ix_referral_setting_status_pupil", "setting_id", "status", "pupil_id"),
        Index("ix_referral_cluster_status_pupil", "cluster_id", "status", "pupil_id"),
        Index("ix_referral_setting_updated", "setting_id", "updated_at"),
        Index("ix_referral_cluster_updated", "cluster_id", "updated_at"),
        Index("ix_referral_submitted", "submitted_date"),
        Index("ix_referral_status", "status"),  # the area-wide count of referrals waiting
    )

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id"))
    setting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("setting.id"))
    cluster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cluster.id"))
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "referral_status"), server_default="draft"
    )
    request_type: Mapped[RequestType] = mapped_column(enum_column(RequestType, "request_type"))
    amount_requested: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    reason: Mapped[str | None] = mapped_column(Text)
    child_views: Mapped[str | None] = mapped_column(Text)
    parent_views: Mapped[str | None] = mapped_column(Text)
    professionals_involved: Mapped[str | None] = mapped_column(Text)
    would_request_ehcna: Mapped[WouldRequestEhcna | None] = mapped_column(
        enum_column(WouldRequestEhcna, "would_request_ehcna")
    )
    submitted_date: Mapped[date | None] = mapped_column(Date)
    returned_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    pupil: Mapped[Pupil] = relationship()
    setting: Mapped[Setting] = relationship()
    cluster: Mapped[Cluster] = relationship()
