"""The LA's Reception Transition Funding pot: one allocation per financial year, the awards
charged to it, and the standard rates (bands) an award may not exceed.

An award is charged to the financial year of its decision date, as LA finance counts it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, literal_column, select, union_all

from sendtrack.extensions import db
from sendtrack.models import AuditAction, RtfApplication, RtfBand, RtfBudget, RtfDecision, User
from sendtrack.school_year import financial_year_bounds
from sendtrack.services import audit
from sendtrack.services.budgets import BudgetFigures, save_allocation
from sendtrack.services.errors import DomainError, NotFound

FY_PATTERN = "YYYY-YY, like 2026-27"


@dataclass(frozen=True)
class BudgetPosition(BudgetFigures):
    """Where one year's RTF pot stands: the same figures the cluster budget view shows."""

    financial_year: str
    allocation: Decimal | None
    committed: Decimal
    awards: int


def check_financial_year(label: str) -> str:
    label = label.strip()
    ok = (
        len(label) == 7
        and label[:4].isdigit()
        and label[4] == "-"
        and label[5:].isdigit()
        and (int(label[:4]) + 1) % 100 == int(label[5:])
    )
    if not ok:
        raise DomainError(f"Enter the financial year as {FY_PATTERN}", field="financial_year")
    return label


def position(
    financial_year: str,
    *,
    except_application: uuid.UUID | None = None,
    lock: bool = False,
) -> BudgetPosition:
    """Allocation and awards charged to `financial_year` (optionally leaving one out, so a
    changed decision is not counted twice). With `lock`, the year's budget row is locked
    until the transaction ends (PostgreSQL), so two officers deciding at the same moment
    cannot both spend the last of it."""
    start, end = financial_year_bounds(financial_year)
    budget_query = select(RtfBudget).where(RtfBudget.financial_year == financial_year)
    if lock:
        budget_query = budget_query.with_for_update()
    budget = db.session.scalar(budget_query)
    query = select(func.coalesce(func.sum(RtfApplication.amount_awarded), 0), func.count()).where(
        RtfApplication.decision.in_([RtfDecision.APPROVED, RtfDecision.PART_APPROVED]),
        RtfApplication.decision_date.between(start, end),
    )
    if except_application is not None:
        query = query.where(RtfApplication.id != except_application)
    committed, awards = db.session.execute(query).one()
    return BudgetPosition(
        financial_year,
        budget.allocation if budget else None,
        Decimal(committed or 0).quantize(Decimal("0.01")),
        int(awards),
    )


def all_positions() -> list[BudgetPosition]:
    """Every year that has a budget, oldest first: two queries however many years there are."""
    budgets = list(db.session.scalars(select(RtfBudget).order_by(RtfBudget.financial_year)))
    if not budgets:
        return []
    # One statement: each year's part reads its own date range of ix_rtf_application_decided.
    parts: list[Select[Any, Any, Any]] = [
        select(
            literal_column(str(i)).label("year"),
            func.coalesce(func.sum(RtfApplication.amount_awarded), 0).label("committed"),
            func.count().label("awards"),
        ).where(
            RtfApplication.decision.in_([RtfDecision.APPROVED, RtfDecision.PART_APPROVED]),
            RtfApplication.decision_date.between(*financial_year_bounds(b.financial_year)),
        )
        for i, b in enumerate(budgets)
    ]
    totals = {
        year: (committed, awards)
        for year, committed, awards in db.session.execute(union_all(*parts))
    }
    return [
        BudgetPosition(
            budget.financial_year,
            budget.allocation,
            Decimal(totals[i][0] or 0).quantize(Decimal("0.01")),
            int(totals[i][1]),
        )
        for i, budget in enumerate(budgets)
    ]


def set_allocation(actor: User, financial_year: str, allocation: Decimal) -> RtfBudget:
    financial_year = check_financial_year(financial_year)
    if allocation < 0:
        raise DomainError("Allocation must be £0 or more", field="allocation")
    budget = db.session.scalar(select(RtfBudget).where(RtfBudget.financial_year == financial_year))
    return save_allocation(
        actor,
        budget,
        lambda: RtfBudget(financial_year=financial_year, allocation=allocation),
        allocation,
        "rtf_budget",
    )


def active_bands() -> list[RtfBand]:
    return list(
        db.session.scalars(
            select(RtfBand).where(RtfBand.is_active.is_(True)).order_by(RtfBand.amount)
        )
    )


def all_bands() -> list[RtfBand]:
    return list(db.session.scalars(select(RtfBand).order_by(RtfBand.amount, RtfBand.name)))


def get_band(band_id: uuid.UUID) -> RtfBand:
    band = db.session.get(RtfBand, band_id)
    if band is None:
        raise NotFound("band")
    return band


def save_band(
    actor: User,
    name: str,
    amount: Decimal,
    *,
    is_active: bool = True,
    band: RtfBand | None = None,
) -> RtfBand:
    name = name.strip()
    if not name:
        raise DomainError("Enter the band's name", field="name")
    if amount <= 0:
        raise DomainError("Amount must be more than £0", field="amount")
    clash = db.session.scalar(select(RtfBand.id).where(func.lower(RtfBand.name) == name.lower()))
    if clash is not None and (band is None or clash != band.id):
        raise DomainError("There is already a band with this name", field="name")
    before = audit.snapshot(band, ["name", "amount", "is_active"]) if band else {}
    if band is None:
        band = RtfBand(name=name, amount=amount, is_active=is_active)
        db.session.add(band)
    else:
        band.name, band.amount, band.is_active = name, amount, is_active
    db.session.flush()
    after = audit.snapshot(band, ["name", "amount", "is_active"])
    audit.record(
        actor,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        "rtf_band",
        band.id,
        changes=audit.diff(before, after),
    )
    return band
