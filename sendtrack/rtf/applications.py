"""RTF applications: the list with its filters, applying, one application's page, and a
child's RTF timeline."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from sendtrack.forms import as_uuid, set_choices
from sendtrack.models import (
    AuditAction,
    Phase,
    RtfApplication,
    Setting,
    Sex,
    User,
    WouldRequestEhcna,
)
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.rtf import bp
from sendtrack.rtf.choices import band_choices
from sendtrack.rtf.forms import ApplicationForm, FilterForm
from sendtrack.services import audit
from sendtrack.services.errors import DomainError
from sendtrack.services.rtf import applications as rtf
from sendtrack.services.rtf import budgets as rtf_budget
from sendtrack.services.rtf import follow_up as rtf_follow_up
from sendtrack.services.scoping import get_pupil
from sendtrack.web import acting_user, render_form, saved

STATUS_FILTERS = [
    ("", "Any status"),
    ("awaiting", "Awaiting decision"),
    ("approved", "Approved"),
    ("part_approved", "Part approved"),
    ("declined", "Declined"),
    ("withdrawn", "Withdrawn"),
]


def _setting_choices(phases: set[Phase] | frozenset[Phase]) -> list[tuple[str, str]]:
    return [(str(s.id), f"{s.name} ({s.urn})") for s in rtf.active_settings(phases)]


@bp.route("/")
@requires(Permission.APPLY_RTF)
def index() -> str:
    user = acting_user()
    form = FilterForm(request.args)
    set_choices(form.status, STATUS_FILTERS)
    set_choices(
        form.setting,
        [("", "Any school or setting")]
        + [(str(i), name) for i, name in rtf.visible_setting_names(user)],
    )
    years = rtf.reception_years_shown(user)
    set_choices(
        form.cohort, [("", "Any September")] + [(str(y), rtf.september_label(y)) for y in years]
    )
    status = form.status.data if form.status.data in dict(STATUS_FILTERS) else None
    setting_id = as_uuid(form.setting.data)
    # A four-digit year only: a huge number would overflow SQLite's integers.
    raw_cohort = form.cohort.data or ""
    cohort = int(raw_cohort) if raw_cohort.isdigit() and len(raw_cohort) == 4 else None
    page = form.page.data if isinstance(form.page.data, int) else 1
    found = rtf.list_applications(
        user,
        status=status or None,
        setting_id=setting_id,
        reception_year=cohort,
        page=page,
        page_size=current_app.config.get("PAGE_SIZE", 50),
    )
    audit.record(
        user,
        AuditAction.VIEW,
        "rtf_application_list",
        summary=f"RTF applications: status={status or 'any'} setting={setting_id or 'any'} "
        f"cohort={cohort or 'any'} ({found.count} shown)",
    )
    return render_template(
        "rtf/index.html",
        found=found,
        filter_form=form,
        status_label=rtf.status_label,
        can_decide=user_has(user, Permission.DECIDE_RTF),
        positions=rtf_budget.all_positions() if user.is_area_wide else [],
        page_url=lambda n: url_for(
            "rtf.index",
            status=status or None,
            setting=setting_id,
            cohort=cohort,
            page=n,
        ),
    )


def _visible_settings(user: User) -> list[Setting]:
    return rtf.visible_settings(user)


def _application_form() -> ApplicationForm:
    user = acting_user()
    form = ApplicationForm()
    set_choices(
        form.reception_year, [(str(y), rtf.september_label(y)) for y in rtf.reception_years()]
    )
    set_choices(
        form.early_years_setting_id,
        [
            ("", "The child is not at an early-years setting"),
            *_setting_choices({Phase.EARLY_YEARS}),
        ],
    )
    set_choices(
        form.receiving_setting_id,
        [("", "Choose a school"), *_setting_choices(rtf.RECEPTION_PHASES)],
    )
    set_choices(form.band_id, band_choices("No band"))
    if request.method == "GET" and not user.is_area_wide:
        # Start from the applicant's own setting: an early-years SENCO's nursery or a
        # SENCO's school.
        own = [s for s in _visible_settings(user) if s.is_active]
        for setting in own:
            if setting.phase is Phase.EARLY_YEARS:
                form.early_years_setting_id.data = str(setting.id)
            elif setting.phase in rtf.RECEPTION_PHASES:
                form.receiving_setting_id.data = str(setting.id)
    return form


@bp.route("/apply", methods=["GET", "POST"])
@requires(Permission.APPLY_RTF)
def apply() -> Any:
    form = _application_form()
    if form.validate_on_submit():
        assert form.date_of_birth.data is not None and form.amount_requested.data is not None
        details = rtf.ApplicationDetails(
            reception_year=int(form.reception_year.data or 0),
            legal_surname=form.legal_surname.data or "",
            legal_forename=form.legal_forename.data or "",
            date_of_birth=form.date_of_birth.data,
            sex=Sex(form.sex.data),
            receiving_setting_id=as_uuid(form.receiving_setting_id.data) or uuid.UUID(int=0),
            early_years_setting_id=as_uuid(form.early_years_setting_id.data),
            upn=form.upn.data,
            cohort_override_reason=form.cohort_override_reason.data
            if form.cohort_override.data
            else None,
            needs=form.needs(),
            needs_summary=form.needs_summary.data,
            support_in_place=form.support_in_place.data or None,
            ey_inclusion_funding=bool(form.ey_inclusion_funding.data),
            use_of_funding=form.use_of_funding.data,
            would_request_ehcna=WouldRequestEhcna(form.would_request_ehcna.data),
            parental_consent=bool(form.parental_consent.data),
            amount_requested=form.amount_requested.data,
            band_id=as_uuid(form.band_id.data),
        )
        outcome = saved(
            form,
            lambda: rtf.apply(acting_user(), details),
            once=RtfApplication,
        )
        if outcome:
            application = outcome.result
            flash(f"Application {application.reference} submitted", "success")
            return redirect(url_for("rtf.show", application_id=application.id))
    return render_form("rtf/apply.html", form)


@bp.route("/<uuid:application_id>")
@requires(Permission.APPLY_RTF)
def show(application_id: uuid.UUID) -> str:
    user = acting_user()
    application = rtf.get_application(user, application_id)
    audit.record(
        user,
        AuditAction.VIEW,
        "rtf_application",
        application.id,
        pupil_id=application.pupil_id,
    )
    return render_template(
        "rtf/show.html",
        application=application,
        child=application.pupil,
        status_label=rtf.status_label(application),
        ehcna=rtf_follow_up.ehcna_logged(application),
        can_decide=user_has(user, Permission.DECIDE_RTF),
        can_follow_up=rtf_follow_up.can_follow_up(user, application),
        candidates=rtf_follow_up.link_candidates(application) if user.is_area_wide else [],
        child_visible=_child_visible(user, application.pupil_id),
    )


def _child_visible(user: User, pupil_id: uuid.UUID) -> bool:
    try:
        get_pupil(user, pupil_id)
    except DomainError:
        return False
    return True


@bp.route("/children/<uuid:pupil_id>")
@requires(Permission.APPLY_RTF)
def child(pupil_id: uuid.UUID) -> str:
    user = acting_user()
    pupil = get_pupil(user, pupil_id)
    audit.record(user, AuditAction.VIEW, "pupil_rtf_timeline", pupil.id, pupil_id=pupil.id)
    return render_template(
        "rtf/child.html", child=pupil, entries=rtf.timeline_entries(user, pupil.id)
    )
