"""Home-page panels for referrals and cluster panels: a SENCO's referrals with the panel's
outcomes and actions; an Area SEND Lead's (or LA officer's) next meetings, cases waiting,
overdue follow-up and each cluster's budget at a glance; a panel member's next meetings."""

from __future__ import annotations

from datetime import date

from sendtrack.home.panels import HomePanel
from sendtrack.models import ReferralStatus, Role, User
from sendtrack.permissions import Permission, user_has
from sendtrack.school_year import financial_year_of
from sendtrack.services.panels import budgets as cluster_budgets
from sendtrack.services.panels import follow_up, meetings, referrals


def cluster_panels(user: User) -> HomePanel | None:
    today = date.today()
    if user_has(user, Permission.RECORD_DECISIONS) and (user.cluster_ids or user.is_area_wide):
        upcoming = meetings.upcoming_meetings(user, limit=5, today=today)
        year = financial_year_of(today)
        return HomePanel(
            "home/panels/panels_lead.html",
            {
                "meetings": upcoming.meetings,
                "agenda_counts": upcoming.agenda_counts,
                "waiting": referrals.count_referrals(user, status=ReferralStatus.SUBMITTED),
                "follow_up": follow_up.counts(user, today=today),
                "positions": cluster_budgets.positions(user, year),
                "year": year,
            },
            15,
        )
    if user.has_role(Role.SENCO) and user.setting_ids:
        mine = referrals.latest_referrals(user, limit=10)
        outcomes = follow_up.school_outcomes(user, limit=5)
        return HomePanel(
            "home/panels/referrals_senco.html",
            {"referrals": mine, "outcomes": outcomes},
            20,
            "referrals and panel outcomes" if mine or outcomes else None,
        )
    if user.panel_cluster_ids:
        upcoming = meetings.upcoming_meetings(user, limit=5, today=today)
        return HomePanel(
            "home/panels/panels_member.html",
            {"meetings": upcoming.meetings, "agenda_counts": upcoming.agenda_counts},
            15,
        )
    return None
