"""Home-page cards for referrals and cluster panels: a SENCO's referrals with the panel's
outcomes and actions; an Area SEND Lead's (or LA officer's) next meetings, cases waiting,
overdue follow-up and each cluster's budget at a glance; a panel member's next meetings."""

from __future__ import annotations

from datetime import date

from sendtrack.home.cards import HomeCard, home_card
from sendtrack.models import ReferralStatus, Role, User
from sendtrack.permissions import Permission, user_has
from sendtrack.school_year import financial_year_of
from sendtrack.services import organisation
from sendtrack.services.panels import budgets as cluster_budgets
from sendtrack.services.panels import follow_up, meetings, referrals


@home_card
def my_clusters(user: User) -> HomeCard | None:
    ids = user.cluster_ids | user.panel_cluster_ids
    if not ids:
        return None
    clusters = organisation.clusters_named(ids)
    return HomeCard("home/cards/clusters.html", {"clusters": clusters}, 20)


# Orders 16 and 21 place these after the cards of the same weight that came first before the
# cards were registered by feature (the SEN support reviews at 15, my clusters at 20).
@home_card
def cluster_panels(user: User) -> HomeCard | None:
    today = date.today()
    if user_has(user, Permission.RECORD_DECISIONS) and (user.cluster_ids or user.is_area_wide):
        upcoming = meetings.upcoming_meetings(user, limit=5, today=today)
        year = financial_year_of(today)
        return HomeCard(
            "home/cards/panels_lead.html",
            {
                "meetings": upcoming.meetings,
                "agenda_counts": upcoming.agenda_counts,
                "waiting": referrals.count_referrals(user, status=ReferralStatus.SUBMITTED),
                "follow_up": follow_up.counts(user, today=today),
                "positions": cluster_budgets.positions(user, year),
                "year": year,
            },
            16,
        )
    if user.has_role(Role.SENCO) and user.setting_ids:
        mine = referrals.latest_referrals(user, limit=10)
        outcomes = follow_up.school_outcomes(user, limit=5)
        return HomeCard(
            "home/cards/referrals_senco.html",
            {"referrals": mine, "outcomes": outcomes},
            21,
            "referrals and panel outcomes" if mine or outcomes else None,
        )
    if user.panel_cluster_ids:
        upcoming = meetings.upcoming_meetings(user, limit=5, today=today)
        return HomeCard(
            "home/cards/panels_member.html",
            {"meetings": upcoming.meetings, "agenda_counts": upcoming.agenda_counts},
            16,
        )
    return None
