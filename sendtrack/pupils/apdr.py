"""Assess, plan, do, review cycles: starting one, the cycle page, and its assessment, dates,
outcomes, provision and review. Every edit carries the cycle's version: a plan changed by
someone else meanwhile is refused with the typed input kept."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.forms import posted_version, set_choices
from sendtrack.models import ApdrCycle, ApdrOutcome, NextStep, Progress, Provision
from sendtrack.permissions import Permission, requires
from sendtrack.pupils import bp
from sendtrack.pupils.forms import (
    PROGRESS_CHOICES,
    AssessForm,
    DatesForm,
    NextCycleForm,
    OutcomeForm,
    ProvisionForm,
    RemoveForm,
    ReviewForm,
)
from sendtrack.services import submissions
from sendtrack.services.errors import DomainError
from sendtrack.services.pupils import apdr
from sendtrack.services.pupils import records as pupils
from sendtrack.services.ranges import judgements, planning
from sendtrack.web import acting_user, render_form, saved

STALE = "This record was changed by someone else. What you typed is kept below; the saved plan is shown on the right. Check it, then save again."  # noqa: E501


def _to_cycle(cycle: ApdrCycle) -> Any:
    return redirect(url_for("pupils.cycle", cycle_id=cycle.id))


def _reviewed(cycle_id: uuid.UUID) -> Any:
    flash("This cycle has been reviewed: start the next cycle to change the plan")
    return redirect(url_for("pupils.cycle", cycle_id=cycle_id))


def _editable(cycle_id: uuid.UUID) -> ApdrCycle | None:
    try:
        return apdr.editable_cycle(acting_user(), cycle_id)
    except DomainError as exc:
        if exc.__class__ is not DomainError:
            raise
        return None


def _while_open(cycle_id: uuid.UUID, page: Callable[[ApdrCycle, Any], Any], item: Any) -> Any:
    """The page for an outcome or provision of a cycle still open to change; a reviewed
    cycle sends the user back to it with the reason."""
    cycle = _editable(cycle_id)
    return _reviewed(cycle_id) if cycle is None else page(cycle, item)


# The form pages, in the words of the audit trail's "Viewed ... of APDR cycle 2".
FORM_PAGES = {
    "pupils/cycle_assess.html": "the assessment form",
    "pupils/cycle_dates.html": "the dates form",
    "pupils/cycle_outcome.html": "the outcome form",
    "pupils/cycle_provision.html": "the provision form",
    "pupils/cycle_remove.html": "the remove provision page",
    "pupils/cycle_review.html": "the review form",
}


def _render(template: str, form: Any, cycle: ApdrCycle, stale: bool, **extra: Any) -> Any:
    viewing = FORM_PAGES[template] if request.method == "GET" else None
    pupil = apdr.open_cycle_form(acting_user(), cycle, viewing)
    return render_form(
        template, form, cycle=cycle, pupil=pupil, stale=stale, totals=apdr.totals(cycle), **extra
    )


@bp.route("/<uuid:pupil_id>/cycles/new", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def start_cycle(pupil_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the new cycle form" if request.method == "GET" else None
    pupil = pupils.get_editable_pupil(user, pupil_id, viewing=viewing)
    cycles = apdr.cycles_of(pupil.id)
    current = next((c for c in cycles if c.status.value == "open"), None)
    if current is not None:
        flash(f"Cycle {current.number} is still open: review it before starting the next")
        return _to_cycle(current)
    previous = cycles[-1] if cycles else None
    form = NextCycleForm()
    if request.method == "GET" and previous is not None:
        form.copy_outcomes.data = form.copy_provisions.data = True
    if request.method == "POST" and form.validate():
        attempt = saved(
            form,
            lambda: apdr.start_cycle(
                user,
                pupil,
                copy_outcomes=bool(form.copy_outcomes.data),
                copy_provisions=bool(form.copy_provisions.data),
            ),
            once=ApdrCycle,
            flashed=True,
        )
        if not attempt:
            return redirect(url_for("pupils.record", pupil_id=pupil.id))
        flash(f"Cycle {attempt.result.number} started", "success")
        return _to_cycle(attempt.result)
    return render_form("pupils/cycle_start.html", form, pupil=pupil, previous=previous)


@bp.route("/cycles/<uuid:cycle_id>")
@requires(Permission.VIEW_PUPIL)
def cycle(cycle_id: uuid.UUID) -> str:
    user = acting_user()
    pupil, found = apdr.open_cycle_for_view(user, cycle_id)
    return render_template(
        "pupils/cycle.html",
        pupil=pupil,
        cycle=found,
        totals=apdr.totals(found),
        can_edit=pupils.may_edit(user, pupil) and found.status.value == "open",
        can_start_next=pupils.may_edit(user, pupil) and found.status.value == "reviewed",
        remove_form=RemoveForm(),
        today=date.today(),
        ranges_areas=judgements.areas_for_cycle(found, [n.code.value for n in pupil.needs]),
        ranges_gap=planning.gap(found),
    )


@bp.route("/cycles/<uuid:cycle_id>/assess", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def assess(cycle_id: uuid.UUID) -> Any:
    cycle = _editable(cycle_id)
    if cycle is None:
        return _reviewed(cycle_id)
    form = AssessForm()
    stale = False
    if request.method == "GET":
        for name in ("needs_summary", "assessments_used", "child_views", "parent_views"):
            getattr(form, name).data = getattr(cycle, name)
        form.version.data = str(cycle.version)
    elif form.validate_on_submit():
        attempt = saved(
            form,
            lambda: apdr.save_assessment(
                acting_user(), cycle, posted_version(form.version.data),
                needs_summary=form.needs_summary.data, assessments_used=form.assessments_used.data,
                child_views=form.child_views.data, parent_views=form.parent_views.data,
            ),
            stale=STALE,
            current=lambda: cycle,
        )  # fmt: skip
        if attempt:
            flash("Assessment saved", "success")
            return _to_cycle(cycle)
        stale = attempt.current is not None
    return _render("pupils/cycle_assess.html", form, cycle, stale)


@bp.route("/cycles/<uuid:cycle_id>/do", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def dates(cycle_id: uuid.UUID) -> Any:
    cycle = _editable(cycle_id)
    if cycle is None:
        return _reviewed(cycle_id)
    form = DatesForm()
    stale = False
    if request.method == "GET":
        form.start_date.data = cycle.start_date
        form.review_date.data = cycle.review_date
        form.version.data = str(cycle.version)
    elif form.validate_on_submit():
        assert form.start_date.data and form.review_date.data
        attempt = saved(
            form,
            lambda: apdr.save_dates(
                acting_user(), cycle, posted_version(form.version.data),
                form.start_date.data, form.review_date.data,
            ),
            stale=STALE,
            current=lambda: cycle,
        )  # fmt: skip
        if attempt:
            flash("Dates saved", "success")
            return _to_cycle(cycle)
        stale = attempt.current is not None
    return _render("pupils/cycle_dates.html", form, cycle, stale)


def _outcome_page(cycle: ApdrCycle, outcome: Any) -> Any:
    form = OutcomeForm()
    stale = False
    if request.method == "GET":
        if outcome is not None:
            form.description.data = outcome.description
            form.success_criteria.data = outcome.success_criteria
        form.version.data = str(cycle.version)
    elif form.validate_on_submit():
        token = form.submission.data if outcome is None else None
        attempt = saved(
            form,
            lambda: submissions.once(acting_user(), token, ApdrOutcome, lambda: apdr.save_outcome(
                acting_user(), cycle, posted_version(form.version.data),
                form.description.data or "", form.success_criteria.data, outcome,
            )),
            stale=STALE,
            current=lambda: cycle,
        )  # fmt: skip
        if attempt:
            flash("Outcome saved", "success")
            return _to_cycle(cycle)
        stale = attempt.current is not None
    return _render("pupils/cycle_outcome.html", form, cycle, stale, outcome=outcome)


@bp.route("/cycles/<uuid:cycle_id>/outcomes/new", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def add_outcome(cycle_id: uuid.UUID) -> Any:
    return _while_open(cycle_id, _outcome_page, None)


@bp.route("/outcomes/<uuid:outcome_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def edit_outcome(outcome_id: uuid.UUID) -> Any:
    outcome = apdr.get_outcome(acting_user(), outcome_id)
    return _while_open(outcome.cycle_id, _outcome_page, outcome)


def _provision_page(cycle: ApdrCycle, provision: Any) -> Any:
    form = ProvisionForm()
    rates = apdr.active_rates()
    set_choices(
        form.delivered_by,
        [("", "Choose a staff role")]
        + [(r.staff_role, f"{r.staff_role} (£{r.hourly_rate:.2f} an hour)") for r in rates],
    )
    stale = False
    if request.method == "GET":
        if provision is not None:
            for name in ("description", "provision_type", "frequency", "group_size",
                         "delivered_by", "minutes_per_week", "weeks", "manual_cost"):  # fmt: skip
                getattr(form, name).data = getattr(provision, name)
        else:
            form.group_size.data = 1
        form.version.data = str(cycle.version)
    elif form.validate_on_submit():
        details = apdr.ProvisionDetails(
            description=form.description.data or "",
            provision_type=form.provision_type.data or None,
            frequency=form.frequency.data or None,
            group_size=form.group_size.data,
            delivered_by=form.delivered_by.data or None,
            minutes_per_week=form.minutes_per_week.data,
            weeks=form.weeks.data,
            manual_cost=form.manual_cost.data,
        )
        token = form.submission.data if provision is None else None
        attempt = saved(
            form,
            lambda: submissions.once(acting_user(), token, Provision, lambda: apdr.save_provision(
                acting_user(), cycle, posted_version(form.version.data), details, provision
            )),
            stale=STALE,
            current=lambda: cycle,
        )  # fmt: skip
        if attempt:
            flash("Provision saved", "success")
            return _to_cycle(cycle)
        stale = attempt.current is not None
    return _render(
        "pupils/cycle_provision.html", form, cycle, stale, provision=provision, rates=rates
    )


@bp.route("/cycles/<uuid:cycle_id>/provisions/new", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def add_provision(cycle_id: uuid.UUID) -> Any:
    return _while_open(cycle_id, _provision_page, None)


@bp.route("/provisions/<uuid:provision_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def edit_provision(provision_id: uuid.UUID) -> Any:
    provision = apdr.get_provision(acting_user(), provision_id)
    return _while_open(provision.cycle_id, _provision_page, provision)


@bp.route("/provisions/<uuid:provision_id>/remove", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def remove_provision(provision_id: uuid.UUID) -> Any:
    provision = apdr.get_provision(acting_user(), provision_id)
    cycle = _editable(provision.cycle_id)
    if cycle is None:
        return _reviewed(provision.cycle_id)
    form = RemoveForm()
    stale = False
    if request.method == "GET":
        form.version.data = str(cycle.version)
    elif form.validate_on_submit():
        version = posted_version(form.version.data)
        if version is None:
            form.add_error(None, "Confirm that you want to remove this provision")
        else:
            attempt = saved(
                form,
                lambda: apdr.remove_provision(acting_user(), provision, version),
                stale=STALE,
                current=lambda: cycle,
            )
            if attempt:
                flash(f"Removed '{provision.description}'", "success")
                return _to_cycle(cycle)
            stale = attempt.current is not None
    return _render("pupils/cycle_remove.html", form, cycle, stale, provision=provision)


@bp.route("/cycles/<uuid:cycle_id>/review", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def review(cycle_id: uuid.UUID) -> Any:
    cycle = _editable(cycle_id)
    if cycle is None:
        return _reviewed(cycle_id)
    form = ReviewForm()
    stale = False
    chosen: dict[str, str] = {}
    progress_errors: dict[str, str] = {}
    if request.method == "GET":
        form.version.data = str(cycle.version)
        form.reviewed_on.data = date.today()
    else:
        valid = form.validate_on_submit()
        progress: dict[uuid.UUID, Progress] = {}
        values = {p.value for p in Progress}
        for outcome in cycle.outcomes:
            raw = request.form.get(f"progress-{outcome.id}", "")
            chosen[str(outcome.id)] = raw
            if raw in values:
                progress[outcome.id] = Progress(raw)
            else:
                progress_errors[str(outcome.id)] = (
                    f"Choose the progress made towards outcome {outcome.position}"
                )
        for message in progress_errors.values():
            form.add_error(None, message)
        if valid and not progress_errors:
            assert form.reviewed_on.data is not None
            attempt = saved(
                form,
                lambda: apdr.review_cycle(
                    acting_user(), cycle, posted_version(form.version.data),
                    reviewed_on=form.reviewed_on.data, progress=progress,
                    impact_notes=form.impact_notes.data, next_step=NextStep(form.next_step.data),
                ),
                stale=STALE,
                current=lambda: cycle,
            )  # fmt: skip
            if attempt:
                flash(f"Cycle {cycle.number} reviewed", "success")
                return _to_cycle(cycle)
            stale = attempt.current is not None
    return _render(
        "pupils/cycle_review.html", form, cycle, stale,
        chosen=chosen, progress_errors=progress_errors, progress_choices=PROGRESS_CHOICES,
    )  # fmt: skip
