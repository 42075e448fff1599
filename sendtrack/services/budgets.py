"""What cluster budgets and the RTF pot have in common: setting a year's allocation, and
what a position says (what remains of the allocation, whether it is overspent, the share
committed)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from sendtrack.extensions import db
from sendtrack.models import AuditAction, ClusterBudget, RtfBudget, User
from sendtrack.services import audit

Budget = TypeVar("Budget", ClusterBudget, RtfBudget)


class BudgetFigures:
    """Mixed into a position that has `allocation` (None when none is set) and `committed`."""

    allocation: Decimal | None
    committed: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.allocation is None else self.allocation - self.committed

    @property
    def overspent(self) -> bool:
        return self.remaining is not None and self.remaining < 0

    @property
    def percent_committed(self) -> int | None:
        if not self.allocation:
            return None
        return int(self.committed * 100 / self.allocation)


def save_allocation(
    actor: User,
    budget: Budget | None,
    new: Callable[[], Budget],
    allocation: Decimal,
    object_type: str,
    *,
    summary: str | None = None,
) -> Budget:
    """Set the year's allocation on `budget`, or add the one `new` makes (with the allocation
    already on it), and audit it as created or changed."""
    before = None
    if budget is None:
        budget = new()
        db.session.add(budget)
    else:
        before = budget.allocation
        budget.allocation = allocation
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CREATE if before is None else AuditAction.UPDATE,
        object_type,
        budget.id,
        summary=summary,
        changes={"allocation": [before, allocation]},
    )
    return budget
