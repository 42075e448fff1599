"""EHC needs assessment pages: recording a request from a child's record, the request page
with its statutory clocks, the LA's workflow forms, the queues, annual reviews and the SEN2
download."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from sendtrack.ehcna.forms import (
    CaseForm,
    DecisionForm,
    ExceptionForm,
    OutcomeForm,
    PlanForm,
    QueueFilterForm,
    RemoveForm,
    RequestForm,
    ReviewForm,
    Sen2Form,
)
from sendtrack.forms import as_uuid, page_number, posted_version, set_choices
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
from sendtrack.services import audit, spreadsheets
from sendtrack.services.ehcna import annual_reviews
from sendtrack.services.ehcna import queues as ehcna_queues
from sendtrack.services.ehcna import requests as ehcna
from sendtrack.services.ehcna import sen2 as sen2_export
from sendtrack.services.pupils import records as pupils
from sendtrack.services.scoping import get_pupil
from sendtrack.web import acting_user, render_form, saved

bp = Blueprint("ehcna", __name__)

STALE = "This record was changed by someone else: check the request below and save again"
VIEWS = [
    ("open", "All requests in progress"),
    ("week", "Due in the next 7 days"),
    ("overdue", "Overdue"),
    ("all", "All requests, including finished ones"),
]
REVIEW_VIEWS = [
    ("due", "Due in the next 8 weeks, awaiting a decision, or overdue"),
    ("overdue", "Overdue"),
    ("all", "All reviews not yet decided"),
]


# --- recording a request ---------------------------------------------------------------


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
        "ehcna/new.html", form, child=pupil, officer=officer, earlier=ehcna.early_support(pupil.id)
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


# --- one request --------------------------------------------------------------------------


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


# --- queues ---------------------------------------------------------------------------------


@bp.route("/ehcna/")
@requires(Permission.RECORD_EHCNA)
def index() -> str:
    user = acting_user()
    form = QueueFilterForm(request.args)
    officers = ehcna.officers()
    set_choices(form.view, VIEWS)
    set_choices(form.stage, [("", "Any stage")] + [(s, s) for s in ehcna.STAGES])
    set_choices(
        form.officer,
        [("", "Any officer"), (ehcna_queues.UNASSIGNED, "Not assigned")]
        + [(str(o.id), o.name) for o in officers],
    )
    view = form.view.data if form.view.data in dict(VIEWS) else "open"
    if not user.is_area_wide and not form.view.data:
        view = "all"  # a SENCO's list: every request their setting has made
    stage = form.stage.data if form.stage.data in ehcna.STAGES else None
    officer = form.officer.data if user.is_area_wide and form.officer.data else None
    page = form.page.data if isinstance(form.page.data, int) else 1
    filters = ehcna_queues.Filters(view=view, stage=stage, officer=officer)
    found = ehcna_queues.find(
        user, filters, page=page, page_size=current_app.config.get("PAGE_SIZE", 50)
    )
    form.view.data = view
    audit.record(
        user,
        AuditAction.VIEW,
        "ehcna_request_list",
        summary=f"EHCNA requests: view={view} stage={stage or 'any'} officer={officer or 'any'} "
        f"({found.count} found)",
    )
    return render_template(
        "ehcna/index.html",
        found=found,
        filter_form=form,
        view_label=dict(VIEWS)[view],
        counts=ehcna_queues.counts(user),
        by_officer=ehcna_queues.by_officer(user) if user.is_area_wide else [],
        by_stage=ehcna_queues.by_stage(user),
        stages=ehcna.STAGES,
        officer_view=user.is_area_wide,
        today=date.today(),
        page_url=lambda n: url_for("ehcna.index", view=view, stage=stage, officer=officer, page=n),
        queue_url=lambda **kw: url_for("ehcna.index", **kw),
    )


# --- annual reviews -----------------------------------------------------------------------


@bp.route("/ehcna/reviews")
@requires(Permission.MANAGE_EHCNA)
def reviews() -> str:
    user = acting_user()
    which = request.args.get("view", "due")
    which = which if which in dict(REVIEW_VIEWS) else "due"
    page = page_number(request.args.get("page"))
    found = annual_reviews.queue(
        which=which, page=page, page_size=current_app.config.get("PAGE_SIZE", 50)
    )
    audit.record(
        user,
        AuditAction.VIEW,
        "annual_review_list",
        summary=f"Annual reviews: view={which} ({found.count} found)",
    )
    return render_template(
        "ehcna/reviews.html",
        found=found,
        which=which,
        views=REVIEW_VIEWS,
        status=annual_reviews.status,
        counts=annual_reviews.counts(),
        page_url=lambda n: url_for("ehcna.reviews", view=which, page=n),
    )


@bp.route("/ehcna/reviews/<uuid:review_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_EHCNA)
def review(review_id: uuid.UUID) -> Any:
    user = acting_user()
    found = annual_reviews.get_review(user, review_id)
    pupil = get_pupil(user, found.pupil_id)
    form = ReviewForm()
    if request.method == "GET":
        form.meeting_date.data = found.meeting_date
        form.decision.data = found.decision
        form.decision_date.data = found.decision_date
        form.notes.data = found.notes
        form.version.data = str(found.version)
        audit.record(user, AuditAction.VIEW, "annual_review", found.id, pupil_id=pupil.id)
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: annual_reviews.record_review(
                user,
                found,
                meeting_date=form.meeting_date.data,
                decision=annual_reviews.ReviewDecision(form.decision.data)
                if form.decision.data
                else None,
                decision_date=form.decision_date.data,
                notes=form.notes.data,
                version=form.version.number,
            ),
        )
        if outcome:
            following = outcome.result
            message = "Annual review saved"
            if following is not None:
                message += f". The next review is due by {following.due_date:%-d %B %Y}"
            flash(message, "success")
            return redirect(url_for("ehcna.reviews"))
    return render_form(
        "ehcna/review.html",
        form,
        review=found,
        child=pupil,
        review_status=annual_reviews.status(found),
    )


# --- SEN2 ---------------------------------------------------------------------------------


@bp.route("/ehcna/sen2")
@requires(Permission.MANAGE_EHCNA)
def sen2() -> Any:
    user = acting_user()
    form = Sen2Form(request.args)
    set_choices(form.year, [(str(y), str(y)) for y in sen2_export.years()])
    set_choices(form.module, [(k, v[0]) for k, v in sen2_export.MODULES.items()])
    year_text = form.year.data or ""
    module = form.module.data or ""
    if "download" in request.args:
        if (
            year_text.isdigit()
            and int(year_text) in sen2_export.years()
            and (module in sen2_export.MODULES)
        ):
            year = int(year_text)
            text, count = sen2_export.to_csv(module, year)
            audit.record(
                user,
                AuditAction.EXPORT,
                "sen2_export",
                summary=f"SEN2 {module} module for {year}: {count} rows",
            )
            return Response(
                "\ufeff" + text,
                mimetype=spreadsheets.CSV_TYPE,
                headers={"Content-Disposition": f'attachment; filename="sen2-{year}-{module}.csv"'},
            )
        form.year.errors = ["Choose a year from the list"]
    return render_form("ehcna/sen2.html", form, modules=sen2_export.MODULES)


from sendtrack.ehcna import home_card as _home_card  # noqa: E402, F401  (registers its cards)
