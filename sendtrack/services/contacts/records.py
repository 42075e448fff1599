"""Recording and editing advice and support contacts.

A contact is recorded for a setting the adviser supports (services/scoping.py,
contact_setting_scope), typed by name or URN; it may name a child from that setting's
register (typed as the list offers it, by name, or by UPN) or a child not yet on it (name
and date of birth: matched to an existing record first, else a new record at the setting
with no SEN status). Whoever recorded a contact, and LA officers and administrators, may
change it; every change is audited."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    Contact,
    ContactChannel,
    NeedCode,
    Pupil,
    Role,
    RoleMembership,
    SenStatus,
    Setting,
    Sex,
    User,
)
from sendtrack.role_permissions import Permission, role_has
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError
from sendtrack.services.pupils import records as pupils
from sendtrack.services.scoping import (
    contact_setting_scope,
    get_contact,
    unrestricted_pupil,
)

AUDIT_FIELDS = [
    "contact_date",
    "channel",
    "setting_id",
    "pupil_id",
    "need",
    "question",
    "advice",
    "follow_up_due",
    "follow_up_by_id",
    "follow_up_done_on",
    "minutes",
]

_URN_AT_END = re.compile(r"\((\d{6})\)\s*$")
_CHILD_LABEL = re.compile(r"^(?P<name>.+), born (?P<d>\d{2})/(?P<m>\d{2})/(?P<y>\d{4})$")


@dataclass
class ContactDetails:
    """What the contact form (or an import) says. `setting` is typed text: a URN, a name,
    or the list's "Name (URN)"; `child` is typed text naming a child on that setting's
    register; `new_*` describe a child not on it."""

    contact_date: date | None
    channel: ContactChannel | None
    setting: str
    question: str
    advice: str = ""
    child: str = ""
    new_forename: str = ""
    new_surname: str = ""
    new_date_of_birth: date | None = None
    need: NeedCode | None = None
    follow_up_due: date | None = None
    follow_up_by_id: uuid.UUID | None = None
    minutes: int | None = None


# --- what the form offers ------------------------------------------------------------------


def settings_for(user: User) -> list[Setting]:
    """The settings the user may record contacts for, by name (the type-ahead's list)."""
    return list(
        db.session.scalars(
            select(Setting)
            .where(contact_setting_scope(user), Setting.is_active.is_(True))
            .order_by(Setting.name)
        )
    )


def setting_label(setting: Setting) -> str:
    return f"{setting.name} ({setting.urn})"


def child_label(pupil: Pupil) -> str:
    return f"{pupil.legal_forename} {pupil.legal_surname}, born {pupil.date_of_birth:%d/%m/%Y}"


def _register(user: User, setting_id: uuid.UUID) -> list[Pupil]:
    query = select(Pupil).where(Pupil.setting_id == setting_id, Pupil.left_date.is_(None))
    if not user.is_area_wide:
        query = query.where(unrestricted_pupil())
    return list(db.session.scalars(query.order_by(Pupil.legal_surname, Pupil.legal_forename)))


def register_names(user: User, setting_text: str) -> tuple[Setting | None, list[str]]:
    """The children on the register of the setting typed (for the child type-ahead): names
    and dates of birth only. One audit event when any are listed."""
    try:
        setting = find_setting(user, setting_text)
    except DomainError:
        return None, []
    names = [child_label(p) for p in _register(user, setting.id)]
    if names:
        audit.record(
            user,
            AuditAction.VIEW,
            "setting_register_names",
            setting.id,
            summary=f"Listed {len(names)} children of {setting.name} for a contact",
        )
    return setting, names


def advisers() -> list[User]:
    """Everyone who may record contacts (who a follow-up can be given to)."""
    roles = [r for r in Role if role_has(r, Permission.RECORD_CONTACTS)]
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                User.id.in_(select(RoleMembership.user_id).where(RoleMembership.role.in_(roles))),
            )
            .order_by(User.name)
        )
    )


# --- reading what was typed ----------------------------------------------------------------


def find_setting(user: User, text: str) -> Setting:
    """The one setting in the user's contact scope that `text` names: its URN, the list's
    "Name (URN)", its whole name, or a part of its name no other setting shares."""
    typed = (text or "").strip()
    if not typed:
        raise DomainError("Enter the setting's name or URN", field="setting")
    scoped = select(Setting).where(contact_setting_scope(user))
    match = _URN_AT_END.search(typed)
    urn = match.group(1) if match else typed if typed.isdigit() and len(typed) == 6 else None
    if urn is not None:
        found = db.session.scalar(scoped.where(Setting.urn == urn))
        if found is None:
            raise DomainError(f"No setting you support has the URN {urn}", field="setting")
        return found
    exact = list(db.session.scalars(scoped.where(func.lower(Setting.name) == typed.lower())))
    if len(exact) == 1:
        return exact[0]
    pattern = "%" + typed.lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    partial = list(
        db.session.scalars(
            scoped.where(func.lower(Setting.name).like(pattern + "%", escape="\\")).limit(6)
        )
    )
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise DomainError(
            f"No setting you support is called '{typed}': check the name or enter its URN",
            field="setting",
        )
    raise DomainError(
        f"More than one setting matches '{typed}': enter more of the name, or the URN",
        field="setting",
    )


def _find_child(user: User, setting: Setting, text: str) -> Pupil:
    typed = " ".join(text.split())
    register = _register(user, setting.id)
    label = _CHILD_LABEL.match(typed)
    if label:
        try:
            born = date(int(label["y"]), int(label["m"]), int(label["d"]))
        except ValueError:
            born = None
        name = label["name"].lower()
        found = [
            p
            for p in register
            if f"{p.legal_forename} {p.legal_surname}".lower() == name and p.date_of_birth == born
        ]
    else:
        upn = typed.upper()
        found = [p for p in register if p.upn and p.upn == upn]
        if not found:
            found = [
                p
                for p in register
                if typed.lower()
                in {
                    f"{p.legal_forename} {p.legal_surname}".lower(),
                    f"{p.display_forename} {p.display_surname}".lower(),
                }
            ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise DomainError(
            f"No child called '{typed}' is on {setting.name}'s register: check the name, or "
            "enter them as a child not on the register",
            field="child",
        )
    raise DomainError(
        f"More than one child on {setting.name}'s register is called '{typed}': choose "
        "them from the list, which shows the date of birth",
        field="child",
    )


def _new_child(actor: User, details: ContactDetails, setting: Setting) -> Pupil | None:
    forename = details.new_forename.strip()
    surname = details.new_surname.strip()
    born = details.new_date_of_birth
    if not (forename or surname or born):
        return None
    if not forename:
        raise DomainError("Enter the child's first name", field="new_forename")
    if not surname:
        raise DomainError("Enter the child's last name", field="new_surname")
    if born is None:
        raise DomainError("Enter the child's date of birth", field="new_date_of_birth")
    try:
        pupils.check_date_of_birth(born)
    except DomainError as exc:
        raise DomainError(exc.message, field="new_date_of_birth") from None
    match = db.session.scalar(
        select(Pupil).where(
            func.lower(Pupil.legal_surname) == surname.lower(),
            func.lower(Pupil.legal_forename) == forename.lower(),
            Pupil.date_of_birth == born,
            Pupil.setting_id == setting.id,
            unrestricted_pupil(),
        )
    )
    if match is not None:
        return match
    return pupils.create_pupil(
        actor,
        pupils.PupilDetails(
            legal_surname=surname,
            legal_forename=forename,
            date_of_birth=born,
            sex=Sex.UNKNOWN,
            setting_id=setting.id,
        ),
        sen_status=SenStatus.NONE,
    )


def _read(actor: User, details: ContactDetails) -> tuple[Setting, Pupil | None]:
    """Check everything typed; the setting and the child (a new one is made only once
    everything else is right, so a refused form leaves no record behind)."""
    setting = find_setting(actor, details.setting)
    if details.contact_date is None:
        raise DomainError("Enter the date of the contact", field="contact_date")
    if details.contact_date > date.today():
        raise DomainError("The date of the contact must be today or in the past", "contact_date")
    if details.channel is None:
        raise DomainError("Choose how the contact was made", field="channel")
    if not details.question.strip():
        raise DomainError("Enter what the setting asked about", field="question")
    if details.minutes is not None and not 0 <= details.minutes <= 1440:
        raise DomainError("Time spent must be between 0 and 1440 minutes", field="minutes")
    if details.follow_up_by_id is not None and details.follow_up_due is None:
        raise DomainError("Enter the date the follow-up is due", field="follow_up_due")
    if details.follow_up_by_id is not None and details.follow_up_by_id not in {
        u.id for u in advisers()
    }:
        raise DomainError("Choose who will follow up from the list", field="follow_up_by_id")
    child_text = details.child.strip()
    new_given = bool(
        details.new_forename.strip() or details.new_surname.strip() or details.new_date_of_birth
    )
    if child_text and new_given:
        raise DomainError(
            "Choose a child on the register or enter a child not on it, not both", "child"
        )
    child = _find_child(actor, setting, child_text) if child_text else None
    if child is None and new_given:
        child = _new_child(actor, details, setting)
    return setting, child


def _apply(actor: User, contact: Contact, details: ContactDetails) -> None:
    setting, child = _read(actor, details)
    contact.setting_id = setting.id
    contact.pupil_id = child.id if child else None
    assert details.contact_date is not None and details.channel is not None  # _read checked
    contact.contact_date = details.contact_date
    contact.channel = details.channel
    contact.need = details.need
    contact.question = details.question.strip()
    contact.advice = details.advice.strip() or None
    contact.follow_up_due = details.follow_up_due
    contact.follow_up_by_id = (
        (details.follow_up_by_id or actor.id) if details.follow_up_due else None
    )
    if contact.follow_up_due is None:
        contact.follow_up_done_on = None
    contact.minutes = details.minutes


def record_contact(actor: User, details: ContactDetails) -> Contact:
    contact = Contact(recorded_by_id=actor.id)
    _apply(actor, contact, details)
    db.session.add(contact)
    db.session.flush()
    audit.record_creation(
        actor, "contact", contact, AUDIT_FIELDS, pupil_id=contact.pupil_id, summary="Contact"
    )
    return contact


def may_edit(user: User, contact: Contact) -> bool:
    return user.is_area_wide or contact.recorded_by_id == user.id


def editable(user: User, contact_id: uuid.UUID) -> Contact:
    """The contact, for its recorder and area-wide staff; out of scope is a 404 and in scope
    but someone else's a refusal the page shows."""
    contact = get_contact(user, contact_id)
    if not may_edit(user, contact):
        raise DomainError("Only the person who recorded a contact, or an LA officer, can change it")
    return contact


def update_contact(
    actor: User, contact: Contact, details: ContactDetails, *, version: int | None
) -> Contact:
    versions.check(contact, version)
    if not may_edit(actor, contact):
        raise DomainError("Only the person who recorded a contact, or an LA officer, can change it")
    before = audit.snapshot(contact, AUDIT_FIELDS)
    old_child = contact.pupil_id
    _apply(actor, contact, details)
    versions.save(contact)
    changes = audit.diff(before, audit.snapshot(contact, AUDIT_FIELDS))
    if changes:
        audit.record(
            actor,
            AuditAction.UPDATE,
            "contact",
            contact.id,
            pupil_id=contact.pupil_id or old_child,
            changes=changes,
        )
    return contact


def complete_follow_up(
    actor: User, contact: Contact, *, version: int | None, on: date | None = None
) -> Contact:
    """The follow-up is done: by whoever it was given to, its recorder, or an officer."""
    versions.check(contact, version)
    if contact.follow_up_due is None or contact.follow_up_done_on is not None:
        raise DomainError("This contact has no follow-up waiting")
    if not (may_edit(actor, contact) or contact.follow_up_by_id == actor.id):
        raise DomainError("Only the person following up, or an LA officer, can complete it")
    contact.follow_up_done_on = on or date.today()
    versions.save(contact)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "contact",
        contact.id,
        pupil_id=contact.pupil_id,
        summary="Follow-up done",
        changes={"follow_up_done_on": [None, contact.follow_up_done_on]},
    )
    return contact


def open_contact(user: User, contact_id: uuid.UUID) -> Contact:
    """The contact's page: one view event, naming the child when there is one."""
    contact = get_contact(user, contact_id)
    audit.record(
        user,
        AuditAction.VIEW,
        "contact",
        contact.id,
        pupil_id=contact.pupil_id,
        summary=f"Viewed a contact with {contact.setting.name}",
    )
    return contact
