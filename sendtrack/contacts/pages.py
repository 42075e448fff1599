"""The contacts home page, one contact, and a setting's contacts over time."""

from __future__ import annotations

import uuid
from typing import Any

from flask import render_template

from sendtrack.contacts import bp
from sendtrack.contacts.forms import DoneForm
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.services.contacts import lists
from sendtrack.services.contacts import records as contacts
from sendtrack.web import acting_user


@bp.route("/")
@requires(Permission.VIEW_CONTACTS)
def index() -> Any:
    user = acting_user()
    records = user_has(user, Permission.RECORD_CONTACTS)
    return render_template(
        "contacts/index.html",
        recent=lists.recent(user) if records else [],
        follow_ups=lists.follow_ups(user, shown=False) if records else None,
        own_settings=lists.own_settings(user),
        records=records,
    )


@bp.route("/<uuid:contact_id>")
@requires(Permission.VIEW_CONTACTS)
def show(contact_id: uuid.UUID) -> Any:
    user = acting_user()
    contact = contacts.open_contact(user, contact_id)
    form = DoneForm()
    form.version.data = str(contact.version)
    return render_template(
        "contacts/show.html",
        contact=contact,
        may_edit=user_has(user, Permission.RECORD_CONTACTS) and contacts.may_edit(user, contact),
        may_complete=user_has(user, Permission.RECORD_CONTACTS)
        and contact.follow_up_open
        and (contacts.may_edit(user, contact) or contact.follow_up_by_id == user.id),
        form=form,
    )


@bp.route("/settings/<uuid:setting_id>")
@requires(Permission.VIEW_CONTACTS)
def setting(setting_id: uuid.UUID) -> Any:
    found = lists.for_setting(acting_user(), setting_id)
    return render_template("contacts/setting.html", found=found)
