"""EHC needs assessment requests against their statutory clocks, and annual reviews of plans."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned, enum_column
from sendtrack.models.org import Setting
from sendtrack.models.pupils import Pupil

DECISION_DAYS = 42  # 6 weeks
NOT_ISSUE_DAYS = 112  # 16 weeks
FINAL_PLAN_DAYS = 140  # 20 weeks


class RequestSource(StrEnum):
    PARENT = "parent"
    SETTING = "setting"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "parent": "Parent or young person",
            "setting": "Setting",
            "health": "Health",
            "social_care": "Social care",
            "other": "Other",
        }[self.value]


class AssessDecision(StrEnum):
    ASSESS = "assess"
    NOT_ASSESS = "not_assess"
    WITHDRAWN = "withdrawn"


class AssessmentOutcome(StrEnum):
    ISSUE = "issue"
    NOT_ISSUE = "not_issue"


class ExceptionGround(StrEnum):
    """The legal grounds on which the 20-week clock may be exceeded."""

    SETTING_CLOSURE = "setting_closure"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    ABSENCE = "absence"

    @property
    def label(self) -> str:
        return {
            "setting_closure": "Setting closed for 4 weeks or more around an advice request",
            "personal_circumstances": "Exceptional personal circumstances",
            "absence": "Child or parent away for 4 weeks or more",
        }[self.value]


class EhcnaRequest(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "ehcna_request"
    __table_args__ = (
        CheckConstraint(
            "decision_date IS NULL OR decision_date >= received_date", name="decision_after_receipt"
        ),
        CheckConstraint("outcome IS NULL OR decision = 'assess'", name="outcome_needs_assess"),
        CheckConstraint("plan_issued_date IS NULL OR outcome = 'issue'", name="plan_needs_issue"),
        Index("ix_ehcna_request_pupil", "pupil_id", "received_date"),
        Index("ix_ehcna_request_received", "received_date"),
        Index("ix_ehcna_request_plan_issued", "plan_issued_date"),
        Index("ix_ehcna_request_officer", "assigned_officer_id"),
        # The work queues: open requests (ehcna_queues.open_sql) found and ordered here.
        # decision_date and setting_id make it cover the statistics' decisions-in-time
        # counts too, which would otherwise find it by decision and read every request.
        Index(
            "ix_ehcna_request_queue",
            "decision",
            "outcome",
            "plan_issued_date",
            "received_date",
            "assigned_officer_id",
            "reference",
            "id",
            "decision_date",
            "setting_id",
        ),
        Index("ix_ehcna_request_setting", "setting_id"),  # a SENCO's requests (request_scope)
    )

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id"))
    setting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("setting.id"))
    received_date: Mapped[date] = mapped_column(Date)
    request_source: Mapped[RequestSource] = mapped_column(
        enum_column(RequestSource, "request_source")
    )
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decision: Mapped[AssessDecision | None] = mapped_column(
        enum_column(AssessDecision, "assess_decision")
    )
    decision_date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[AssessmentOutcome | None] = mapped_column(
        enum_column(AssessmentOutcome, "assessment_outcome")
    )
    outcome_date: Mapped[date | None] = mapped_column(Date)
    draft_plan_date: Mapped[date | None] = mapped_column(Date)
    plan_issued_date: Mapped[date | None] = mapped_column(Date)
    mediation: Mapped[bool] = mapped_column(server_default=false())
    tribunal: Mapped[bool] = mapped_column(server_default=false())
    notes: Mapped[str | None] = mapped_column(Text)

    pupil: Mapped[Pupil] = relationship()
    setting: Mapped[Setting | None] = relationship()
    exceptions: Mapped[list[TimescaleException]] = relationship(
        back_populates="request", cascade="all, delete-orphan"
    )


class TimescaleException(UuidPk, Timestamps, Base):
    """A 20-week exception; SEN2 reports timeliness both with and without these cases."""

    __tablename__ = "timescale_exception"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_order"),
        Index("ix_timescale_exception_request", "request_id"),
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ehcna_request.id", ondelete="CASCADE")
    )
    # No ground only for an exception imported from a council's history (the `ehcna` import
    # says only that one applied); exceptions recorded in sendtrack always have one.
    ground: Mapped[ExceptionGround | None] = mapped_column(enum_column(ExceptionGround, "ground"))
    reason: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    request: Mapped[EhcnaRequest] = relationship(back_populates="exceptions")


class AnnualReview(UuidPk, Timestamps, Versioned, Base):
    __tablename__ = "annual_review"
    __table_args__ = (Index("ix_annual_review_pupil_due", "pupil_id", "due_date"),)

    pupil_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pupil.id"))
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ehcna_request.id"))
    due_date: Mapped[date] = mapped_column(Date)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
