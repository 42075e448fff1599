"""A panel meeting's members: adding someone to the panel (with or without an account,
and the school they work for) and removing them."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, url_for

from sendtrack.forms import as_uuid, set_choices
from sendtrack.models import PanelMember
from sendtrack.panels import bp
from sendtrack.panels.forms import MemberForm, RemoveMemberForm
from sendtrack.permissions import Permission, requires
from sendtrack.services.panels import meetings
from sendtrack.web import acting_user, render_form, saved


@bp.route("/meetings/<uuid:meeting_id>/members/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_PANELS)
def add_member(meeting_id: uuid.UUID) -> Any:
    user = acting_user()
    found = meetings.get_meeting(user, meeting_id)
    form = MemberForm()
    set_choices(
        form.user_id,
        [("", "No account")]
        + [(str(u.id), f"{u.name} ({u.email})") for u in meetings.member_user_choices(found)],
    )
    set_choices(
        form.setting_id,
        [("", "None, or not a school in this cluster")]
        + [(str(s.id), s.name) for s in meetings.cluster_settings(found.cluster_id)],
    )
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: meetings.add_member(
                user,
                found,
                form.name.data,
                form.professional_role.data,
                user_id=as_uuid(form.user_id.data),
                setting_id=as_uuid(form.setting_id.data),
            ),
            once=PanelMember,
        )
        if outcome:
            member = outcome.result
            flash(f"{member.name} added to the panel", "success")
            return redirect(url_for("panels.meeting", meeting_id=found.id) + "#members")
    return render_form("panels/member_form.html", form, meeting=found)


@bp.route("/members/<uuid:member_id>/remove", methods=["POST"])
@requires(Permission.MANAGE_PANELS)
def remove_member(member_id: uuid.UUID) -> Any:
    user = acting_user()
    member = meetings.get_member(user, member_id)
    meeting_id = member.meeting_id
    form = RemoveMemberForm()
    name = member.name
    if form.validate_on_submit() and saved(
        form, lambda: meetings.remove_member(user, member), flashed=True
    ):
        flash(f"{name} removed from the panel", "success")
    return redirect(url_for("panels.meeting", meeting_id=meeting_id) + "#members")
