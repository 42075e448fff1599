"""Events and groups: training sessions, network and hub meetings, drop-ins and group
supervision, with the settings that attended (each one a contact)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.contacts import bp
from sendtrack.contacts.forms import EventForm
from sendtrack.models import ContactChannel, ContactEvent
from sendtrack.permissions import Permission, requires
from sendtrack.services.contacts import events
from sendtrack.services.scoping import get_event
from sendtrack.web import acting_user, render_form, saved


@bp.route("/events")
@requires(Permission.VIEW_CONTACTS)
def event_list() -> Any:
    return render_template("contacts/events.html", events=events.events(acting_user()))


@bp.route("/events/new", methods=["GET", "POST"])
@requires(Permission.RECORD_CONTACTS)
def new_event() -> Any:
    user = acting_user()
    form = EventForm()
    if request.method == "GET":
        form.event_date.data = date.today()
    if form.validate_on_submit() and (
        done := saved(
            form,
            lambda: events.record_event(
                user,
                events.EventDetails(
                    title=form.title.data or "",
                    channel=ContactChannel(form.channel.data) if form.channel.data else None,
                    event_date=form.event_date.data,
                    attendance=form.attendance.data or "",
                    notes=form.notes.data or "",
                    minutes=int(form.minutes.data) if (form.minutes.data or "").strip() else None,
                ),
            ),
            once=ContactEvent,
        )
    ):
        flash("Event saved", "success")
        return redirect(url_for("contacts.event", event_id=done.result.id))
    return render_form("contacts/event_form.html", form)


@bp.route("/events/<uuid:event_id>")
@requires(Permission.VIEW_CONTACTS)
def event(event_id: uuid.UUID) -> Any:
    return render_template("contacts/event.html", event=get_event(acting_user(), event_id))
