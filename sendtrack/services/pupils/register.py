"""The SEN support register: a setting's children at K and E, searched, filtered, sorted and
paged in a fixed number of queries, and exported as CSV or XLSX.

Queries per page, whatever the number of children: one for the counts at the top, one for
the number of matching rows, one for the page of rows (open cycle and its yearly cost come
in the same statement) and one (selectin) for the page's ranked needs."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    AuditAction,
    CycleStatus,
    NeedCode,
    Provision,
    Pupil,
    PupilNeed,
    SenStatus,
    Setting,
    User,
)
from sendtrack.school_year import reception_cohort, school_year_start, year_group, year_group_label
from sendtrack.services import audit, spreadsheets
from sendtrack.services.scoping import own_setting_scope, pupil_scope

PAGE_SIZE = 50
DUE_SOON_DAYS = 14
MARKING = "OFFICIAL-SENSITIVE"
SORTS = {
    "name": "Name (A to Z)",
    "year": "Year group (youngest first)",
    "review": "Review date (soonest first)",
    "status": "SEN status",
    "cost": "Yearly cost (highest first)",
}
REVIEW_FILTERS = {"due": "Review due in the next 14 days", "overdue": "Review overdue"}
ON_REGISTER = (SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN)


@dataclass
class RegisterFilter:
    setting_id: uuid.UUID
    query: str = ""
    need: NeedCode | None = None
    year_group: int | None = None
    status: SenStatus | None = None
    review: str | None = None
    sort: str = "name"
    page: int = 1


@dataclass
class RegisterRow:
    pupil: Pupil
    year_group: int
    cycle_id: uuid.UUID | None
    review_date: date | None
    yearly_cost: Decimal

    @property
    def year_label(self) -> str:
        return year_group_label(self.year_group)

    def review_state(self, today: date) -> str:
        if self.review_date is None:
            return ""
        if self.review_date < today:
            return "overdue"
        if self.review_date <= today + timedelta(days=DUE_SOON_DAYS):
            return "due"
        return ""


@dataclass
class RegisterPage:
    setting: Setting
    rows: list[RegisterRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)


def choosable_settings(user: User) -> list[Setting]:
    """Settings whose register `user` may open: their own, or any for area-wide staff."""
    query = select(Setting).where(own_setting_scope(user)).order_by(Setting.name)
    return list(db.session.scalars(query))


def status_counts(user: User) -> dict[Any, int]:
    """Children on roll at the user's own settings, by SEN status (a SENCO's home page)."""
    return dict(
        db.session.execute(
            select(Pupil.sen_status, func.count())
            .where(pupil_scope(user), Pupil.setting_id.in_(user.setting_ids))
            .where(Pupil.left_date.is_(None))
            .group_by(Pupil.sen_status)
        ).all()
    )


def _open_cycle() -> Any:
    # At most one open cycle per child (unique partial index), so this join never
    # multiplies rows.
    return ApdrCycle.__table__.alias("open_cycle")


def _base(
    user: User, f: RegisterFilter, today: date, *, join_cycle: bool = True
) -> tuple[Select[Any], Any]:
    """The matching children; `join_cycle=False` leaves out the open cycle, for a count or
    an order that does not need it (never with a review filter, which does)."""
    assert join_cycle or f.review is None
    cycle = _open_cycle()
    query = select(Pupil)
    if join_cycle:
        query = query.outerjoin(
            cycle, and_(cycle.c.pupil_id == Pupil.id, cycle.c.status == CycleStatus.OPEN)
        )
    query = query.where(
        Pupil.setting_id == f.setting_id, pupil_scope(user), Pupil.left_date.is_(None)
    )
    if f.status is not None:
        query = query.where(Pupil.sen_status == f.status)
    else:
        query = query.where(Pupil.sen_status.in_(ON_REGISTER))
    if f.query:
        query = query.where(_search(f.query))
    if f.need is not None:
        query = query.where(
            select(PupilNeed.id)
            .where(PupilNeed.pupil_id == Pupil.id, PupilNeed.code == f.need)
            .exists()
        )
    if f.year_group is not None:
        query = query.where(year_group_clause(f.year_group, today))
    if f.review == "due":
        query = query.where(
            cycle.c.review_date >= today,
            cycle.c.review_date <= today + timedelta(days=DUE_SOON_DAYS),
        )
    elif f.review == "overdue":
        query = query.where(cycle.c.review_date < today)
    return query, cycle


def _search(text: str) -> ColumnElement[bool]:
    """Name (legal or preferred, any part, any case) or UPN (any case, spaces ignored)."""
    squashed = "".join(text.split()).upper()
    clauses: list[ColumnElement[bool]] = []
    if squashed:
        clauses.append(Pupil.upn.startswith(squashed, autoescape=True))
    words = [w.lower() for w in text.split() if w]
    name_columns = (
        Pupil.legal_forename,
        Pupil.legal_surname,
        Pupil.preferred_forename,
        Pupil.preferred_surname,
    )
    if words:
        clauses.append(
            and_(
                *(
                    or_(*(func.lower(c).contains(w, autoescape=True) for c in name_columns))
                    for w in words
                )
            )
        )
    return or_(*clauses)


def year_group_clause(group: int, today: date) -> ColumnElement[bool]:
    """Children in `group` today: by override when set, otherwise by date of birth."""
    start, end = reception_cohort(school_year_start(today) - group)
    return or_(
        Pupil.year_group_override == group,
        and_(Pupil.year_group_override.is_(None), Pupil.date_of_birth.between(start, end)),
    )


def _cost_column(cycle: Any) -> Any:
    return (
        select(func.coalesce(func.sum(Provision.annual_cost), 0))
        .where(Provision.cycle_id == cycle.c.id)
        .scalar_subquery()
    )


def _ordered(query: Select[Any], cycle: Any, sort: str) -> Select[Any]:
    name = (func.lower(Pupil.legal_surname), func.lower(Pupil.legal_forename), Pupil.id)
    if sort == "year":
        return query.order_by(Pupil.date_of_birth.desc(), *name)
    if sort == "review":
        return query.order_by(cycle.c.review_date.is_(None), cycle.c.review_date, *name)
    if sort == "status":
        return query.order_by(Pupil.sen_status, *name)
    if sort == "cost":
        return query.order_by(_cost_column(cycle).desc(), *name)
    return query.order_by(*name)


def _counts(user: User, setting_id: uuid.UUID, today: date) -> dict[str, int]:
    cycle = _open_cycle()
    soon = today + timedelta(days=DUE_SOON_DAYS)

    def count_if(cond: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            count_if(Pupil.sen_status == SenStatus.SEN_SUPPORT),
            count_if(Pupil.sen_status == SenStatus.EHC_PLAN),
            count_if(and_(cycle.c.review_date >= today, cycle.c.review_date <= soon)),
            count_if(cycle.c.review_date < today),
            # pupil_id, not id: the open-cycle index (pupil_id, review_date) covers the count.
            count_if(cycle.c.pupil_id.is_(None)),
        )
        .select_from(Pupil)
        .outerjoin(cycle, and_(cycle.c.pupil_id == Pupil.id, cycle.c.status == CycleStatus.OPEN))
        .where(
            Pupil.setting_id == setting_id,
            pupil_scope(user),
            Pupil.left_date.is_(None),
            Pupil.sen_status.in_(ON_REGISTER),
        )
    ).one()
    k, e, due, overdue, no_plan = (int(v) for v in row)
    return {"K": k, "E": e, "all": k + e, "due": due, "overdue": overdue, "no_plan": no_plan}


def _rows(query: Select[Any], cycle: Any, today: date) -> list[RegisterRow]:
    result = db.session.execute(
        query.add_columns(cycle.c.id, cycle.c.review_date, _cost_column(cycle))
    )
    rows = []
    for pupil, cycle_id, review_date, cost in result:
        rows.append(
            RegisterRow(
                pupil=pupil,
                year_group=year_group(pupil.date_of_birth, today, pupil.year_group_override),
                cycle_id=cycle_id if cycle_id is not None else None,
                review_date=review_date,
                yearly_cost=Decimal(cost or 0).quantize(Decimal("0.01")),
            )
        )
    return rows


def register_page(
    user: User, setting: Setting, f: RegisterFilter, today: date | None = None
) -> RegisterPage:
    """One page of the register, audited as one view event naming the filter."""
    today = today or date.today()
    # The open cycle never multiplies rows, so the count and the choice of the page's
    # children only join it when a filter or the order needs it: they then read indexes
    # (ix_pupil_register, ix_pupil_setting_name) rather than every child's record.
    counted, _ = _base(user, f, today, join_cycle=f.review is not None)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, f.page), pages)
    chosen, chosen_cycle = _base(
        user, f, today, join_cycle=f.review is not None or f.sort in ("review", "cost")
    )
    page_ids = (
        _ordered(chosen.with_only_columns(Pupil.id), chosen_cycle, f.sort)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .subquery()
    )
    # Then only the page's children are read, with their open cycle and its cost (the
    # filters and scope were applied in choosing them).
    cycle = _open_cycle()
    query = (
        select(Pupil)
        .join(page_ids, page_ids.c.id == Pupil.id)
        .outerjoin(cycle, and_(cycle.c.pupil_id == Pupil.id, cycle.c.status == CycleStatus.OPEN))
    )
    rows = _rows(_ordered(query, cycle, f.sort), cycle, today)
    audit.record(
        user,
        AuditAction.VIEW,
        "register",
        setting.id,
        summary=f"SEN support register of {setting.name}: {describe(f)} ({total} found)",
    )
    return RegisterPage(setting, rows, total, page, pages, _counts(user, setting.id, today))


def describe(f: RegisterFilter) -> str:
    parts = [
        f"search={f.query!r}" if f.query else "",
        f"need={f.need.value}" if f.need else "",
        f"year={f.year_group}" if f.year_group is not None else "",
        f"status={f.status.value}" if f.status else "",
        f"review={f.review}" if f.review else "",
        f"sort={f.sort}",
    ]
    return " ".join(p for p in parts if p)


# --- export ---------------------------------------------------------------------------

EXPORT_HEADINGS = [
    "UPN",
    "Legal surname",
    "Legal forename",
    "Preferred name",
    "Date of birth",
    "Year group",
    "Sex",
    "SEN status",
    "Status since",
    "Primary need",
    "Secondary need",
    "Other needs",
    "Looked after",
    "Review date",
    "Yearly cost of provision",
]


def export_rows(
    user: User, setting: Setting, f: RegisterFilter, fmt: str, today: date | None = None
) -> list[list[Any]]:
    today = today or date.today()
    query, cycle = _base(user, f, today)
    rows = _rows(_ordered(query, cycle, f.sort), cycle, today)
    audit.record(
        user,
        AuditAction.EXPORT,
        "register",
        setting.id,
        summary=f"Register of {setting.name} exported as {fmt}: {describe(f)} "
        f"({len(rows)} children)",
    )
    out = []
    for r in rows:
        p = r.pupil
        codes = [n.code.value for n in p.needs]
        preferred = " ".join(x for x in (p.preferred_forename, p.preferred_surname) if x)
        out.append(
            [
                p.upn or "",
                p.legal_surname,
                p.legal_forename,
                preferred,
                p.date_of_birth.isoformat(),
                r.year_label,
                p.sex.label,
                p.sen_status.value,
                p.sen_status_since.isoformat() if p.sen_status_since else "",
                codes[0] if codes else "",
                codes[1] if len(codes) > 1 else "",
                " ".join(codes[2:]),
                "Yes" if p.looked_after else "No",
                r.review_date.isoformat() if r.review_date else "",
                f"{r.yearly_cost:.2f}",
            ]
        )
    return out


def to_csv(setting: Setting, rows: list[list[Any]]) -> str:
    heading = [MARKING, f"SEN support register: {setting.name} ({setting.urn})"]
    return spreadsheets.csv_text([heading, EXPORT_HEADINGS, *rows], lineterminator="\n")


def to_xlsx(setting: Setting, rows: list[list[Any]]) -> bytes:
    # Imported here: openpyxl takes a while to load and only this export needs it.
    from openpyxl.styles import Font

    book = spreadsheets.new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Register"
    sheet.append([MARKING, f"SEN support register: {setting.name} ({setting.urn})"])
    sheet.append(EXPORT_HEADINGS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([*row[:-1], float(row[-1])])
    sheet.freeze_panes = "A3"
    return spreadsheets.workbook_bytes(book)
