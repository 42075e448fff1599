"""Home-page cards for Reception Transition Funding: a SENCO's applications and outcomes,
and the applications an LA officer has to decide."""

from __future__ import annotations

from sendtrack.home.cards import HomeCard, home_card
from sendtrack.models import Role, User
from sendtrack.permissions import Permission, user_has
from sendtrack.services.rtf import applications as rtf
from sendtrack.services.rtf import follow_up as rtf_follow_up


@home_card
def rtf_applications(user: User) -> HomeCard | None:
    if user_has(user, Permission.DECIDE_RTF) and user.is_area_wide:
        count, rows = rtf.awaiting_decision()
        return HomeCard("home/cards/rtf_officer.html", {"count": count, "rows": rows}, 30)
    if user.has_role(Role.SENCO) and user.setting_ids:
        # A child who has just joined shows as due a follow-up: the award was linked when
        # they joined (services/rtf/links.py), so this page only reads.
        awards = rtf_follow_up.school_awards(user)
        if not awards.rows and not awards.takes_part:
            return None
        return HomeCard(
            "home/cards/rtf_senco.html",
            {
                "rows": awards.rows,
                "status_label": rtf.status_label,
                "follow_ups": awards.follow_ups,
            },
            30,
            "RTF applications" if awards.rows else None,
        )
    return None
