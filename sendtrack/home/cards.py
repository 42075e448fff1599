"""The home page's cards: what each person needs to do next.

Each feature registers its own cards in its `home_card.py` (pupils/, panels/, rtf/, ehcna/,
statistics/, admin/) with `@home_card`; this registry imports no feature. A card function
takes the signed-in user and returns a `HomeCard` (a template under templates/home/cards/ and
its context) or None when it has nothing for this person. Cards show in `order`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sendtrack.models import AuditAction, User
from sendtrack.services import audit


@dataclass
class HomeCard:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    # What the card lists by child's name, in the audit trail's words; None if nobody.
    lists_children: str | None = None


CardFunction = Callable[[User], HomeCard | None]

_CARDS: list[CardFunction] = []


def home_card(function: CardFunction) -> CardFunction:
    """Register a card function (used as a decorator in a feature's home_card.py)."""
    if function not in _CARDS:
        _CARDS.append(function)
    return function


def registered() -> list[CardFunction]:
    return list(_CARDS)


def cards_for(user: User) -> list[HomeCard]:
    """The user's cards in order; one audit event for the page when any of them names
    children."""
    found = sorted(
        (card for card in (function(user) for function in _CARDS) if card is not None),
        key=lambda card: (card.order, card.template),
    )
    listed = [card.lists_children for card in found if card.lists_children]
    if listed:
        audit.record(user, AuditAction.VIEW, "home_page", summary="Home page: " + "; ".join(listed))
    return found
