"""What any budget's position says, read the same way for cluster budgets and the RTF pot:
what remains of the allocation, whether it is overspent, and the share committed."""

from __future__ import annotations

from decimal import Decimal


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
