"""Where contacts show: a setting's contacts over time, the contacts about a child (their
record, timeline, referrals and EHCNA requests), and the follow-up queues. Every list is
read through contact_scope, so a restricted child's contacts are hidden like the rest of
their record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from sendtrack.extensions import db
from sendtrack.models import AuditAction, Contact, Setting, User
from sendtrack.role_permissions import Permission, user_has
from sendtrack.services import audit
from sendtrack.services.scoping import contact_scope, contact_setting_scope, get_contact_setting

# A setting's page shows its newest contacts; older ones are in the export and figures.
SETTING_PAGE_LIMIT = 200


def _audit_list(user: User, rows: list[Contact], page: str) -> None:
    """One view event for a list that names children (none when it names no one)."""
    named = sum(1 for c in rows if c.pupil_id is not None)
    if named:
        audit.record(
            user,
            AuditAction.VIEW,
            "contact_list",
            summary=f"Viewed {page}: {len(rows)} contacts, {named} about a named child",
        )


def _listed(query: object) -> list[Contact]:
    return list(
        db.session.scalars(
            query.options(  # type: ignore[attr-defined]
                joinedload(Contact.pupil), joinedload(Contact.recorded_by)
            ).order_by(Contact.contact_date.desc(), Contact.created_at.desc())
        )
    )


@dataclass(frozen=True)
class SettingContacts:
    setting: Setting
    contacts: list[Contact]
    total: int
    minutes: int
    by_year: list[tuple[str, int]]


def for_setting(user: User, setting_id: uuid.UUID) -> SettingContacts:
    """A setting's contacts, newest first, with counts by school year; one audit event."""
    setting = get_contact_setting(user, setting_id)
    every = list(
        db.session.execute(
            select(Contact.contact_date, Contact.minutes).where(
                Contact.setting_id == setting.id, contact_scope(user)
            )
        ).all()
    )
    years: dict[str, int] = {}
    for on, _ in every:
        start = on.year if on.month >= 9 else on.year - 1
        label = f"{start}-{str(start + 1)[2:]}"
        years[label] = years.get(label, 0) + 1
    contacts = _listed(
        select(Contact)
        .where(Contact.setting_id == setting.id, contact_scope(user))
        .limit(SETTING_PAGE_LIMIT)
    )
    audit.record(
        user,
        AuditAction.VIEW,
        "setting_contacts",
        setting.id,
        summary=f"Viewed {len(contacts)} contacts with {setting.name}",
    )
    return SettingContacts(
        setting,
        contacts,
        len(every),
        sum(m or 0 for _, m in every),
        sorted(years.items(), reverse=True),
    )


def about_child(user: User, pupil_id: uuid.UUID, before: date | None = None) -> list[Contact]:
    """Contacts about a child the caller has already fetched through scoping, for those who
    may read contacts; `before` keeps those dated on or before it (a referral's or a
    request's earlier contacts)."""
    if not user_has(user, Permission.VIEW_CONTACTS):
        return []
    query = select(Contact).where(Contact.pupil_id == pupil_id, contact_scope(user))
    if before is not None:
        query = query.where(Contact.contact_date <= before)
    return _listed(query)


@dataclass(frozen=True)
class FollowUps:
    overdue: list[Contact]
    due: list[Contact]


def follow_ups(user: User, *, everyone: bool = False, shown: bool = True) -> FollowUps:
    """Follow-ups not yet done: the user's own, or (officers, `everyone`) the whole
    service's. Overdue first, then by due date. `shown`: the list is drawn (one audit
    event); the home card and the contacts home page only count it."""
    query = select(Contact).where(
        Contact.follow_up_due.is_not(None),
        Contact.follow_up_done_on.is_(None),
        contact_scope(user),
    )
    if not (everyone and user.is_area_wide):
        query = query.where(Contact.follow_up_by_id == user.id)
    rows = list(
        db.session.scalars(
            query.options(joinedload(Contact.pupil), joinedload(Contact.follow_up_by)).order_by(
                Contact.follow_up_due, Contact.contact_date
            )
        )
    )
    if shown:
        _audit_list(user, rows, "everyone's follow-ups" if everyone else "follow-ups")
    today = date.today()
    return FollowUps(
        [c for c in rows if c.follow_up_due and c.follow_up_due < today],
        [c for c in rows if c.follow_up_due and c.follow_up_due >= today],
    )


def recent(user: User, limit: int = 20) -> list[Contact]:
    """The contacts the user recorded most recently (the contacts home page)."""
    rows = _listed(
        select(Contact).where(Contact.recorded_by_id == user.id, contact_scope(user)).limit(limit)
    )
    _audit_list(user, rows, "recent contacts")
    return rows


def own_settings(user: User) -> list[Setting]:
    """The settings whose contacts a SENCO or lead reads from the contacts home page (their
    own, their clusters'); the area-wide find a setting from the figures instead."""
    if user.is_area_wide:
        return []
    return list(
        db.session.scalars(
            select(Setting).where(contact_setting_scope(user)).order_by(Setting.name)
        )
    )
