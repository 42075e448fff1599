"""Retention: how long each kind of record is kept, and removing what has passed its date.

Rules (configurable, see config.py):
- a child's SEN file (the child and everything hanging off the record: needs, status history,
  moves, APDR cycles, referrals and their decisions and agenda places, RTF applications, EHCNA
  requests, annual reviews) is kept until the child's date of birth + RETENTION_PUPIL_YEARS
  (31 by default, the usual schedule for SEN files);
- failed sign-in records: RETENTION_LOGIN_ATTEMPT_DAYS (90 by default).
- create forms' submission tokens (services/submissions.py): one day.
The audit trail is append-only and is never removed by the application; the fact that a
record was removed is itself audited (without the child's personal details).
Always run with --dry-run first: it reports exactly what would be removed and removes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, delete, func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AnnualReview,
    ApdrCycle,
    ApdrOutcome,
    AuditAction,
    Contact,
    EarlySupportStart,
    EhcnaRequest,
    JudgementTick,
    LoginAttempt,
    PanelAction,
    PanelDecision,
    PlannedExpectedProvision,
    Provision,
    Pupil,
    PupilNeed,
    PupilTransfer,
    RangesJudgement,
    RangesModeration,
    Referral,
    RtfApplication,
    SenStatusChange,
    TimescaleException,
    User,
)
from sendtrack.services import audit, submissions


@dataclass(frozen=True)
class RetentionRules:
    pupil_years_after_birth: int = 31
    login_attempt_days: int = 90


@dataclass
class RetentionReport:
    today: date
    rules: RetentionRules
    pupils: list[tuple[uuid.UUID, date]] = field(default_factory=list)
    related: dict[str, int] = field(default_factory=dict)
    login_attempts: int = 0

    def lines(self) -> list[str]:
        out = [
            f"Retention as at {self.today.isoformat()}:",
            f"- children's SEN files past date of birth + {self.rules.pupil_years_after_birth}"
            f" years: {len(self.pupils)}",
        ]
        out += [f"    {name}: {count}" for name, count in sorted(self.related.items()) if count]
        out.append(
            f"- failed sign-in records older than {self.rules.login_attempt_days} days: "
            f"{self.login_attempts}"
        )
        return out


def _birth_cutoff(today: date, years: int) -> date:
    """Children born before this date have passed date of birth + `years`."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _related_counts(pupil_ids: list[uuid.UUID]) -> dict[str, int]:
    if not pupil_ids:
        return {}
    referral_ids = select(Referral.id).where(Referral.pupil_id.in_(pupil_ids))
    cycle_ids = select(ApdrCycle.id).where(ApdrCycle.pupil_id.in_(pupil_ids))
    request_ids = select(EhcnaRequest.id).where(EhcnaRequest.pupil_id.in_(pupil_ids))

    def count(query: Select[uuid.UUID]) -> int:
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0

    return {
        "referrals": count(referral_ids),
        "panel decisions": count(
            select(PanelDecision.id).where(PanelDecision.referral_id.in_(referral_ids))
        ),
        "APDR cycles": count(cycle_ids),
        "RTF applications": count(
            select(RtfApplication.id).where(RtfApplication.pupil_id.in_(pupil_ids))
        ),
        "EHCNA requests": count(request_ids),
        "annual reviews": count(
            select(AnnualReview.id).where(AnnualReview.pupil_id.in_(pupil_ids))
        ),
        "advice contacts": count(select(Contact.id).where(Contact.pupil_id.in_(pupil_ids))),
    }


def review(rules: RetentionRules, today: date | None = None) -> RetentionReport:
    """What is past its retention date (reads only)."""
    today = today or date.today()
    report = RetentionReport(today=today, rules=rules)
    cutoff = _birth_cutoff(today, rules.pupil_years_after_birth)
    report.pupils = [
        (pid, dob)
        for pid, dob in db.session.execute(
            select(Pupil.id, Pupil.date_of_birth).where(Pupil.date_of_birth < cutoff)
        )
    ]
    report.related = _related_counts([pid for pid, _ in report.pupils])
    attempts_cutoff = datetime.now(UTC) - timedelta(days=rules.login_attempt_days)
    report.login_attempts = (
        db.session.scalar(select(func.count()).where(LoginAttempt.attempted_at < attempts_cutoff))
        or 0
    )
    return report


def remove_pupils(actor: User | None, pupil_ids: list[uuid.UUID], reason: str) -> int:
    """Delete children's records and everything that hangs off them, children first."""
    if not pupil_ids:
        return 0
    referral_ids = select(Referral.id).where(Referral.pupil_id.in_(pupil_ids))
    decision_ids = select(PanelDecision.id).where(PanelDecision.referral_id.in_(referral_ids))
    cycle_ids = select(ApdrCycle.id).where(ApdrCycle.pupil_id.in_(pupil_ids))
    request_ids = select(EhcnaRequest.id).where(EhcnaRequest.pupil_id.in_(pupil_ids))
    judgement_ids = select(RangesJudgement.id).where(RangesJudgement.pupil_id.in_(pupil_ids))
    statements = [
        delete(PanelAction).where(PanelAction.decision_id.in_(decision_ids)),
        delete(PanelDecision).where(PanelDecision.referral_id.in_(referral_ids)),
        delete(AgendaItem).where(AgendaItem.referral_id.in_(referral_ids)),
        delete(Referral).where(Referral.pupil_id.in_(pupil_ids)),
        delete(ApdrOutcome).where(ApdrOutcome.cycle_id.in_(cycle_ids)),
        # Ranges (docs/ranges.md): judgements with their ticks and moderation, and the
        # links from plan items to the framework's expected provision.
        delete(JudgementTick).where(JudgementTick.judgement_id.in_(judgement_ids)),
        delete(RangesModeration).where(RangesModeration.judgement_id.in_(judgement_ids)),
        delete(RangesJudgement).where(RangesJudgement.pupil_id.in_(pupil_ids)),
        delete(PlannedExpectedProvision).where(
            PlannedExpectedProvision.provision_id.in_(
                select(Provision.id).where(Provision.cycle_id.in_(cycle_ids))
            )
        ),
        delete(Provision).where(Provision.cycle_id.in_(cycle_ids)),
        delete(ApdrCycle).where(ApdrCycle.pupil_id.in_(pupil_ids)),
        delete(RtfApplication).where(RtfApplication.pupil_id.in_(pupil_ids)),
        delete(AnnualReview).where(AnnualReview.pupil_id.in_(pupil_ids)),
        delete(TimescaleException).where(TimescaleException.request_id.in_(request_ids)),
        delete(EhcnaRequest).where(EhcnaRequest.pupil_id.in_(pupil_ids)),
        delete(PupilNeed).where(PupilNeed.pupil_id.in_(pupil_ids)),
        delete(SenStatusChange).where(SenStatusChange.pupil_id.in_(pupil_ids)),
        delete(PupilTransfer).where(PupilTransfer.pupil_id.in_(pupil_ids)),
        delete(EarlySupportStart).where(EarlySupportStart.pupil_id.in_(pupil_ids)),
        # An advice contact about the child goes with the child: its text is about them.
        delete(Contact).where(Contact.pupil_id.in_(pupil_ids)),
        delete(Pupil).where(Pupil.id.in_(pupil_ids)),
    ]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    for pid in pupil_ids:
        audit.record(actor, AuditAction.DELETE, "pupil", pid, pupil_id=pid, summary=reason)
    db.session.expire_all()
    return len(pupil_ids)


def apply(
    rules: RetentionRules, actor: User | None = None, today: date | None = None
) -> RetentionReport:
    report = review(rules, today)
    remove_pupils(
        actor,
        [pid for pid, _ in report.pupils],
        f"Retention: past date of birth + {rules.pupil_years_after_birth} years",
    )
    attempts_cutoff = datetime.now(UTC) - timedelta(days=rules.login_attempt_days)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < attempts_cutoff))
    # Create forms' tokens are needed only while a page might be posted again.
    submissions.purge()
    db.session.flush()
    return report
