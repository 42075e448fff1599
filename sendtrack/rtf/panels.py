"""Home-page panels for Reception Transition Funding: a SENCO's applications and outcomes,
and the applications an LA officer has to decide."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from sendtrack.extensions import db
from sendtrack.home.panels import HomePanel
from sendtrack.models import Phase, Role, RtfApplication, Setting, User
from sendtrack.permissions import Permission, user_has
from sendtrack.services import rtf, rtf_follow_up


def rtf_applications(user: User) -> HomePanel | None:
    if user_has(user, Permission.DECIDE_RTF) and user.is_area_wide:
        count, rows = rtf.awaiting_decision()
        return HomePanel("home/panels/rtf_officer.html", {"count": count, "rows": rows}, 30)
    if user.has_role(Role.SENCO) and user.setting_ids:
        # Secondary and post-16 SENCOs have no Reception children: no panel unless they
        # already have applications.
        phases = set(
            db.session.scalars(select(Setting.phase).where(Setting.id.in_(user.setting_ids)))
        )
        takes_part = bool(phases & (rtf.RECEPTION_PHASES | {Phase.EARLY_YEARS}))
        # So a child who has just joined shows as due a follow-up: only this school's awards
        # can be (can_follow_up), so only theirs need linking here.
        rtf_follow_up.sync_links_for(None, user.setting_ids)
        rows = list(
            db.session.scalars(
                select(RtfApplication)
                .options(joinedload(RtfApplication.pupil))
                .where(rtf.application_scope(user))
                .order_by(RtfApplication.application_date.desc(), RtfApplication.reference)
                .limit(10)
            )
        )
        if not rows and not takes_part:
            return None
        due = [
            a
            for a in rows
            if a.linked_at and not a.follow_up_recorded_on and rtf_follow_up.can_follow_up(user, a)
        ]
        return HomePanel(
            "home/panels/rtf_senco.html",
            {"rows": rows, "status_label": rtf.status_label, "follow_ups": due},
            30,
            "RTF applications" if rows else None,
        )
    return None
