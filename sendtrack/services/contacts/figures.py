"""Who the support reaches: contacts in a period by channel, need, cluster, setting and
month; the settings with no contact at all (the schools the support never reaches); the
children contacted more than once; and the children whose contact was followed by a cluster
referral or an EHCNA request within N months.

Each figure with a list behind it is counted from the very query that lists it
(`select count(*) from (<the list's query>)`), so a figure and its drill-down cannot
disagree. The figures cover the settings in the user's contact scope (a lead's clusters,
or the whole area); the lists of children are for LA officers and administrators only
(DRILL_DOWN_STATISTICS), as the requests-avoided lists are, and include restricted children
as the figures do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, String, cast, exists, func, or_, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    Cluster,
    Contact,
    EhcnaRequest,
    Pupil,
    Referral,
    ReferralStatus,
    Setting,
    User,
)
from sendtrack.school_year import financial_year_bounds, financial_year_of
from sendtrack.services import audit
from sendtrack.services.scoping import contact_setting_scope

DEFAULT_MONTHS = 6
MAX_MONTHS = 24


@dataclass(frozen=True)
class Period:
    year: str  # a financial year, "2026-27"
    start: date
    end: date
    months: int


def choose(year: str | None, months: str | None, today: date | None = None) -> Period:
    """The financial year asked for (this one by default, or when the text is not one of
    the last five) and the follow-up window in months (1 to 24, 6 by default)."""
    today = today or date.today()
    offered = year_choices(today)
    chosen = year if year in offered else offered[0]
    start, end = financial_year_bounds(chosen)
    text = (months or "").strip()
    window = int(text) if text.isascii() and text.isdigit() and len(text) <= 2 else DEFAULT_MONTHS
    return Period(chosen, start, end, min(max(window, 1), MAX_MONTHS))


def year_choices(today: date) -> list[str]:
    this = int(financial_year_of(today)[:4])
    return [f"{y}-{str(y + 1)[2:]}" for y in range(this, this - 5, -1)]


def _in_period(user: User, period: Period) -> list[Any]:
    return [
        Contact.contact_date >= period.start,
        Contact.contact_date <= period.end,
        Contact.setting_id.in_(select(Setting.id).where(contact_setting_scope(user))),
    ]


def _months_after(column: Any, months: int) -> Any:
    """The date `months` calendar months after the contact (SQLite and PostgreSQL)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"+{months} months")
    return cast(column + func.make_interval(0, months), Date)


# --- the lists, and the figures counted from them ---------------------------------------


def settings_without_contact(user: User, period: Period) -> Select[Setting]:
    """Open settings in scope with no contact dated in the period, by name."""
    return (
        select(Setting)
        .where(
            contact_setting_scope(user),
            Setting.is_active.is_(True),
            ~exists().where(
                Contact.setting_id == Setting.id,
                Contact.contact_date >= period.start,
                Contact.contact_date <= period.end,
            ),
        )
        .order_by(Setting.name, Setting.urn)
    )


def followed_children(user: User, period: Period) -> Select[Pupil, date]:
    """Children named in a contact in the period that was followed, on or after its date
    and within the window, by a cluster referral (beyond draft) or an EHCNA request: each
    child once, with their first such contact's date."""
    until = _months_after(Contact.contact_date, period.months)
    referral = exists().where(
        Referral.pupil_id == Contact.pupil_id,
        Referral.status != ReferralStatus.DRAFT,
        Referral.submitted_date >= Contact.contact_date,
        Referral.submitted_date <= until,
    )
    request = exists().where(
        EhcnaRequest.pupil_id == Contact.pupil_id,
        EhcnaRequest.received_date >= Contact.contact_date,
        EhcnaRequest.received_date <= until,
    )
    return (
        select(Pupil, func.min(Contact.contact_date).label("first_contact"))
        .join(Contact, Contact.pupil_id == Pupil.id)
        .where(*_in_period(user, period), or_(referral, request))
        .group_by(Pupil.id)
        .order_by(Pupil.legal_surname, Pupil.legal_forename, Pupil.id)
    )


def repeat_children(user: User, period: Period) -> Select[Pupil, int]:
    """Children named in two or more contacts in the period, with how many."""
    return (
        select(Pupil, func.count(Contact.id).label("contacts"))
        .join(Contact, Contact.pupil_id == Pupil.id)
        .where(*_in_period(user, period))
        .group_by(Pupil.id)
        .having(func.count(Contact.id) >= 2)
        .order_by(Pupil.legal_surname, Pupil.legal_forename, Pupil.id)
    )


def _count(query: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


# --- the figures page -----------------------------------------------------------------


@dataclass
class Figures:
    period: Period
    total: int = 0
    settings: int = 0
    children: int = 0
    minutes: int = 0
    no_contact: int = 0
    repeat_children: int = 0
    followed: int = 0
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_need: list[tuple[str, int]] = field(default_factory=list)
    by_cluster: list[tuple[str, int]] = field(default_factory=list)
    by_setting: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)


def _grouped(user: User, period: Period, key: Any, *joins: Any) -> list[tuple[Any, int]]:
    query = select(key, func.count(Contact.id)).select_from(Contact)
    for target, on in joins:
        query = query.outerjoin(target, on)
    rows: Sequence[Any] = db.session.execute(
        query.where(*_in_period(user, period)).group_by(key).order_by(func.count(Contact.id).desc())
    ).all()
    return [(k, n) for k, n in rows]


def figures(user: User, period: Period) -> Figures:
    where = _in_period(user, period)
    total, settings, children, minutes = db.session.execute(
        select(
            func.count(Contact.id),
            func.count(func.distinct(Contact.setting_id)),
            func.count(func.distinct(Contact.pupil_id)),
            func.coalesce(func.sum(Contact.minutes), 0),
        ).where(*where)
    ).one()
    found = Figures(period, total, settings, children, int(minutes or 0))
    found.no_contact = _count(settings_without_contact(user, period))
    found.repeat_children = _count(repeat_children(user, period))
    found.followed = _count(followed_children(user, period))
    found.by_channel = [(c.label, n) for c, n in _grouped(user, period, Contact.channel)]
    found.by_need = [
        (f"{c.label} ({c.value})" if c else "Not recorded", n)
        for c, n in _grouped(user, period, Contact.need)
    ]
    found.by_cluster = [
        (name or "No cluster", n)
        for name, n in _grouped(
            user,
            period,
            Cluster.name,
            (Setting, Setting.id == Contact.setting_id),
            (Cluster, Cluster.id == Setting.cluster_id),
        )
    ]
    found.by_setting = [
        (name, n)
        for name, n in _grouped(
            user, period, Setting.name, (Setting, Setting.id == Contact.setting_id)
        )
    ]
    month = func.substr(cast(Contact.contact_date, String), 1, 7)
    found.by_month = sorted(_grouped(user, period, month))
    return found


# --- the drill-downs ------------------------------------------------------------------


def no_contact_list(user: User, period: Period) -> list[Setting]:
    return list(db.session.scalars(settings_without_contact(user, period)))


@dataclass(frozen=True)
class ChildRow:
    pupil: Pupil
    value: Any


def children_list(user: User, period: Period, which: str) -> list[ChildRow]:
    """The children behind `followed` or `repeat`; one audit event naming the figure."""
    query = (
        followed_children(user, period) if which == "followed" else repeat_children(user, period)
    )
    rows = [ChildRow(p, v) for p, v in db.session.execute(query).all()]
    audit.record(
        user,
        AuditAction.VIEW,
        "contacts_figure_children",
        summary=f"Children behind contacts.{which}, {period.year}, window {period.months} "
        f"months: {len(rows)}",
    )
    return rows
