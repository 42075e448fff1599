"""The children behind a requests-avoided figure, for LA officers: the same SQL that counts
them (avoided.classified), so the list always matches the number. One audit event per page
viewed, naming the figure, period and filters."""

from __future__ import annotations

from dataclasses import dataclass

from sendtrack.models import AuditAction, User
from sendtrack.services import audit, statistics
from sendtrack.services.errors import NotFound
from sendtrack.services.statistics.avoided import CATEGORIES, AvoidedChild
from sendtrack.services.statistics.dashboard import Choice, Scope, scope_for, window_months


@dataclass
class ChildrenPage:
    category: str
    scope: Scope
    window_months: int
    children: list[AvoidedChild]
    total: int
    page: int
    pages: int


def children(user: User, choice: Choice, category: str, page: int, per_page: int) -> ChildrenPage:
    if category not in CATEGORIES:
        raise NotFound("figure")
    scope = scope_for(user, choice)
    window = window_months()
    found = statistics.avoided_children(
        choice.period.start, choice.period.end, choice.as_at, window, scope.filters, category
    )[category]
    pages = max(1, -(-len(found) // per_page))
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * per_page : page * per_page]
    audit.record(
        user,
        AuditAction.VIEW,
        "statistics_children",
        summary=(
            f"Children behind avoided.{category}, {choice.period.label} "
            f"({scope.description}), page {page}: {len(shown)} of {len(found)}"
        ),
    )
    return ChildrenPage(category, scope, window, shown, len(found), page, pages)
