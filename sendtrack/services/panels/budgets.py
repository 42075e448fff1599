"""Cluster budgets (Kent-style delegated sums): one allocation per cluster per financial
year, the awards committed against it, what has been paid and what remains.

An award is charged to the financial year of its decision date, as LA finance counts it.
Committed counts confirmed decisions only: a draft decision is not yet a commitment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import Cluster, ClusterBudget, PanelDecision, Referral, User
from sendtrack.school_year import financial_year_bounds, financial_year_of
from sendtrack.services.budgets import BudgetFigures, save_allocation
from sendtrack.services.errors import DomainError
from sendtrack.services.rtf.budgets import check_financial_year
from sendtrack.services.scoping import cluster_scope, decision_scope


@dataclass(frozen=True)
class ClusterPosition(BudgetFigures):
    cluster_id: uuid.UUID
    cluster_name: str
    financial_year: str
    allocation: Decimal | None
    committed: Decimal
    spent: Decimal
    awards: int


def _awards(
    financial_year: str,
    except_decision: uuid.UUID | None = None,
    cluster_ids: list[uuid.UUID] | None = None,
) -> dict[uuid.UUID, tuple[Decimal, Decimal, int]]:
    start, end = financial_year_bounds(financial_year)
    query = (
        select(
            Referral.cluster_id,
            func.coalesce(func.sum(PanelDecision.amount_awarded), 0),
            func.coalesce(func.sum(PanelDecision.amount_paid), 0),
            func.count(),
        )
        .join(Referral, Referral.id == PanelDecision.referral_id)
        .where(
            PanelDecision.confirmed_at.is_not(None),
            PanelDecision.amount_awarded > 0,
            PanelDecision.decision_date.between(start, end),
        )
        .group_by(Referral.cluster_id)
    )
    if except_decision is not None:
        query = query.where(PanelDecision.id != except_decision)
    if cluster_ids is not None:
        query = query.where(Referral.cluster_id.in_(cluster_ids))
    return {
        cid: (_pounds(committed), _pounds(paid), int(n))
        for cid, committed, paid, n in db.session.execute(query)
    }


def _pounds(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def positions(user: User, financial_year: str) -> list[ClusterPosition]:
    """Every cluster the user may see, with its position for the year (no budget set: None)."""
    clusters = db.session.scalars(
        select(Cluster).where(cluster_scope(user)).order_by(Cluster.name)
    ).all()
    budgets = {
        b.cluster_id: b.allocation
        for b in db.session.scalars(
            select(ClusterBudget).where(ClusterBudget.financial_year == financial_year)
        )
    }
    # Only the clusters shown: a lead's page need not add up the whole county's awards.
    shown = None if user.is_area_wide else [c.id for c in clusters]
    awards = _awards(financial_year, cluster_ids=shown)
    return [
        ClusterPosition(
            c.id,
            c.name,
            financial_year,
            budgets.get(c.id),
            *awards.get(c.id, (Decimal("0.00"), Decimal("0.00"), 0)),
        )
        for c in clusters
    ]


def position(
    cluster: Cluster,
    financial_year: str,
    *,
    except_decision: uuid.UUID | None = None,
    lock: bool = False,
) -> ClusterPosition:
    """One cluster's year. With `lock`, the budget row stays locked until the transaction
    ends (PostgreSQL), so two awards at the same moment cannot both spend the last of it."""
    query = select(ClusterBudget).where(
        ClusterBudget.cluster_id == cluster.id, ClusterBudget.financial_year == financial_year
    )
    if lock:
        query = query.with_for_update()
    budget = db.session.scalar(query)
    committed, spent, n = _awards(financial_year, except_decision).get(
        cluster.id, (Decimal("0.00"), Decimal("0.00"), 0)
    )
    return ClusterPosition(
        cluster.id,
        cluster.name,
        financial_year,
        budget.allocation if budget else None,
        committed,
        spent,
        n,
    )


def years(user: User) -> list[str]:
    """Financial years with a budget or an award, plus this one, newest first."""
    found = set(
        db.session.scalars(
            select(ClusterBudget.financial_year)
            .join(Cluster, Cluster.id == ClusterBudget.cluster_id)
            .where(cluster_scope(user))
        )
    )
    found.add(financial_year_of(date.today()))
    first = db.session.scalar(select(func.min(PanelDecision.decision_date)))
    last = db.session.scalar(select(func.max(PanelDecision.decision_date)))
    if first and last:
        year = first
        while year <= last:
            found.add(financial_year_of(year))
            year = date(year.year + 1, year.month, 1)
        found.add(financial_year_of(last))
    return sorted(found, reverse=True)


AWARDS_SHOWN = 500


def awards_in(user: User, cluster: Cluster, financial_year: str) -> list[PanelDecision]:
    """The cluster's awards of the year that the user may open (scoping.decision_scope: no
    one but officers sees a restricted child's); the budget's totals count them all."""
    start, end = financial_year_bounds(financial_year)
    return list(
        db.session.scalars(
            select(PanelDecision)
            .join(Referral, Referral.id == PanelDecision.referral_id)
            .where(
                Referral.cluster_id == cluster.id,
                PanelDecision.confirmed_at.is_not(None),
                PanelDecision.amount_awarded > 0,
                PanelDecision.decision_date.between(start, end),
                decision_scope(user),
            )
            .order_by(PanelDecision.decision_date.desc(), Referral.reference)
            .limit(AWARDS_SHOWN)
        )
    )


def set_allocation(
    actor: User, cluster: Cluster, financial_year: str, allocation: Decimal | None
) -> ClusterBudget:
    financial_year = check_financial_year(financial_year)
    if allocation is None:
        raise DomainError("Enter the allocation", field="allocation")
    if allocation < 0:
        raise DomainError("Allocation must be £0 or more", field="allocation")
    budget = db.session.scalar(
        select(ClusterBudget).where(
            ClusterBudget.cluster_id == cluster.id, ClusterBudget.financial_year == financial_year
        )
    )
    return save_allocation(
        actor,
        budget,
        lambda: ClusterBudget(
            cluster_id=cluster.id, financial_year=financial_year, allocation=allocation
        ),
        allocation,
        "cluster_budget",
        summary=f"{cluster.name} budget {financial_year}",
    )
