"""Import kind `clusters`: name, financial_year (optional), delegated_budget (optional)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import Cluster, ClusterBudget, User
from sendtrack.services.imports.rows import ImportKind, ImportResult, Row
from sendtrack.services.spreadsheets import FORMULA_NAME_MESSAGE, starts_like_formula

FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def valid_financial_year(value: str) -> bool:
    match = FINANCIAL_YEAR.match(value)
    if match is None:
        return False
    return (int(match.group(1)) + 1) % 100 == int(match.group(2))


@dataclass
class ClusterRow:
    name: str
    financial_year: str | None
    budget: Decimal | None


class ClustersImport(ImportKind):
    name = "clusters"
    required_columns = ("name",)
    optional_columns = ("financial_year", "delegated_budget")

    def __init__(self) -> None:
        self.seen: set[tuple[str, str | None]] = set()

    def parse(self, row: Row) -> ClusterRow | None:
        name = row.text("name", required=True, max_length=120)
        if name is not None and starts_like_formula(name):
            # Names go into every export: refused here as well as neutralised there.
            row.error("name", FORMULA_NAME_MESSAGE)
            name = None
        year = row.text("financial_year", max_length=7)
        if year and not valid_financial_year(year):
            row.error("financial_year", f"'{year}' must be a financial year like 2024-25")
            year = None
        budget = row.money("delegated_budget")
        if budget is not None and not year:
            row.error("financial_year", "is required when delegated_budget is given")
        if name is None:
            return None
        key = (name.lower(), year)
        if key in self.seen:
            row.error("name", f"'{name}' appears more than once for the same financial year")
            return None
        self.seen.add(key)
        return ClusterRow(name, year, budget)

    def apply(self, records: list[ClusterRow], actor: User | None, result: ImportResult) -> None:
        existing = {c.name.lower(): c for c in db.session.scalars(select(Cluster))}
        budgets = {
            (b.cluster_id, b.financial_year): b for b in db.session.scalars(select(ClusterBudget))
        }
        for rec in records:
            cluster = existing.get(rec.name.lower())
            created = cluster is None
            changed = False
            if cluster is None:
                cluster = Cluster(name=rec.name)
                db.session.add(cluster)
                db.session.flush()
                existing[rec.name.lower()] = cluster
            if rec.financial_year and rec.budget is not None:
                budget = budgets.get((cluster.id, rec.financial_year))
                if budget is None:
                    budget = ClusterBudget(
                        cluster_id=cluster.id,
                        financial_year=rec.financial_year,
                        allocation=rec.budget,
                    )
                    db.session.add(budget)
                    budgets[(cluster.id, rec.financial_year)] = budget
                    changed = True
                elif budget.allocation != rec.budget:
                    budget.allocation = rec.budget
                    changed = True
            if created:
                result.created += 1
            elif changed:
                result.updated += 1
            else:
                result.unchanged += 1
        db.session.flush()
