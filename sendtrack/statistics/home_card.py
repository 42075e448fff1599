"""Home-page card linking to the last complete quarter's statistics, for those who may see them."""

from __future__ import annotations

from datetime import date

from sendtrack.home.cards import HomeCard, home_card
from sendtrack.models import User
from sendtrack.permissions import Permission, user_has
from sendtrack.services.statistics.periods import previous, quarter_of


@home_card
def statistics_link(user: User) -> HomeCard | None:
    if not user_has(user, Permission.VIEW_STATISTICS):
        return None
    last = previous(quarter_of(date.today()))
    return HomeCard("home/cards/statistics.html", {"quarter": last.code}, 80)
