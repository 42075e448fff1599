"""Recording a contact as the call happens, changing one, and the register type-ahead."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import flash, jsonify, redirect, request, session, url_for

from sendtrack.contacts import bp
from sendtrack.contacts.details import details_from, fill, offer_choices, page_context
from sendtrack.contacts.forms import ContactForm
from sendtrack.models import Contact
from sendtrack.permissions import Permission, requires
from sendtrack.services.contacts import records as contacts
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.web import STALE, acting_user, render_form, saved

# The setting of the adviser's last contact, offered on their next one (a run of calls
# from one school is common); kept in the signed session cookie, not the database.
LAST_SETTING = "contacts_last_setting"


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.RECORD_CONTACTS)
def new() -> Any:
    user = acting_user()
    form = ContactForm()
    names = offer_choices(form, user)
    if request.method == "GET":
        form.contact_date.data = date.today()
        form.setting.data = session.get(LAST_SETTING, "")
    if form.validate_on_submit() and (
        done := saved(form, lambda: contacts.record_contact(user, details_from(form)), once=Contact)
    ):
        contact: Contact = done.result
        session[LAST_SETTING] = contacts.setting_label(contact.setting)
        flash(f"Contact with {contact.setting.name} saved", "success")
        return redirect(url_for("contacts.new"))
    return render_form("contacts/form.html", form, editing=None, **page_context(form, user, names))


@bp.route("/<uuid:contact_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORD_CONTACTS)
def edit(contact_id: uuid.UUID) -> Any:
    user = acting_user()
    try:
        contact = contacts.editable(user, contact_id)
    except NotFound:
        raise
    except DomainError as refusal:
        flash(refusal.message)
        return redirect(url_for("contacts.show", contact_id=contact_id))
    form = ContactForm()
    names = offer_choices(form, user)
    if request.method == "GET":
        fill(form, contact, user)
    if form.validate_on_submit() and saved(
        form,
        lambda: contacts.update_contact(
            user, contact, details_from(form), version=form.version.number
        ),
        stale=STALE,
    ):
        flash("Contact saved", "success")
        return redirect(url_for("contacts.show", contact_id=contact.id))
    return render_form(
        "contacts/form.html", form, editing=contact, **page_context(form, user, names)
    )


@bp.route("/register")
@requires(Permission.RECORD_CONTACTS)
def register() -> Any:
    """The children on the register of the setting typed, for the child type-ahead."""
    setting, names = contacts.register_names(acting_user(), request.args.get("setting", ""))
    return jsonify(
        {"setting": contacts.setting_label(setting) if setting else None, "children": names}
    )
