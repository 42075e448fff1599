"""Reference data the LA configures: unit rates per staff role (used to cost provisions) and
the local authority's own settings. Area-wide; every change audited with old -> new."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, LocalAuthority, UnitRate, User
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.organisation import Page, like, paginate

RATE_FIELDS = ["staff_role", "hourly_rate", "is_active"]
LA_FIELDS = [
    "name",
    "la_code",
    "follow_up_window_months",
    "suppression_threshold",
    "notional_sen_threshold",
]
MAX_HOURLY_RATE = Decimal("1000")


# --- unit rates -------------------------------------------------------------------------


def list_unit_rates(query_text: str | None, page: int) -> Page[UnitRate]:
    query = select(UnitRate).order_by(UnitRate.is_active.desc(), UnitRate.staff_role)
    if query_text:
        query = query.where(func.lower(UnitRate.staff_role).like(like(query_text), escape="\\"))
    return paginate(query, page)


def get_unit_rate(rate_id: uuid.UUID) -> UnitRate:
    rate = db.session.get(UnitRate, rate_id)
    if rate is None:
        raise NotFound("unit rate")
    return rate


def _check_rate(staff_role: str, hourly_rate: Decimal | None, rate_id: uuid.UUID | None) -> str:
    staff_role = " ".join(staff_role.split())
    if not staff_role:
        raise DomainError("Enter the staff role", field="staff_role")
    query = select(UnitRate.id).where(func.lower(UnitRate.staff_role) == staff_role.lower())
    if rate_id is not None:
        query = query.where(UnitRate.id != rate_id)
    if db.session.scalar(query) is not None:
        raise DomainError("There is already a rate for this staff role", field="staff_role")
    if hourly_rate is None:
        raise DomainError("Enter the hourly rate", field="hourly_rate")
    if hourly_rate > MAX_HOURLY_RATE:
        raise DomainError("The hourly rate must be £1,000 or less", field="hourly_rate")
    return staff_role


def save_unit_rate(
    actor: User,
    *,
    staff_role: str,
    hourly_rate: Decimal | None,
    rate: UnitRate | None = None,
    version: int | None = None,
) -> UnitRate:
    if rate is not None:
        versions.check(rate, version)
    staff_role = _check_rate(staff_role, hourly_rate, rate.id if rate else None)
    assert hourly_rate is not None
    hourly_rate = hourly_rate.quantize(Decimal("0.01"))
    if rate is None:
        rate = UnitRate(staff_role=staff_role, hourly_rate=hourly_rate, is_active=True)
        db.session.add(rate)
        db.session.flush()
        audit.record_creation(
            actor, "unit_rate", rate, RATE_FIELDS, summary=f"Unit rate {staff_role}"
        )
        return rate
    before = audit.snapshot(rate, RATE_FIELDS)
    rate.staff_role = staff_role
    rate.hourly_rate = hourly_rate
    versions.save(rate)
    _audit(actor, rate, before)
    return rate


def set_unit_rate_active(
    actor: User, rate: UnitRate, active: bool, *, version: int | None = None
) -> UnitRate:
    versions.check(rate, version)
    before = audit.snapshot(rate, RATE_FIELDS)
    rate.is_active = active
    versions.save(rate)
    _audit(actor, rate, before)
    return rate


def _audit(actor: User, rate: UnitRate, before: dict[str, object]) -> None:
    changes = audit.diff(before, audit.snapshot(rate, RATE_FIELDS))
    if changes:
        audit.record(
            actor,
            AuditAction.UPDATE,
            "unit_rate",
            rate.id,
            summary=f"Unit rate {rate.staff_role}",
            changes=changes,
        )


# --- the local authority ----------------------------------------------------------------


def local_authority() -> LocalAuthority | None:
    return db.session.scalar(select(LocalAuthority).order_by(LocalAuthority.created_at))


@dataclass
class LocalAuthorityDetails:
    name: str
    la_code: str | None
    follow_up_window_months: int | None
    suppression_threshold: int | None
    notional_sen_threshold: Decimal | None


def update_local_authority(
    actor: User, details: LocalAuthorityDetails, *, version: int | None = None
) -> LocalAuthority:
    """Save the LA's settings (the one row is created the first time)."""
    if (existing := local_authority()) is not None:
        versions.check(existing, version)
    name = " ".join(details.name.split())
    if not name:
        raise DomainError("Enter the council's name", field="name")
    code = (details.la_code or "").strip() or None
    if code is not None and not (len(code) == 3 and code.isdigit()):
        raise DomainError("Enter the LA code as 3 digits, like 936", field="la_code")
    window = details.follow_up_window_months
    if window is None or not 1 <= window <= 60:
        raise DomainError(
            "The follow-up window must be a whole number of months from 1 to 60",
            field="follow_up_window_months",
        )
    threshold = details.suppression_threshold
    if threshold is None or not 0 <= threshold <= 100:
        raise DomainError(
            "The suppression threshold must be a whole number from 0 to 100",
            field="suppression_threshold",
        )
    if details.notional_sen_threshold is None:
        raise DomainError("Enter the notional SEN budget threshold", field="notional_sen_threshold")
    la = local_authority()
    created = la is None
    if la is None:
        la = LocalAuthority(name=name)
        db.session.add(la)
    before = dict.fromkeys(LA_FIELDS) if created else audit.snapshot(la, LA_FIELDS)
    la.name = name
    la.la_code = code
    la.follow_up_window_months = window
    la.suppression_threshold = threshold
    la.notional_sen_threshold = details.notional_sen_threshold.quantize(Decimal("0.01"))
    versions.save(la)
    changes = audit.diff(before, audit.snapshot(la, LA_FIELDS))
    if changes:
        audit.record(
            actor,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            "local_authority",
            la.id,
            summary="Local authority settings",
            changes=changes,
        )
    return la
