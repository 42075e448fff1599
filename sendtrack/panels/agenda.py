"""A panel meeting's agenda: adding the referrals waiting for the panel, ordering and
removing cases, and recording conflicts of interest for a case."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import flash, redirect, request, url_for

from sendtrack.forms import as_uuid, set_choices
from sendtrack.models import AuditAction
from sendtrack.panels import bp
from sendtrack.panels.forms import AgendaForm, ConflictForm, ItemForm
from sendtrack.permissions import Permission, requires
from sendtrack.services import audit
from sendtrack.services.panels import meetings
from sendtrack.web import acting_user, render_form, saved


@bp.route("/meetings/<uuid:meeting_id>/agenda", methods=["GET", "POST"])
@requires(Permission.MANAGE_PANELS)
def agenda(meeting_id: uuid.UUID) -> Any:
    user = acting_user()
    found = meetings.get_meeting(user, meeting_id)
    waiting = meetings.candidates(found)
    form = AgendaForm()
    set_choices(
        form.referral_ids,
        [
            (
                str(r.id),
                f"{r.reference}: {r.pupil.full_name}, {r.setting.name} "
                f"({r.request_type.label.lower()}, submitted {r.submitted_date:%-d %B %Y})"
                if r.submitted_date
                else f"{r.reference}: {r.pupil.full_name}, {r.setting.name}",
            )
            for r in waiting
        ],
    )
    if form.validate_on_submit():
        ids = [i for i in (as_uuid(v) for v in form.referral_ids.data or []) if i]
        outcome = saved(form, lambda: meetings.add_to_agenda(user, found, ids))
        if outcome:
            added = outcome.result
            flash(f"{added} {'case' if added == 1 else 'cases'} added to the agenda", "success")
            return redirect(url_for("panels.meeting", meeting_id=found.id) + "#agenda")
    if request.method == "GET":
        audit.record(
            user,
            AuditAction.VIEW,
            "referral_list",
            summary=f"Referrals waiting for the {found.cluster.name} panel ({len(waiting)})",
        )
    return render_form(
        "panels/agenda_form.html",
        form,
        meeting=found,
        waiting=waiting,
        is_past=found.meeting_date < date.today(),
    )


@bp.route("/meetings/<uuid:meeting_id>/agenda/move", methods=["POST"])
@requires(Permission.MANAGE_PANELS)
def move_item(meeting_id: uuid.UUID) -> Any:
    user = acting_user()
    found = meetings.get_meeting(user, meeting_id)
    form = ItemForm()
    if form.validate_on_submit():
        saved(
            form,
            lambda: meetings.move_item(
                user, found, as_uuid(form.item_id.data), form.direction.data or ""
            ),
            flashed=True,
        )
    return redirect(url_for("panels.meeting", meeting_id=found.id) + "#agenda")


@bp.route("/meetings/<uuid:meeting_id>/agenda/remove", methods=["POST"])
@requires(Permission.MANAGE_PANELS)
def remove_item(meeting_id: uuid.UUID) -> Any:
    user = acting_user()
    found = meetings.get_meeting(user, meeting_id)
    form = ItemForm()
    if form.validate_on_submit():
        removed = saved(
            form,
            lambda: meetings.remove_item(user, found, as_uuid(form.item_id.data)),
            flashed=True,
        )
        if removed:
            flash(f"{removed.result.reference} taken off the agenda", "success")
    return redirect(url_for("panels.meeting", meeting_id=found.id) + "#agenda")


@bp.route("/meetings/<uuid:meeting_id>/conflicts", methods=["GET", "POST"])
@requires(Permission.MANAGE_PANELS)
def conflicts(meeting_id: uuid.UUID) -> Any:
    user = acting_user()
    found = meetings.get_meeting(user, meeting_id)
    form = ConflictForm()
    item_id = as_uuid(form.item_id.data if request.method == "POST" else request.args.get("item"))
    item = meetings.visible_item(user, found, item_id)
    if item is None:
        flash("Choose a case on the agenda to record conflicts of interest for")
        return redirect(url_for("panels.meeting", meeting_id=found.id) + "#agenda")
    if request.method == "GET":
        form.item_id.data = str(item.id)
        form.conflicts_declared.data = item.conflicts_declared
        form.version.data = str(item.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: meetings.declare_conflict(
            user, found, item.id, form.conflicts_declared.data, version=form.version.number
        ),
    ):
        flash("Conflicts of interest saved", "success")
        return redirect(url_for("panels.meeting", meeting_id=found.id) + "#agenda")
    return render_form(
        "panels/conflicts.html",
        form,
        meeting=found,
        item=item,
        automatic=meetings.conflicts(found).get(item.id, []),
    )
