"""Home-page card for area-wide users: the area at a glance (clusters, settings, children)."""

from __future__ import annotations

from sendtrack.home.cards import HomeCard, home_card
from sendtrack.models import User
from sendtrack.services import organisation


@home_card
def area_overview(user: User) -> HomeCard | None:
    if not user.is_area_wide:
        return None
    return HomeCard("home/cards/area_overview.html", organisation.area_counts(), 90)
