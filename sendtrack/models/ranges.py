"""Ranges and ordinarily available provision: the council's framework of areas of need,
ordered levels, descriptors and expected provision, kept as versions.

A version is a draft while officers edit it; publishing gives it a number and an effective
date and freezes it. Every row below a version belongs to that version alone, so a
judgement made against version 1 keeps version 1's words when version 2 is published."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.apdr import ApdrCycle
from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned, enum_column
from sendtrack.models.org import Setting


class FrameworkStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class UsuallyNext(StrEnum):
    """What usually comes next for a child at a level: the framework's advice."""

    ORDINARILY_AVAILABLE = "ordinarily_available"
    CLUSTER_REFERRAL = "cluster_referral"
    TOP_UP_FUNDING = "top_up_funding"
    CONSIDER_EHCNA = "consider_ehcna"

    @property
    def label(self) -> str:
        return {
            "ordinarily_available": "Met from ordinarily available provision",
            "cluster_referral": "A cluster referral",
            "top_up_funding": "Top-up funding",
            "consider_ehcna": "Consider an EHC needs assessment",
        }[self.value]


class RangesFramework(UuidPk, Timestamps, Versioned, Base):
    """One version of the framework: a draft, or published and frozen."""

    __tablename__ = "ranges_framework"
    __table_args__ = (
        CheckConstraint(
            "(status = 'draft' AND number IS NULL) OR "
            "(status = 'published' AND number IS NOT NULL AND effective_from IS NOT NULL)",
            name="published_numbered",
        ),
        # At most one draft at a time, enforced by the database.
        Index(
            "uq_ranges_framework_one_draft",
            "status",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    status: Mapped[FrameworkStatus] = mapped_column(
        enum_column(FrameworkStatus, "framework_status"), server_default="draft"
    )
    number: Mapped[int | None] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str | None] = mapped_column(Text)
    effective_from: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    based_on_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranges_framework.id"))

    areas: Mapped[list[RangesArea]] = relationship(
        order_by="RangesArea.position", cascade="all, delete-orphan"
    )
    levels: Mapped[list[RangesLevel]] = relationship(
        order_by="RangesLevel.rank", cascade="all, delete-orphan"
    )


class RangesArea(UuidPk, Base):
    """An area of need, mapped to the census need codes it covers (a space-separated list)."""

    __tablename__ = "ranges_area"
    __table_args__ = (UniqueConstraint("framework_id", "name"),)

    framework_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ranges_framework.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    need_codes: Mapped[str] = mapped_column(String(200), server_default="")
    # The same area of need across versions: a draft's copy keeps it, so a child's levels
    # line up across versions even when an area is renamed.
    lineage_id: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4)

    descriptors: Mapped[list[RangesDescriptor]] = relationship(
        order_by="RangesDescriptor.position", cascade="all, delete-orphan"
    )
    provision: Mapped[list[ExpectedProvision]] = relationship(
        order_by="ExpectedProvision.position", cascade="all, delete-orphan"
    )

    @property
    def codes(self) -> list[str]:
        return self.need_codes.split()


class RangesLevel(UuidPk, Base):
    """A level on the ladder, in order (rank 1 is the lowest), with the council's own name."""

    __tablename__ = "ranges_level"
    __table_args__ = (
        UniqueConstraint("framework_id", "rank"),
        UniqueConstraint("framework_id", "name"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    framework_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ranges_framework.id", ondelete="CASCADE")
    )
    rank: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)
    usually_next: Mapped[UsuallyNext] = mapped_column(
        enum_column(UsuallyNext, "usually_next"), server_default="ordinarily_available"
    )


class RangesDescriptor(UuidPk, Base):
    """A statement of need for one area at one level."""

    __tablename__ = "ranges_descriptor"
    __table_args__ = (Index("ix_ranges_descriptor_area_level", "area_id", "level_id"),)

    area_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranges_area.id", ondelete="CASCADE"))
    level_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranges_level.id", ondelete="CASCADE"))
    position: Mapped[int]
    wording: Mapped[str] = mapped_column(Text)

    level: Mapped[RangesLevel] = relationship()


class ExpectedProvision(UuidPk, Base):
    """Provision the framework expects for one area at one level, described so that it can
    be costed with the unit rates (staff role, minutes a week, group size)."""

    __tablename__ = "ranges_expected_provision"
    __table_args__ = (
        Index("ix_ranges_expected_provision_area_level", "area_id", "level_id"),
        CheckConstraint("group_size IS NULL OR group_size >= 1", name="group_size_positive"),
        CheckConstraint("minutes_per_week IS NULL OR minutes_per_week >= 0", name="minutes_nonneg"),
        CheckConstraint("weeks IS NULL OR (weeks >= 0 AND weeks <= 52)", name="weeks_range"),
    )

    area_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranges_area.id", ondelete="CASCADE"))
    level_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranges_level.id", ondelete="CASCADE"))
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(500))
    provision_type: Mapped[str | None] = mapped_column(String(100))
    frequency: Mapped[str | None] = mapped_column(String(100))
    group_size: Mapped[int | None]
    staff_role: Mapped[str | None] = mapped_column(String(100))
    minutes_per_week: Mapped[int | None]
    weeks: Mapped[int | None]

    level: Mapped[RangesLevel] = relationship()


class RangesJudgement(UuidPk, Timestamps, Versioned, Base):
    """A SENCO's judgement of a child's level in one area, in one APDR cycle, against the
    framework version published when it was made (it keeps that version's words)."""

    __tablename__ = "ranges_judgement"
    __table_args__ = (
        UniqueConstraint("cycle_id", "area_id"),
        Index("ix_ranges_judgement_pupil", "pupil_id", "judged_on"),
        CheckConstraint(
            "level_id IS NULL OR suggested_level_id IS NULL OR level_id = suggested_level_id "
            "OR reason IS NOT NULL",
            name="override_has_reason",
        ),
    )

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("apdr_cycle.id", ondelete="CASCADE"))
    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    setting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("setting.id"))
    framework_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranges_framework.id"))
    area_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranges_area.id"))
    # The highest level with a ticked descriptor; None when nothing is ticked.
    suggested_level_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranges_level.id"))
    # The level the SENCO confirmed; None until confirmed.
    level_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranges_level.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    judged_on: Mapped[date] = mapped_column(Date)
    judged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    cycle: Mapped[ApdrCycle] = relationship()
    framework: Mapped[RangesFramework] = relationship()
    area: Mapped[RangesArea] = relationship()
    suggested_level: Mapped[RangesLevel | None] = relationship(foreign_keys=[suggested_level_id])
    level: Mapped[RangesLevel | None] = relationship(foreign_keys=[level_id])
    ticks: Mapped[list[JudgementTick]] = relationship(cascade="all, delete-orphan")
    setting: Mapped[Setting] = relationship()
    moderation: Mapped[RangesModeration | None] = relationship(
        back_populates="judgement", foreign_keys="RangesModeration.judgement_id"
    )


class JudgementTick(Base):
    """A descriptor the SENCO ticked as fitting the child."""

    __tablename__ = "ranges_judgement_tick"

    judgement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ranges_judgement.id", ondelete="CASCADE"), primary_key=True
    )
    descriptor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ranges_descriptor.id"), primary_key=True
    )

    descriptor: Mapped[RangesDescriptor] = relationship()


class PlannedExpectedProvision(Base):
    """A plan's provision added from the framework's expected provision: the link that says
    the expected item is in the plan even after the SENCO edits its wording or cost."""

    __tablename__ = "ranges_planned"

    provision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("provision.id", ondelete="CASCADE"), primary_key=True
    )
    expected_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ranges_expected_provision.id"), index=True
    )


class RangesModeration(UuidPk, Timestamps, Versioned, Base):
    """An Area SEND Lead's or officer's moderation of one judgement: they agree, or they
    would give another level, with a comment. The SENCO sees the outcome on the cycle."""

    __tablename__ = "ranges_moderation"
    __table_args__ = (
        CheckConstraint(
            "agreed OR (level_id IS NOT NULL AND comment IS NOT NULL)",
            name="disagreement_explained",
        ),
    )

    judgement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ranges_judgement.id", ondelete="CASCADE"), unique=True
    )
    agreed: Mapped[bool]
    # The level the moderator would give, when they disagree.
    level_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranges_level.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    moderated_on: Mapped[date] = mapped_column(Date)
    moderated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    judgement: Mapped[RangesJudgement] = relationship(
        back_populates="moderation", foreign_keys=[judgement_id]
    )
    level: Mapped[RangesLevel | None] = relationship()
