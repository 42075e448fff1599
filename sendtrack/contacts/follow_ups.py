"""The follow-up queues: an adviser's own, and (officers) the whole service's."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.contacts import bp
from sendtrack.contacts.forms import DoneForm
from sendtrack.permissions import Permission, requires
from sendtrack.services.contacts import lists
from sendtrack.services.contacts import records as contacts
from sendtrack.services.scoping import get_contact
from sendtrack.web import STALE, acting_user, saved


@bp.route("/follow-ups")
@requires(Permission.RECORD_CONTACTS)
def follow_up_queue() -> Any:
    user = acting_user()
    everyone = user.is_area_wide and request.args.get("who") == "everyone"
    return render_template(
        "contacts/follow_ups.html",
        queue=lists.follow_ups(user, everyone=everyone),
        everyone=everyone,
    )


@bp.route("/<uuid:contact_id>/follow-up-done", methods=["POST"])
@requires(Permission.RECORD_CONTACTS)
def follow_up_done(contact_id: uuid.UUID) -> Any:
    user = acting_user()
    contact = get_contact(user, contact_id)
    form = DoneForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: contacts.complete_follow_up(user, contact, version=form.version.number),
        stale=STALE,
        flashed=True,
    ):
        flash("Follow-up marked done", "success")
    return redirect(url_for("contacts.show", contact_id=contact.id))
