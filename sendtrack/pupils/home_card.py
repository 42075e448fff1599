"""Home-page cards for a SENCO's own settings and register: the settings they work for with
the register's counts, and the SEN support reviews due or overdue."""

from __future__ import annotations

from sendtrack.home.cards import HomeCard, home_card
from sendtrack.models import Role, User
from sendtrack.services import organisation
from sendtrack.services.pupils import register
from sendtrack.services.pupils.apdr import reviews_due


@home_card
def my_settings(user: User) -> HomeCard | None:
    if not user.has_role(Role.SENCO):
        return None
    settings = organisation.settings_named(user.setting_ids)
    counts = register.status_counts(user)
    return HomeCard("home/cards/senco_settings.html", {"settings": settings, "counts": counts}, 10)


@home_card
def apdr_reviews(user: User) -> HomeCard | None:
    if not user.has_role(Role.SENCO) or not user.setting_ids:
        return None
    overdue, due, n_overdue, n_due = reviews_due(user)
    context = {"overdue": overdue, "due": due, "n_overdue": n_overdue, "n_due": n_due}
    listed = "SEN support reviews due" if overdue or due else None
    return HomeCard("home/cards/apdr_reviews.html", context, 15, listed)
