"""The contact form's values as the service takes them, and the form filled from a saved
contact: shared by recording and editing."""

from __future__ import annotations

from typing import Any

from sendtrack.contacts.forms import ContactForm
from sendtrack.forms import as_uuid, set_choices
from sendtrack.models import Contact, ContactChannel, NeedCode, User
from sendtrack.services.contacts import records as contacts


def offer_choices(form: ContactForm, user: User) -> list[str]:
    """Fill the follow-up select; the setting names for the type-ahead."""
    set_choices(
        form.follow_up_by_id,
        [("", "You")] + [(str(u.id), u.name) for u in contacts.advisers() if u.id != user.id],
    )
    return [contacts.setting_label(s) for s in contacts.settings_for(user)]


def details_from(form: ContactForm) -> contacts.ContactDetails:
    minutes = (form.minutes.data or "").strip()
    return contacts.ContactDetails(
        contact_date=form.contact_date.data,
        channel=ContactChannel(form.channel.data) if form.channel.data else None,
        setting=form.setting.data or "",
        question=form.question.data or "",
        advice=form.advice.data or "",
        child=form.child.data or "",
        new_forename=form.new_forename.data or "",
        new_surname=form.new_surname.data or "",
        new_date_of_birth=form.new_date_of_birth.data,
        need=NeedCode(form.need.data) if form.need.data else None,
        follow_up_due=form.follow_up_due.data,
        follow_up_by_id=as_uuid(form.follow_up_by_id.data),
        minutes=int(minutes) if minutes else None,
    )


def fill(form: ContactForm, contact: Contact, user: User) -> None:
    form.version.data = str(contact.version)
    form.setting.data = contacts.setting_label(contact.setting)
    form.child.data = contacts.child_label(contact.pupil) if contact.pupil else ""
    form.question.data = contact.question
    form.advice.data = contact.advice or ""
    form.channel.data = contact.channel.value
    form.contact_date.data = contact.contact_date
    form.need.data = contact.need.value if contact.need else ""
    form.minutes.data = "" if contact.minutes is None else str(contact.minutes)
    form.follow_up_due.data = contact.follow_up_due
    by = contact.follow_up_by_id
    form.follow_up_by_id.data = "" if by is None or by == user.id else str(by)


def page_context(form: ContactForm, user: User, setting_names: list[str]) -> dict[str, Any]:
    """The child type-ahead's names for the setting in the form, when one is typed."""
    _, children = contacts.register_names(user, form.setting.data or "")
    return {"setting_names": setting_names, "child_names": children}
