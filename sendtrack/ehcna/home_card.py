"""Home-page cards for EHCNA requests: an LA officer's queues, or a SENCO's own requests."""

from __future__ import annotations

from sendtrack.home.cards import HomeCard, home_card
from sendtrack.models import Role, User
from sendtrack.permissions import Permission, user_has
from sendtrack.services.ehcna import annual_reviews
from sendtrack.services.ehcna import queues as ehcna_queues


@home_card
def ehcna_requests(user: User) -> HomeCard | None:
    if user_has(user, Permission.MANAGE_EHCNA) and user.is_area_wide:
        return HomeCard(
            "home/cards/ehcna.html",
            {
                "officer": True,
                "counts": ehcna_queues.counts(user),
                "reviews": annual_reviews.counts(),
                "user_id": str(user.id),
            },
            25,
        )
    if user.has_role(Role.SENCO) and user.setting_ids:
        rows = ehcna_queues.first_rows(user, ehcna_queues.Filters(view="open"), limit=5)
        listed = "EHCNA requests" if rows else None
        return HomeCard("home/cards/ehcna.html", {"officer": False, "rows": rows}, 35, listed)
    return None
