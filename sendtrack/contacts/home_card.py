"""Home-page card for advisers: follow-ups due and a link to record a contact."""

from __future__ import annotations

from sendtrack.home.cards import HomeCard, home_card
from sendtrack.models import User
from sendtrack.permissions import Permission, user_has
from sendtrack.services.contacts import lists


@home_card
def contacts_follow_ups(user: User) -> HomeCard | None:
    if not user_has(user, Permission.RECORD_CONTACTS):
        return None
    queue = lists.follow_ups(user, shown=False)
    return HomeCard(
        "home/cards/contacts.html",
        {"overdue": len(queue.overdue), "due": len(queue.due)},
        35,
    )
