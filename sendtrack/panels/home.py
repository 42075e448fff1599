"""Home-page panels for referrals and cluster panels: a SENCO's referrals with the panel's
outcomes and actions; an Area SEND Lead's (or LA officer's) next meetings, cases waiting,
overdue follow-up and each cluster's budget at a glance; a panel member's next meetings."""

from __future__ import annotations

from datetime import date

from sendtrack.home.panels import HomePanel
from sendtrack.models import ReferralStatus, Role, User
from sendtrack.permissions import Permission, user_has
from sendtrack.school_year import financial_year_of
from sendtrack.services import cluster_budgets, follow_up, meetings, referrals


def cluster_panels(user: User) -> HomePanel | None:
    today = date.today()
    if user_has(user, Permission.RECORD_DECISIONS) and (user.cluster_ids or user.is_area_wide):
        upcoming = meetings.list_meetings(user, page_size=1, today=today).upcoming
        waiting = referrals.list_referrals(user, status=ReferralStatus.SUBMITTED, page_size=1)
        due = follow_up.follow_ups(user, today=today, limit=5)
        year = financial_year_of(today)
        return HomePanel(
            "home/panels/panels_lead.html",
            {
                "meetings": upcoming[:5],
                "waiting": waiting.count,
                "follow_up": due,
                "positions": cluster_budgets.positions(user, year),
                "year": year,
            },
            15,
        )
    if user.has_role(Role.SENCO) and user.setting_ids:
        mine = referrals.list_referrals(user, page_size=10)
        return HomePanel(
            "home/panels/referrals_senco.html",
            {"referrals": mine, "outcomes": follow_up.school_outcomes(user, limit=5)},
            20,
        )
    if user.panel_cluster_ids:
        upcoming = meetings.list_meetings(user, page_size=1, today=today).upcoming
        return HomePanel("home/panels/panels_member.html", {"meetings": upcoming[:5]}, 15)
    return None
