"""What each person needs to do next, shown on their home page.

Each feature adds a function here: it takes the signed-in user and returns a panel (a
template name and its context) or None when it has nothing for this person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sendtrack.models import AuditAction, Role, User
from sendtrack.services import audit, organisation
from sendtrack.services.pupils import register


@dataclass
class HomePanel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    # What the panel lists by child's name, in the audit trail's words; None if nobody.
    lists_children: str | None = None


def my_settings(user: User) -> HomePanel | None:
    if not user.has_role(Role.SENCO):
        return None
    settings = organisation.settings_named(user.setting_ids)
    counts = register.status_counts(user)
    return HomePanel(
        "home/panels/senco_settings.html", {"settings": settings, "counts": counts}, 10
    )


def area_overview(user: User) -> HomePanel | None:
    if not user.is_area_wide:
        return None
    return HomePanel("home/panels/area_overview.html", organisation.area_counts(), 90)


def my_clusters(user: User) -> HomePanel | None:
    ids = user.cluster_ids | user.panel_cluster_ids
    if not ids:
        return None
    clusters = organisation.clusters_named(ids)
    return HomePanel("home/panels/clusters.html", {"clusters": clusters}, 20)


def rtf_applications(user: User) -> HomePanel | None:
    from sendtrack.rtf.panels import rtf_applications as panel

    return panel(user)


def ehcna_requests(user: User) -> HomePanel | None:
    from sendtrack.ehcna.panels import ehcna_requests as panel

    return panel(user)


def cluster_panels(user: User) -> HomePanel | None:
    from sendtrack.panels.home import cluster_panels as panel

    return panel(user)


def statistics_link(user: User) -> HomePanel | None:
    from sendtrack.permissions import Permission, user_has
    from sendtrack.services.statistics.periods import previous, quarter_of

    if not user_has(user, Permission.VIEW_STATISTICS):
        return None
    from datetime import date

    last = previous(quarter_of(date.today()))
    return HomePanel("home/panels/statistics.html", {"quarter": last.code}, 80)


def apdr_reviews(user: User) -> HomePanel | None:
    from sendtrack.services.pupils.apdr import reviews_due

    if not user.has_role(Role.SENCO) or not user.setting_ids:
        return None
    overdue, due, n_overdue, n_due = reviews_due(user)
    context = {"overdue": overdue, "due": due, "n_overdue": n_overdue, "n_due": n_due}
    listed = "SEN support reviews due" if overdue or due else None
    return HomePanel("home/panels/apdr_reviews.html", context, 15, listed)


PANELS: list[Callable[[User], HomePanel | None]] = [
    my_settings,
    my_clusters,
    rtf_applications,
    ehcna_requests,
    area_overview,
    statistics_link,
    apdr_reviews,
    cluster_panels,
]


def panels_for(user: User) -> list[HomePanel]:
    """The user's panels; one audit event for the page when any of them names children."""
    found = sorted((p for p in (fn(user) for fn in PANELS) if p is not None), key=lambda p: p.order)
    listed = [p.lists_children for p in found if p.lists_children]
    if listed:
        audit.record(user, AuditAction.VIEW, "home_page", summary="Home page: " + "; ".join(listed))
    return found
