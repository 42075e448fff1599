"""Cluster panel meetings: the list of meetings, scheduling one, its page (members,
agenda, conflicts and decisions at a glance) and changing its details."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from sendtrack.forms import as_uuid, posted_version, set_choices
from sendtrack.models import AuditAction, PanelMeeting, User
from sendtrack.panels import bp
from sendtrack.panels.forms import ItemForm, MeetingForm, YearForm, parse_time
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.services import audit
from sendtrack.services.panels import meetings
from sendtrack.web import STALE, acting_user, render_form, saved


@bp.route("/")
@requires(Permission.VIEW_PANELS)
def index() -> str:
    user = acting_user()
    form = YearForm(request.args)
    clusters = meetings.visible_clusters(user)
    set_choices(form.cluster, [("", "All clusters")] + [(str(c.id), c.name) for c in clusters])
    cluster_id = as_uuid(form.cluster.data)
    page = form.page.data if isinstance(form.page.data, int) else 1
    found = meetings.list_meetings(
        user, cluster_id=cluster_id, page=page, page_size=current_app.config.get("PAGE_SIZE", 50)
    )
    return render_template(
        "panels/index.html",
        found=found,
        filter_form=form,
        show_clusters=len(clusters) > 1,
        can_manage=user_has(user, Permission.MANAGE_PANELS),
        page_url=lambda n: url_for("panels.index", cluster=cluster_id, page=n),
    )


def _meeting_form(user: User, meeting: PanelMeeting | None = None) -> MeetingForm:
    form = MeetingForm(obj=meeting if request.method == "GET" and meeting else None)
    if meeting is not None:
        set_choices(form.cluster_id, [(str(meeting.cluster_id), meeting.cluster.name)])
        form.cluster_id.data = str(meeting.cluster_id)
        if request.method == "GET":
            form.version.data = str(meeting.version)
            form.start_time.data = (
                meeting.start_time.strftime("%H:%M") if meeting.start_time else ""
            )
    else:
        clusters = meetings.managed_clusters(user)
        pairs = [(str(c.id), c.name) for c in clusters]
        set_choices(
            form.cluster_id, pairs if len(pairs) == 1 else [("", "Choose a cluster"), *pairs]
        )
        if request.method == "GET" and len(pairs) == 1:
            form.cluster_id.data = pairs[0][0]
    return form


def _meeting_details(form: MeetingForm) -> meetings.MeetingDetails:
    return meetings.MeetingDetails(
        cluster_id=as_uuid(form.cluster_id.data),
        meeting_date=form.meeting_date.data,
        start_time=parse_time(form.start_time.data),
        location=form.location.data or None,
        online_link=form.online_link.data or None,
        chair_name=form.chair_name.data or None,
        co_chair_name=form.co_chair_name.data or None,
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_PANELS)
def new_meeting() -> Any:
    user = acting_user()
    form = _meeting_form(user)
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: meetings.create_meeting(user, _meeting_details(form)),
            once=PanelMeeting,
        )
        if outcome:
            meeting = outcome.result
            flash(f"Meeting on {meeting.meeting_date:%-d %B %Y} scheduled", "success")
            return redirect(url_for("panels.meeting", meeting_id=meeting.id))
    return render_form("panels/meeting_form.html", form, meeting=None)


@bp.route("/meetings/<uuid:meeting_id>")
@requires(Permission.VIEW_PANELS)
def meeting(meeting_id: uuid.UUID) -> str:
    user = acting_user()
    found = meetings.get_meeting_page(user, meeting_id)
    audit.record(
        user,
        AuditAction.VIEW,
        "panel_meeting",
        found.id,
        summary=f"{found.cluster.name} panel on {found.meeting_date.isoformat()} "
        f"({len(found.agenda)} cases)",
    )
    manage = meetings.can_manage(user, found)
    return render_template(
        "panels/meeting.html",
        meeting=found,
        can_manage=manage,
        can_record=manage and user_has(user, Permission.RECORD_DECISIONS),
        conflicts=meetings.conflicts(found),
        decisions=meetings.decisions_by_referral(found),
        setting_names=meetings.setting_names(found),
        is_past=found.meeting_date < date.today(),
        decisions_open=found.meeting_date <= date.today(),
        item_form=ItemForm(),
    )


@bp.route("/meetings/<uuid:meeting_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_PANELS)
def edit_meeting(meeting_id: uuid.UUID) -> Any:
    user = acting_user()
    found = meetings.get_meeting(user, meeting_id)
    if not meetings.can_manage(user, found):
        flash("Only the cluster's Area SEND Lead can change this meeting")
        return redirect(url_for("panels.meeting", meeting_id=found.id))
    form = _meeting_form(user, found)
    if form.validate_on_submit() and saved(
        form,
        lambda: meetings.update_meeting(
            user, found, _meeting_details(form), version=posted_version(form.version.data)
        ),
        stale=STALE,
    ):
        flash("Meeting details saved", "success")
        return redirect(url_for("panels.meeting", meeting_id=found.id))
    return render_form("panels/meeting_form.html", form, meeting=found)
