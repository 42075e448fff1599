"""A child: one record, one history, whichever setting they are at."""

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
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned, enum_column
from sendtrack.models.org import Setting


class SenStatus(StrEnum):
    """School Census SEN provision codes."""

    NONE = "N"
    SEN_SUPPORT = "K"
    EHC_PLAN = "E"

    @property
    def label(self) -> str:
        return {"N": "No SEN", "K": "SEN support", "E": "EHC plan"}[self.value]


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"

    @property
    def label(self) -> str:
        return {"F": "Female", "M": "Male", "U": "Not known"}[self.value]


class NeedCode(StrEnum):
    """School Census type-of-need codes."""

    SPLD = "SPLD"
    MLD = "MLD"
    SLD = "SLD"
    PMLD = "PMLD"
    SEMH = "SEMH"
    SLCN = "SLCN"
    HI = "HI"
    VI = "VI"
    MSI = "MSI"
    PD = "PD"
    ASD = "ASD"
    DS = "DS"
    OTH = "OTH"
    NSA = "NSA"

    @property
    def label(self) -> str:
        return NEED_LABELS[self]


NEED_LABELS = {
    NeedCode.SPLD: "Specific learning difficulty",
    NeedCode.MLD: "Moderate learning difficulty",
    NeedCode.SLD: "Severe learning difficulty",
    NeedCode.PMLD: "Profound and multiple learning difficulty",
    NeedCode.SEMH: "Social, emotional and mental health",
    NeedCode.SLCN: "Speech, language and communication needs",
    NeedCode.HI: "Hearing impairment",
    NeedCode.VI: "Vision impairment",
    NeedCode.MSI: "Multi-sensory impairment",
    NeedCode.PD: "Physical disability",
    NeedCode.ASD: "Autistic spectrum disorder",
    NeedCode.DS: "Down syndrome",
    NeedCode.OTH: "Other difficulty or disability",
    NeedCode.NSA: "SEN support but no specialist assessment of type of need",
}


class Pupil(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "pupil"
    __table_args__ = (
        CheckConstraint("year_group_override BETWEEN -1 AND 14", name="year_override_range"),
        # The register's counts read only this index (it replaces (setting_id, sen_status)).
        # It holds no id: a covering index with the id in it made SQLite, which has no
        # statistics here, scan a setting's children for every row of joins on the child.
        Index("ix_pupil_register", "setting_id", "sen_status", "left_date", "is_restricted"),
        # The register's pages walk this in name order (its default sort). Partial, so only
        # queries about children still at their setting can use it.
        Index(
            "ix_pupil_setting_name",
            "setting_id",
            text("lower(legal_surname)"),
            text("lower(legal_forename)"),
            "id",
            sqlite_where=text("left_date IS NULL"),
            postgresql_where=text("left_date IS NULL"),
        ),
        # Is the child on this school's roll, without reading the record (RTF sync_links).
        Index("ix_pupil_id_setting", "id", "setting_id"),
        # The register as at a date is counted from this index alone (statistics).
        Index("ix_pupil_as_at", "sen_status", "left_date", "sen_status_since", "setting_id"),
        Index("ix_pupil_name_dob", "legal_surname", "legal_forename", "date_of_birth"),
        # The few restricted children, which lists leave out with NOT IN (...).
        Index(
            "ix_pupil_restricted",
            "is_restricted",
            "id",
            sqlite_where=text("is_restricted IS 1"),
            postgresql_where=text("is_restricted IS TRUE"),
        ),
    )

    upn: Mapped[str | None] = mapped_column(String(13), unique=True)
    legal_surname: Mapped[str] = mapped_column(String(100))
    legal_forename: Mapped[str] = mapped_column(String(100))
    preferred_surname: Mapped[str | None] = mapped_column(String(100))
    preferred_forename: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    setting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("setting.id"))
    looked_after: Mapped[bool] = mapped_column(server_default=false())
    # Current status, kept in step with the newest SenStatusChange for fast register queries.
    sen_status: Mapped[SenStatus] = mapped_column(enum_column(SenStatus, "sen_status"))
    sen_status_since: Mapped[date | None] = mapped_column(Date)
    year_group_override: Mapped[int | None]
    year_group_override_reason: Mapped[str | None] = mapped_column(String(500))
    parents_informed_date: Mapped[date | None] = mapped_column(Date)
    panel_consent: Mapped[bool] = mapped_column(server_default=false())
    panel_consent_date: Mapped[date | None] = mapped_column(Date)
    panel_consent_recorded_by: Mapped[str | None] = mapped_column(String(120))
    left_date: Mapped[date | None] = mapped_column(Date)
    # Hidden from everyone but LA officers and administrators, instead of being deleted.
    is_restricted: Mapped[bool] = mapped_column(server_default=false())

    setting: Mapped[Setting] = relationship(lazy="joined")
    needs: Mapped[list[PupilNeed]] = relationship(
        back_populates="pupil",
        order_by="PupilNeed.rank",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    status_history: Mapped[list[SenStatusChange]] = relationship(
        back_populates="pupil",
        order_by="(SenStatusChange.start_date, SenStatusChange.recorded_at)",
        cascade="all, delete-orphan",
    )

    @property
    def display_forename(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def display_surname(self) -> str:
        return self.preferred_surname or self.legal_surname

    @property
    def full_name(self) -> str:
        return f"{self.display_forename} {self.display_surname}"

    @property
    def initials(self) -> str:
        return f"{self.legal_forename[:1]}{self.legal_surname[:1]}".upper()

    @property
    def primary_need(self) -> NeedCode | None:
        return self.needs[0].code if self.needs else None


class PupilNeed(UuidPk, Base):
    """Ranked needs: rank 1 is the primary need, 2 the secondary, and so on."""

    __tablename__ = "pupil_need"
    __table_args__ = (
        UniqueConstraint("pupil_id", "rank"),
        UniqueConstraint("pupil_id", "code"),
        CheckConstraint("rank >= 1", name="rank_positive"),
        Index("ix_pupil_need_code_rank", "code", "rank"),
    )

    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    rank: Mapped[int]
    code: Mapped[NeedCode] = mapped_column(enum_column(NeedCode, "need_code"))

    pupil: Mapped[Pupil] = relationship(back_populates="needs")


class SenStatusChange(UuidPk, Base):
    """Dated SEN status history; rows are added, never overwritten."""

    __tablename__ = "sen_status_change"
    __table_args__ = (Index("ix_sen_status_change_pupil", "pupil_id", "start_date"),)

    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    status: Mapped[SenStatus] = mapped_column(enum_column(SenStatus, "sen_status"))
    start_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    pupil: Mapped[Pupil] = relationship(back_populates="status_history")


class PupilTransfer(UuidPk, Base):
    """A move between settings in the area; the record moves, its history stays."""

    __tablename__ = "pupil_transfer"
    __table_args__ = (Index("ix_pupil_transfer_pupil", "pupil_id", "moved_on"),)

    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    from_setting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("setting.id"))
    to_setting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("setting.id"))
    moved_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    note: Mapped[str | None] = mapped_column(Text)
