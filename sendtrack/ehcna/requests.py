"""EHC needs assessment requests: recording a request from a child's record, a child's
requests, the request page with its statutory clocks, and the LA's workflow forms (decision
to assess, outcome, plan dates, case details, 20-week exceptions)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.ehcna import bp
from sendtrack.ehcna.forms import (
    CaseForm,
    DecisionForm,
    ExceptionForm,
    OutcomeForm,
    PlanForm,
    RemoveForm,
    RequestForm,
)
from sendtrack.forms import as_uuid, posted_version, set_choices
from sendtrack.models import (
    AssessDecision,
    AssessmentOutcome,
    AuditAction,
    EhcnaRequest,
    ExceptionGround,
    RequestSource,
    TimescaleException,
    User,
)
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.services import audit
from sendtrack.services.contacts import lists as contact_lists
from sendtrack.services.ehcna import annual_reviews
from sendtrack.services.ehcna import requests as ehcna
from sendtrack.services.pupils import records as pupils
from sendtrack.services.ranges import planning
from sendtrack.services.scoping import get_pupil
from sendtrack.web import acting_user, render_form, saved

STALE = "This record was changed by someone else: check the request below and save again"


@bp.route("/children/<uuid:pupil_id>/ehcna/new", methods=["GET", "POST"])
@requires(Permission.RECORD_EHCNA)
def new_request(pupil_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the new request form" if request.method == "GET" else None
    pupil = pupils.get_visible_pupil(user, pupil_id, viewing=viewing)
    form = RequestForm()
    officer = user.is_area_wide
    if not officer and request.method == "GET":
        # A SENCO records the requests their own setting makes (the service insists).
        form.request_source.data = RequestSource.SETTING.value
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: ehcna.record_request(
                user,
                pupil,
                form.received_date.data,
                RequestSource(form.request_source.data),
                form.notes.data,
            ),
            once=EhcnaRequest,
        )
        if outcome:
            made = outcome.result
            flash(f"Request {made.reference} recorded", "success")
            return redirect(url_for("ehcna.show", request_id=made.id))
    return render_form(
        "ehcna/new.html",
        form,
        child=pupil,
        officer=officer,
        earlier=ehcna.early_support(pupil.id),
        ranges_oap=planning.ordinarily_available_levels(pupil.id),
    )


@bp.route("/children/<uuid:pupil_id>/ehcna")
@requires(Permission.RECORD_EHCNA)
def child_requests(pupil_id: uuid.UUID) -> str:
    user = acting_user()
    pupil = get_pupil(user, pupil_id)
    found = ehcna.requests_for_child(user, pupil.id)
    audit.record(user, AuditAction.VIEW, "pupil_ehcna_requests", pupil.id, pupil_id=pupil.id)
    return render_template(
        "ehcna/child.html",
        child=pupil,
        requests=found,
        stage=ehcna.stage,
        reviews=annual_reviews.reviews_for_child(pupil.id) if user.is_area_wide else [],
        review_status=annual_reviews.status,
    )


@bp.route("/ehcna/<uuid:request_id>")
@requires(Permission.RECORD_EHCNA)
def show(request_id: uuid.UUID) -> str:
    user = acting_user()
    found = ehcna.get_request(user, request_id)
    audit.record(user, AuditAction.VIEW, "ehcna_request", found.id, pupil_id=found.pupil_id)
    return _show(user, found)


def _show(user: User, found: EhcnaRequest, **extra: Any) -> str:
    return render_template(
        "ehcna/show.html",
        req=found,
        child=found.pupil,
        stage=ehcna.stage(found),
        clocks=ehcna.clocks(found),
        earlier=ehcna.early_support(found.pupil_id, before=found.received_date),
        contacts_about=contact_lists.about_child(user, found.pupil_id, found.received_date),
        can_manage=user_has(user, Permission.MANAGE_EHCNA),
        officer=_officer_name(found.assigned_officer_id),
        decision_label=ehcna.DECISION_LABELS,
        outcome_label=ehcna.OUTCOME_LABELS,
        reviews=annual_reviews.reviews_for_child(found.pupil_id) if user.is_area_wide else [],
        review_status=annual_reviews.status,
        **extra,
    )


def _officer_name(officer_id: uuid.UUID | None) -> str | None:
    if officer_id is None:
        return None
    for person in ehcna.officers():
        if person.id == officer_id:
            return person.name
    return "A former officer"


def _workflow(
    request_id: uuid.UUID,
    form: Any,
    template: str,
    fill: Any,
    save: Any,
    success: str,
) -> Any:
    """The shared shape of the LA's forms: load in scope, prefill on GET, save on POST with
    the record's version, a stale save or a broken rule re-renders with the input kept."""
    user = acting_user()
    page = "the " + template.removeprefix("ehcna/").removesuffix(".html") + " form"
    found = ehcna.open_request(user, request_id, page if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(found.version) if hasattr(form, "version") else None
        fill(form, found)
    if form.validate_on_submit():
        # A stale save keeps nothing and shows the request as saved now, with what was typed.
        outcome = saved(
            form,
            lambda: save(user, found, form),
            stale=STALE,
            current=lambda: ehcna.get_request(user, request_id),
        )
        if outcome:
            flash(success, "success")
            return redirect(url_for("ehcna.show", request_id=found.id))
        found = outcome.current or found
    return render_form(template, form, req=found, child=found.pupil)


@bp.route("/ehcna/<uuid:request_id>/decision", methods=["GET", "POST"])
@requires(Permission.MANAGE_EHCNA)
def decision(request_id: uuid.UUID) -> Any:
    def fill(form: DecisionForm, found: EhcnaRequest) -> None:
        form.decision.data = found.decision.value if found.decision else None
        form.decision_date.data = found.decision_date

    def save(user: User, found: EhcnaRequest, form: DecisionForm) -> None:
        ehcna.record_decision(
            user,
            found,
            AssessDecision(form.decision.data),
            form.decision_date.data,
            version=posted_version(form.version.data),
        )

    return _workflow(
        request_id, DecisionForm(), "ehcna/decision.html", fill, save, "Decision saved"
    )


@bp.route("/ehcna/<uuid:request_id>/outcome", methods=["GET", "POST"])
@requires(Permission.MANAGE_EHCNA)
def outcome(request_id: uuid.UUID) -> Any:
    def fill(form: OutcomeForm, found: EhcnaRequest) -> None:
        form.outcome.data = found.outcome.value if found.outcome else None
        form.outcome_date.data = found.outcome_date

    def save(user: User, found: EhcnaRequest, form: OutcomeForm) -> None:
        ehcna.record_outcome(
            user,
            found,
            AssessmentOutcome(form.outcome.data),
            form.outcome_date.data,
            version=posted_version(form.version.data),
        )

    return _workflow(
        request_id, OutcomeForm(), "ehcna/outcome.html", fill, save, "Assessment outcome saved"
    )


@bp.route("/ehcna/<uuid:request_id>/plan", methods=["GET", "POST"])
@requires(Permission.MANAGE_EHCNA)
def plan(request_id: uuid.UUID) -> Any:
    def fill(form: PlanForm, found: EhcnaRequest) -> None:
        form.draft_plan_date.data = found.draft_plan_date
        form.plan_issued_date.data = found.plan_issued_date

    def save(user: User, found: EhcnaRequest, form: PlanForm) -> None:
        ehcna.record_plan(
            user,
            found,
            form.draft_plan_date.data,
            form.plan_issued_date.data,
            version=posted_version(form.version.data),
        )

    return _workflow(request_id, PlanForm(), "ehcna/plan.html", fill, save, "Plan dates saved")


@bp.route("/ehcna/<uuid:request_id>/case", methods=["GET", "POST"])
@requires(Permission.MANAGE_EHCNA)
def case(request_id: uuid.UUID) -> Any:
    form = CaseForm()
    set_choices(
        form.assigned_officer_id,
        [("", "Not assigned")] + [(str(o.id), o.name) for o in ehcna.officers()],
    )

    def fill(form: CaseForm, found: EhcnaRequest) -> None:
        form.assigned_officer_id.data = (
            str(found.assigned_officer_id) if found.assigned_officer_id else ""
        )
        form.mediation.data = found.mediation
        form.tribunal.data = found.tribunal
        form.notes.data = found.notes

    def save(user: User, found: EhcnaRequest, form: CaseForm) -> None:
        ehcna.update_case(
            user,
            found,
            assigned_officer_id=as_uuid(form.assigned_officer_id.data),
            mediation=bool(form.mediation.data),
            tribunal=bool(form.tribunal.data),
            notes=form.notes.data,
            version=posted_version(form.version.data),
        )

    return _workflow(request_id, form, "ehcna/case.html", fill, save, "Case details saved")


@bp.route("/ehcna/<uuid:request_id>/exceptions/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_EHCNA)
def add_exception(request_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the new exception form" if request.method == "GET" else None
    found = ehcna.open_request(user, request_id, viewing)
    form = ExceptionForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: ehcna.add_exception(
            user,
            found,
            ExceptionGround(form.ground.data),
            form.reason.data,
            form.start_date.data,
            form.end_date.data,
        ),
        once=TimescaleException,
    ):
        flash("20-week exception added", "success")
        return redirect(url_for("ehcna.show", request_id=found.id))
    return render_form("ehcna/exception.html", form, req=found, child=found.pupil)


@bp.route("/ehcna/exceptions/<uuid:exception_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_EHCNA)
def remove_exception(exception_id: uuid.UUID) -> Any:
    user = acting_user()
    exception = ehcna.get_exception(user, exception_id)
    form = RemoveForm()
    if form.validate_on_submit():
        if form.confirm.data != "yes":
            return redirect(url_for("ehcna.show", request_id=exception.request_id))
        found = ehcna.remove_exception(user, exception)
        flash("20-week exception removed", "success")
        return redirect(url_for("ehcna.show", request_id=found.id))
    return render_form(
        "ehcna/remove_exception.html", form, exception=exception, req=exception.request
    )
