"""Reception Transition Funding: applications, decisions, links to the school record and the
follow-up after the child has settled.

An early-years setting (Southwark) or the receiving school (Kirklees) applies for a child due
to start Reception; an LA officer decides within the year's RTF budget and the LA's bands;
once the child is on the school's roll the award follows their record, and at the review
point the school says how the child settled and whether an EHC needs assessment was requested.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from sendtrack import settings
from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    NeedCode,
    Phase,
    Pupil,
    RtfApplication,
    RtfBand,
    RtfDecision,
    RtfStatus,
    Setting,
    Sex,
    User,
    WouldRequestEhcna,
)
from sendtrack.school_year import financial_year_of, reception_cohort, school_year_start
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError
from sendtrack.services.pupils import records as pupils
from sendtrack.services.rtf import budgets as rtf_budget
from sendtrack.services.rtf import links as rtf_links
from sendtrack.services.scoping import application_scope as application_scope
from sendtrack.services.scoping import get_application as get_application
from sendtrack.services.scoping import own_setting_scope, pupil_scope, works_at
from sendtrack.wording import money

# Reception is taught in primary, all-through and special schools.
RECEPTION_PHASES = frozenset({Phase.PRIMARY, Phase.ALL_THROUGH, Phase.SPECIAL})

AUDIT_FIELDS = [
    "reference",
    "pupil_id",
    "early_years_setting_id",
    "receiving_setting_id",
    "applied_by_setting_id",
    "reception_year",
    "status",
    "application_date",
    "cohort_override_reason",
    "needs_summary",
    "support_in_place",
    "ey_inclusion_funding",
    "use_of_funding",
    "would_request_ehcna",
    "parental_consent",
    "amount_requested",
    "band_id",
    "decision",
    "decision_date",
    "amount_awarded",
    "decision_reason",
    "decided_by_id",
    "linked_at",
    "follow_up_due",
    "follow_up_recorded_on",
    "how_settled",
    "provision_in_place",
    "ehcna_requested",
]


def september_label(year: int) -> str:
    return f"September {year}"


def reception_years(today: date | None = None) -> list[int]:
    """Septembers an application may name: this school year's and the next two."""
    first = school_year_start(today or date.today())
    return [first, first + 1, first + 2]


def review_point(reception_year: int) -> date:
    """When the school reports back: by default the end of the autumn term the child starts.

    Configured as month-day (RTF_REVIEW_POINT, "12-20"); a month before September falls in
    the following calendar year (the spring or summer term of Reception)."""
    text = str(settings.config().get("RTF_REVIEW_POINT", "12-20"))
    month, day = (int(p) for p in text.split("-"))
    year = reception_year if month >= 9 else reception_year + 1
    return date(year, month, day)


# --- who may see what -------------------------------------------------------------------


def active_settings(phases: set[Phase] | frozenset[Phase]) -> list[Setting]:
    """Open settings of these phases, for the application form's choices."""
    return list(
        db.session.scalars(
            select(Setting)
            .where(Setting.phase.in_(phases), Setting.is_active.is_(True))
            .order_by(Setting.name)
        )
    )


def _visible(user: User, *columns: Any) -> Select[Any]:
    """The settings a user's RTF lists can be filtered by: their own, or all for officers."""
    return select(*columns).where(own_setting_scope(user)).order_by(Setting.name)


def visible_settings(user: User) -> list[Setting]:
    return list(db.session.scalars(_visible(user, Setting)))


def visible_setting_names(user: User) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the visible settings: columns only, as 600 Setting objects for an
    officer's filter cost several ms."""
    return [
        (row.id, row.name) for row in db.session.execute(_visible(user, Setting.id, Setting.name))
    ]


def reception_years_shown(user: User) -> list[int]:
    """The Septembers the user's visible applications are for, newest first."""
    years = db.session.scalars(
        select(RtfApplication.reception_year).where(application_scope(user)).distinct()
    )
    return sorted(set(years), reverse=True)


def open_application(user: User, application_id: uuid.UUID, viewing: str | None) -> RtfApplication:
    """An application for one of its pages (404 out of scope); `viewing` names the page,
    audited as a view of the child (None on a post, which is audited as what it changes)."""
    application = get_application(user, application_id)
    if viewing:
        audit.record(
            user,
            AuditAction.VIEW,
            "rtf_application",
            application.id,
            pupil_id=application.pupil_id,
            summary=f"Viewed {viewing} of application {application.reference}",
        )
    return application


@dataclass
class SchoolTotal:
    school: str
    applications: int
    requested: Decimal
    awarded: Decimal


@dataclass
class ApplicationList:
    rows: list[RtfApplication]
    count: int
    requested: Decimal
    awarded: Decimal
    by_status: dict[str, int] = field(default_factory=dict)
    by_school: list[SchoolTotal] = field(default_factory=list)
    page: int = 1
    pages: int = 1


def _filters(
    user: User, status: str | None, setting_id: uuid.UUID | None, reception_year: int | None
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [application_scope(user)]
    if setting_id is not None:
        clauses.append(
            or_(
                RtfApplication.receiving_setting_id == setting_id,
                RtfApplication.early_years_setting_id == setting_id,
            )
        )
    if reception_year is not None:
        clauses.append(RtfApplication.reception_year == reception_year)
    if status in {d.value for d in RtfDecision}:
        clauses.append(RtfApplication.decision == RtfDecision(status))
    elif status == "awaiting":
        clauses.append(RtfApplication.status == RtfStatus.SUBMITTED)
    elif status == RtfStatus.WITHDRAWN.value:
        clauses.append(RtfApplication.status == RtfStatus.WITHDRAWN)
    return clauses


def list_applications(
    user: User,
    *,
    status: str | None = None,
    setting_id: uuid.UUID | None = None,
    reception_year: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> ApplicationList:
    """One page of the applications in the user's scope, filtered, with totals (by status
    and by receiving school) over every filtered row, counted by the database."""
    clauses = _filters(user, status, setting_id, reception_year)
    # One pass over the filtered rows, grouped finely (school, status, decision); the totals
    # by status and by receiving school are added up from those groups.
    groups = (
        select(
            RtfApplication.receiving_setting_id.label("setting_id"),
            RtfApplication.status.label("status"),
            RtfApplication.decision.label("decision"),
            func.count().label("n"),
            func.coalesce(func.sum(RtfApplication.amount_requested), 0).label("requested"),
            func.coalesce(func.sum(RtfApplication.amount_awarded), 0).label("awarded"),
        )
        .where(*clauses)
        .group_by(
            RtfApplication.receiving_setting_id, RtfApplication.status, RtfApplication.decision
        )
        .subquery()
    )
    by_status: dict[str, int] = {}
    schools: dict[str, SchoolTotal] = {}
    total_count, total_requested, total_awarded = 0, Decimal(0), Decimal(0)
    for name, app_status, decision, n, req, awd in db.session.execute(
        select(
            Setting.name,
            groups.c.status,
            groups.c.decision,
            groups.c.n,
            groups.c.requested,
            groups.c.awarded,
        )
        .select_from(groups)
        .outerjoin(Setting, Setting.id == groups.c.setting_id)
        .order_by(Setting.name)  # the database's collation orders the schools, as before
    ):
        req, awd = Decimal(req or 0), Decimal(awd or 0)
        label = _label(RtfStatus(app_status), RtfDecision(decision) if decision else None)
        by_status[label] = by_status.get(label, 0) + n
        total_count += n
        total_requested += req
        total_awarded += awd
        if name is not None:
            school = schools.setdefault(name, SchoolTotal(name, 0, Decimal(0), Decimal(0)))
            school.applications += n
            school.requested += req
            school.awarded += awd
    by_school = list(schools.values())
    pages = max(1, -(-total_count // page_size))
    page = min(max(page, 1), pages)
    rows = list(
        db.session.scalars(
            select(RtfApplication)
            .where(*clauses)
            # The page shows each row's child and settings: one query each, not one a row.
            .options(
                selectinload(RtfApplication.pupil),
                selectinload(RtfApplication.receiving_setting),
                selectinload(RtfApplication.early_years_setting),
            )
            .order_by(RtfApplication.application_date.desc(), RtfApplication.reference)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    return ApplicationList(
        rows=rows,
        count=total_count,
        requested=total_requested,
        awarded=total_awarded,
        by_status=by_status,
        by_school=by_school,
        page=page,
        pages=pages,
    )


def _label(status: RtfStatus, decision: RtfDecision | None) -> str:
    if decision is not None:
        return decision.label
    if status is RtfStatus.WITHDRAWN:
        return "Withdrawn"
    if status is RtfStatus.DRAFT:
        return "Draft"
    return "Awaiting decision"


def status_label(application: RtfApplication) -> str:
    return _label(application.status, application.decision)


def awaiting_decision(limit: int = 10) -> tuple[int, list[RtfApplication]]:
    where = RtfApplication.status == RtfStatus.SUBMITTED
    count = db.session.scalar(select(func.count()).select_from(RtfApplication).where(where)) or 0
    rows = db.session.scalars(
        select(RtfApplication)
        .options(joinedload(RtfApplication.receiving_setting))  # shown on each row
        .where(where)
        .order_by(RtfApplication.application_date, RtfApplication.reference)
        .limit(limit)
    )
    return count, list(rows)


# --- applying ---------------------------------------------------------------------------


@dataclass
class ApplicationDetails:
    reception_year: int
    legal_surname: str
    legal_forename: str
    date_of_birth: date
    sex: Sex
    receiving_setting_id: uuid.UUID
    early_years_setting_id: uuid.UUID | None = None
    upn: str | None = None
    cohort_override_reason: str | None = None
    needs: list[NeedCode] = field(default_factory=list)
    needs_summary: str | None = None
    support_in_place: str | None = None
    ey_inclusion_funding: bool = False
    use_of_funding: str | None = None
    would_request_ehcna: WouldRequestEhcna | None = None
    parental_consent: bool = False
    amount_requested: Decimal | None = None
    band_id: uuid.UUID | None = None


def _money(value: Decimal) -> str:
    return money(value)


def check_receiving_school(setting_id: uuid.UUID | None) -> Setting:
    setting = db.session.get(Setting, setting_id) if setting_id else None
    if setting is None:
        raise DomainError("Choose the receiving school", field="receiving_setting_id")
    if setting.phase is Phase.EARLY_YEARS:
        raise DomainError(
            f"{setting.name} is an early-years setting, not a school: choose the school the "
            "child will start Reception at",
            field="receiving_setting_id",
        )
    if setting.phase not in RECEPTION_PHASES:
        raise DomainError(
            f"{setting.name} is a {setting.phase.label.lower()} school: choose a school with "
            "a Reception class",
            field="receiving_setting_id",
        )
    return setting


def check_early_years_setting(setting_id: uuid.UUID | None) -> Setting | None:
    if setting_id is None:
        return None
    setting = db.session.get(Setting, setting_id)
    if setting is None or setting.phase is not Phase.EARLY_YEARS:
        raise DomainError(
            "Early-years setting must be a nursery, pre-school or other early-years setting",
            field="early_years_setting_id",
        )
    return setting


def check_cohort(reception_year: int, date_of_birth: date, override_reason: str | None) -> None:
    """A child's date of birth must fall in the Reception cohort of the named September,
    unless the application explains a deferred or early entry (then within a year of it)."""
    start, end = reception_cohort(reception_year)
    if start <= date_of_birth <= end:
        return
    if not override_reason:
        raise DomainError(
            f"Date of birth must be between {_day(start)} and {_day(end)} for Reception in "
            f"{september_label(reception_year)}, or give the reason for deferred or early entry",
            field="date_of_birth",
        )
    wide_start, wide_end = (
        reception_cohort(reception_year - 1)[0],
        reception_cohort(reception_year + 1)[1],
    )
    if not wide_start <= date_of_birth <= wide_end:
        raise DomainError(
            "Date of birth is more than a year outside the Reception cohort for "
            f"{september_label(reception_year)}: check the date or the September",
            field="date_of_birth",
        )


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def check_amount_against_band(
    amount: Decimal, band: RtfBand | None, field_name: str, what: str
) -> None:
    """No amount above its band; with no band named, none above the highest active band."""
    if band is not None:
        if amount > band.amount:
            raise DomainError(
                f"{what} must be no more than {_money(band.amount)}, the {band.name} rate",
                field=field_name,
            )
        return
    bands = rtf_budget.active_bands()
    if bands and amount > bands[-1].amount:
        raise DomainError(
            f"{what} must be no more than {_money(bands[-1].amount)}, the highest band "
            f"({bands[-1].name})",
            field=field_name,
        )


def _band(band_id: uuid.UUID | None, field_name: str) -> RtfBand | None:
    if band_id is None:
        return None
    band = db.session.get(RtfBand, band_id)
    if band is None or not band.is_active:
        raise DomainError("Choose one of the current bands", field=field_name)
    return band


def new_reference(reception_year: int) -> str:
    while True:
        reference = f"RTF-{reception_year}-{secrets.token_hex(3).upper()}"
        taken = db.session.scalar(
            select(RtfApplication.id).where(RtfApplication.reference == reference)
        )
        if taken is None:
            return reference


def _match_child(details: ApplicationDetails, upn: str | None) -> Pupil | None:
    match = pupils.find_match(
        upn, details.legal_surname, details.legal_forename, details.date_of_birth
    )
    if match is None and upn:
        # An early-years record often has no UPN yet: fall back to name and date of birth,
        # but never onto a record that carries a different UPN.
        match = pupils.find_match(
            None, details.legal_surname, details.legal_forename, details.date_of_birth
        )
        if match is not None and match.upn:
            match = None
    return match


def _applying_setting(actor: User, details: ApplicationDetails) -> uuid.UUID:
    candidates = [s for s in (details.early_years_setting_id, details.receiving_setting_id) if s]
    for setting_id in candidates:
        if works_at(actor, setting_id):
            return setting_id
    raise DomainError(
        "You can apply only for a child at your early-years setting or starting at your school",
        field="receiving_setting_id",
    )


def apply(actor: User, details: ApplicationDetails, *, today: date | None = None) -> RtfApplication:
    """Check an application, find or create the child's record, and submit it."""
    today = today or date.today()
    if details.reception_year not in reception_years(today):
        raise DomainError("Choose the September the child starts Reception", field="reception_year")
    upn = pupils.normalise_upn(details.upn)
    pupils.check_date_of_birth(details.date_of_birth, today)
    reason = (details.cohort_override_reason or "").strip() or None
    start, end = reception_cohort(details.reception_year)
    if start <= details.date_of_birth <= end:
        reason = None  # in cohort: nothing to explain
    check_cohort(details.reception_year, details.date_of_birth, reason)
    early_years = check_early_years_setting(details.early_years_setting_id)
    receiving = check_receiving_school(details.receiving_setting_id)
    applied_by = _applying_setting(actor, details)
    if len(set(details.needs)) != len(details.needs):
        raise DomainError("Each need can be listed only once", field="needs")
    if not details.needs_summary:
        raise DomainError("Describe the child's needs", field="needs_summary")
    if not details.use_of_funding:
        raise DomainError("Say what the money would be used for", field="use_of_funding")
    if details.would_request_ehcna is None:
        raise DomainError(
            "Say whether you would otherwise request an EHC needs assessment",
            field="would_request_ehcna",
        )
    if not details.parental_consent:
        raise DomainError(
            "Confirm that the child's parents consent to this application",
            field="parental_consent",
        )
    amount = details.amount_requested
    if amount is None:
        raise DomainError("Enter the amount requested", field="amount_requested")
    if amount <= 0:
        raise DomainError("Amount requested must be more than £0", field="amount_requested")
    band = _band(details.band_id, "band_id")
    check_amount_against_band(amount, band, "amount_requested", "Amount requested")

    child = _match_child(details, upn)
    if child is not None:
        duplicate = db.session.scalar(
            select(RtfApplication).where(
                RtfApplication.pupil_id == child.id,
                RtfApplication.reception_year == details.reception_year,
            )
        )
        if duplicate is not None:
            raise DomainError(
                f"There is already an application ({duplicate.reference}) for this child for "
                f"Reception in {september_label(details.reception_year)}",
                field="legal_surname",
            )
        # The applying setting keeps its own child's needs up to date; another setting's
        # record is left as that setting recorded it.
        if (
            child.setting_id == applied_by
            and details.needs
            and pupils.set_needs(child, details.needs)
        ):
            audit.record(
                actor,
                AuditAction.UPDATE,
                "pupil",
                child.id,
                pupil_id=child.id,
                summary="Needs updated with an RTF application",
                changes={"needs": [None, [n.value for n in details.needs]]},
            )
    else:
        home = early_years or receiving
        child = pupils.create_pupil(
            actor,
            pupils.PupilDetails(
                legal_surname=details.legal_surname,
                legal_forename=details.legal_forename,
                date_of_birth=details.date_of_birth,
                sex=details.sex,
                setting_id=home.id,
                upn=upn,
                parents_informed_date=today,
            ),
            status_since=today,
            needs=details.needs,
        )
    application = RtfApplication(
        reference=new_reference(details.reception_year),
        pupil_id=child.id,
        early_years_setting_id=early_years.id if early_years else None,
        receiving_setting_id=receiving.id,
        applied_by_setting_id=applied_by,
        reception_year=details.reception_year,
        status=RtfStatus.SUBMITTED,
        application_date=today,
        cohort_override_reason=reason,
        needs_summary=details.needs_summary,
        support_in_place=details.support_in_place,
        ey_inclusion_funding=details.ey_inclusion_funding,
        use_of_funding=details.use_of_funding,
        would_request_ehcna=details.would_request_ehcna,
        parental_consent=True,
        amount_requested=amount,
        band_id=band.id if band else None,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(application)
    db.session.flush()
    audit.record_creation(actor, "rtf_application", application, AUDIT_FIELDS, pupil_id=child.id)
    return application


# --- deciding ---------------------------------------------------------------------------


def decide(
    actor: User,
    application: RtfApplication,
    decision: RtfDecision | None,
    amount: Decimal | None,
    reason: str | None,
    *,
    band_id: uuid.UUID | None = None,
    version: int | None = None,
    decision_date: date | None = None,
) -> RtfApplication:
    """Approve, part-approve or decline, within the band and the year's RTF budget."""
    versions.check(application, version)
    if application.status is not RtfStatus.SUBMITTED:
        raise DomainError("This application has already been decided or withdrawn")
    if decision is None:
        raise DomainError("Choose a decision", field="decision")
    decision_date = decision_date or date.today()
    reason = (reason or "").strip() or None
    requested = application.amount_requested or Decimal(0)
    band = _band(band_id, "band_id")
    if decision is RtfDecision.DECLINED:
        if amount:
            raise DomainError(
                "Leave the amount blank when declining an application", field="amount_awarded"
            )
        if not reason:
            raise DomainError("Enter the reason for declining", field="decision_reason")
        amount = None
    else:
        if amount is None:
            raise DomainError("Enter the amount awarded", field="amount_awarded")
        if amount <= 0:
            raise DomainError("Amount awarded must be more than £0", field="amount_awarded")
        if amount > requested:
            raise DomainError(
                f"Amount awarded must be no more than the {_money(requested)} requested",
                field="amount_awarded",
            )
        if decision is RtfDecision.PART_APPROVED:
            if amount == requested:
                raise DomainError(
                    "A part-approval awards less than was requested: choose approve, or "
                    "lower the amount",
                    field="amount_awarded",
                )
            if not reason:
                raise DomainError(
                    "Enter the reason for awarding less than was requested",
                    field="decision_reason",
                )
        check_amount_against_band(amount, band, "amount_awarded", "Amount awarded")
        year = financial_year_of(decision_date)
        position = rtf_budget.position(year, lock=True)
        if position.allocation is None:
            raise DomainError(
                f"There is no RTF budget for {year}: set the year's budget before making awards",
                field="amount_awarded",
            )
        remaining = position.remaining or Decimal(0)
        if amount > remaining:
            raise DomainError(
                f"This award would overspend the {year} RTF budget: {_money(remaining)} remains",
                field="amount_awarded",
            )
    before = audit.snapshot(application, AUDIT_FIELDS)
    application.decision = decision
    application.decision_date = decision_date
    application.amount_awarded = amount
    application.decision_reason = reason
    application.band_id = band.id if band else application.band_id
    application.decided_by_id = actor.id
    application.status = RtfStatus.DECIDED
    application.follow_up_due = (
        review_point(application.reception_year) if decision.is_award else None
    )
    versions.save(application)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "rtf_application",
        application.id,
        pupil_id=application.pupil_id,
        summary=f"RTF decision: {decision.label}",
        changes=audit.diff(before, audit.snapshot(application, AUDIT_FIELDS)),
    )
    # A child already on the receiving school's roll: the award follows them there now.
    rtf_links.sync_links_for_pupils(None, [application.pupil_id])
    return application


# --- the child's timeline and the award letter ------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    title: str
    detail: str = ""
    application_id: uuid.UUID | None = None


def timeline_entries(user: User, pupil_id: uuid.UUID) -> list[TimelineEntry]:
    """RTF events on a child's record, newest first, for the child's timeline."""
    applications = db.session.scalars(
        select(RtfApplication)
        .join(Pupil, Pupil.id == RtfApplication.pupil_id)
        .where(RtfApplication.pupil_id == pupil_id, pupil_scope(user))
    ).all()
    entries: list[TimelineEntry] = []
    for a in applications:
        school = a.receiving_setting.name
        if a.application_date:
            entries.append(
                TimelineEntry(
                    a.application_date,
                    "Reception transition funding applied for",
                    f"{a.reference}: {_money(a.amount_requested or Decimal(0))} requested for "
                    f"Reception at {school} in {september_label(a.reception_year)}",
                    a.id,
                )
            )
        if a.decision and a.decision_date:
            detail = a.decision.label
            if a.amount_awarded:
                detail = f"{detail}: {_money(a.amount_awarded)} to {school}"
            entries.append(
                TimelineEntry(a.decision_date, "Reception transition funding decided", detail, a.id)
            )
        if a.linked_at:
            entries.append(
                TimelineEntry(
                    a.linked_at.date(),
                    "Reception transition funding award linked to the school record",
                    school,
                    a.id,
                )
            )
        if a.follow_up_recorded_on:
            entries.append(
                TimelineEntry(
                    a.follow_up_recorded_on,
                    "Reception transition funding follow-up recorded",
                    a.how_settled or "",
                    a.id,
                )
            )
    return sorted(entries, key=lambda e: e.on, reverse=True)


def letter_context(application: RtfApplication) -> dict[str, Any]:
    """Plain values for the award letter: the PDF template never touches the database."""
    child = application.pupil
    band = application.band
    return {
        "reference": application.reference,
        "child_name": f"{child.legal_forename} {child.legal_surname}",
        "date_of_birth": child.date_of_birth,
        "upn": child.upn,
        "school_name": application.receiving_setting.name,
        "school_urn": application.receiving_setting.urn,
        "early_years_name": application.early_years_setting.name
        if application.early_years_setting
        else None,
        "reception": september_label(application.reception_year),
        "decision": application.decision.label if application.decision else "",
        "is_award": bool(application.decision and application.decision.is_award),
        "amount_requested": application.amount_requested,
        "amount_awarded": application.amount_awarded,
        "band_name": band.name if band else None,
        "reason": application.decision_reason,
        "decision_date": application.decision_date,
        "use_of_funding": application.use_of_funding,
        "follow_up_due": application.follow_up_due,
        "financial_year": financial_year_of(application.decision_date)
        if application.decision_date
        else None,
    }
