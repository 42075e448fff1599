"""Decision pages: recording, confirming and changing a panel's decision, its actions, the
payments against an award, and the follow-up (impact at the review date)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.forms import posted_version
from sendtrack.models import AuditAction, DecisionOutcome, PanelAction, PanelDecision
from sendtrack.panels import bp
from sendtrack.panels.forms import (
    ActionForm,
    ConfirmForm,
    DecisionForm,
    DoneForm,
    ImpactForm,
    PaymentForm,
)
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.school_year import financial_year_of
from sendtrack.services import audit
from sendtrack.services.panels import budgets as cluster_budgets
from sendtrack.services.panels import decisions, follow_up, meetings, referrals
from sendtrack.web import STALE, acting_user, render_form, saved


def _details(form: DecisionForm) -> decisions.DecisionDetails:
    try:
        outcome = DecisionOutcome(form.outcome.data) if form.outcome.data else None
    except ValueError:
        outcome = None
    return decisions.DecisionDetails(
        outcome=outcome,
        rationale=form.rationale.data,
        decision_date=form.decision_date.data,
        advice_given=form.advice_given.data,
        amount_awarded=form.amount_awarded.data,
        award_start=form.award_start.data,
        award_end=form.award_end.data,
        conditions=form.conditions.data,
        review_date=form.review_date.data,
        budget_override_reason=form.budget_override_reason.data,
        action=decisions.NewAction(
            form.action_description.data, form.action_owner.data, form.action_due.data
        ),
    )


def _budget_context(decision_date: date | None, referral: Any) -> Any:
    year = financial_year_of(decision_date or date.today())
    return cluster_budgets.position(referral.cluster, year)


@bp.route(
    "/meetings/<uuid:meeting_id>/referrals/<uuid:referral_id>/decision", methods=["GET", "POST"]
)
@requires(Permission.RECORD_DECISIONS)
def decide(meeting_id: uuid.UUID, referral_id: uuid.UUID) -> Any:
    user = acting_user()
    meeting = meetings.get_meeting(user, meeting_id)
    referral = referrals.get_referral(user, referral_id)
    existing = decisions.decision_for(referral, meeting)
    if existing is not None:
        return redirect(url_for("panels.decision", decision_id=existing.id))
    if meeting.meeting_date > date.today():
        flash(
            "Decisions are recorded during or after the meeting: come back on "
            f"{meeting.meeting_date:%-d %B %Y}"
        )
        return redirect(url_for("panels.meeting", meeting_id=meeting.id))
    form = DecisionForm()
    if request.method == "GET":
        form.decision_date.data = meeting.meeting_date
        audit.record(
            user,
            AuditAction.VIEW,
            "referral",
            referral.id,
            pupil_id=referral.pupil_id,
            summary="Decision form",
        )
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: decisions.record_decision(
                user, meeting, referral, _details(form), confirm=bool(form.confirm.data)
            ),
            once=PanelDecision,
        )
        if outcome:
            decision = outcome.result
            flash(
                "Decision confirmed" if decision.confirmed_at else "Decision saved as a draft",
                "success",
            )
            return redirect(url_for("panels.decision", decision_id=decision.id))
    return render_form(
        "panels/decision_form.html",
        form,
        meeting=meeting,
        referral=referral,
        decision=None,
        position=_budget_context(form.decision_date.data, referral),
        can_override=user_has(user, Permission.OVERRIDE_BUDGET),
    )


@bp.route("/decisions/<uuid:decision_id>")
@requires(Permission.VIEW_PANELS)
def decision(decision_id: uuid.UUID) -> str:
    user = acting_user()
    found = decisions.get_decision(user, decision_id)
    audit.record(
        user, AuditAction.VIEW, "panel_decision", found.id, pupil_id=found.referral.pupil_id
    )
    can_record = decisions.can_record(user, found.referral)
    return render_template(
        "panels/decision.html",
        decision=found,
        referral=found.referral,
        can_record=can_record,
        history=decisions.change_history(found) if can_record else [],
        confirm_form=ConfirmForm(version=str(found.version)),
        done_form=DoneForm(),
        award=found.outcome in decisions.AWARD_OUTCOMES,
        impact_label=follow_up.IMPACT_CHOICES,
        today=date.today(),
    )


def _fill_form(form: DecisionForm, found: PanelDecision) -> None:
    form.version.data = str(found.version)
    form.outcome.data = found.outcome.value
    form.decision_date.data = found.decision_date
    form.rationale.data = found.rationale
    form.advice_given.data = found.advice_given
    form.amount_awarded.data = found.amount_awarded or None
    form.award_start.data = found.award_start
    form.award_end.data = found.award_end
    form.conditions.data = found.conditions
    form.review_date.data = found.review_date
    form.budget_override_reason.data = found.budget_override_reason


@bp.route("/decisions/<uuid:decision_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORD_DECISIONS)
def edit_decision(decision_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the edit form" if request.method == "GET" else None
    found = decisions.open_decision(user, decision_id, viewing)
    if not decisions.can_record(user, found.referral):
        flash("Only the cluster's Area SEND Lead can change this decision")
        return redirect(url_for("panels.decision", decision_id=found.id))
    form = DecisionForm()
    if request.method == "GET":
        _fill_form(form, found)
    if form.validate_on_submit() and saved(
        form,
        lambda: decisions.update_decision(
            user,
            found,
            _details(form),
            version=posted_version(form.version.data),
            confirm=bool(form.confirm.data),
            change_reason=form.change_reason.data,
        ),
        stale=STALE,
    ):
        flash("Decision saved", "success")
        return redirect(url_for("panels.decision", decision_id=found.id))
    return render_form(
        "panels/decision_form.html",
        form,
        meeting=found.meeting,
        referral=found.referral,
        decision=found,
        position=_budget_context(form.decision_date.data, found.referral),
        can_override=user_has(user, Permission.OVERRIDE_BUDGET),
    )


@bp.route("/decisions/<uuid:decision_id>/confirm", methods=["POST"])
@requires(Permission.RECORD_DECISIONS)
def confirm_decision(decision_id: uuid.UUID) -> Any:
    user = acting_user()
    found = decisions.get_decision(user, decision_id)
    form = ConfirmForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: decisions.confirm_decision(user, found, version=posted_version(form.version.data)),
        stale="This record was changed by someone else: check it and confirm again",
        flashed=True,
    ):
        flash("Decision confirmed and locked", "success")
    return redirect(url_for("panels.decision", decision_id=decision_id))


@bp.route("/decisions/<uuid:decision_id>/actions/new", methods=["GET", "POST"])
@requires(Permission.RECORD_DECISIONS)
def add_action(decision_id: uuid.UUID) -> Any:
    user = acting_user()
    found = decisions.get_decision(user, decision_id)
    form = ActionForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: decisions.add_action(
            user, found, form.description.data, form.owner.data, form.due_date.data
        ),
        once=PanelAction,
    ):
        flash("Action added", "success")
        return redirect(url_for("panels.decision", decision_id=found.id) + "#actions")
    return render_form("panels/action_form.html", form, decision=found)


@bp.route("/actions/<uuid:action_id>/done", methods=["POST"])
@requires(Permission.RECORD_DECISIONS)
def complete_action(action_id: uuid.UUID) -> Any:
    user = acting_user()
    action = decisions.get_action(user, action_id)
    form = DoneForm()
    if form.validate_on_submit() and saved(
        form, lambda: decisions.complete_action(user, action), flashed=True
    ):
        flash("Action marked as done", "success")
    return redirect(url_for("panels.decision", decision_id=action.decision_id) + "#actions")


@bp.route("/decisions/<uuid:decision_id>/payment", methods=["GET", "POST"])
@requires(Permission.RECORD_DECISIONS)
def payment(decision_id: uuid.UUID) -> Any:
    user = acting_user()
    found = decisions.get_decision(user, decision_id)
    form = PaymentForm()
    if request.method == "GET":
        form.version.data = str(found.version)
        form.amount_paid.data = found.amount_paid
    if form.validate_on_submit() and saved(
        form,
        lambda: decisions.record_payment(
            user, found, form.amount_paid.data, version=posted_version(form.version.data)
        ),
        stale=STALE,
    ):
        flash("Payment saved", "success")
        return redirect(url_for("panels.decision", decision_id=found.id))
    return render_form("panels/payment.html", form, decision=found)


@bp.route("/decisions/<uuid:decision_id>/impact", methods=["GET", "POST"])
@requires(Permission.RECORD_DECISIONS)
def impact(decision_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the impact form" if request.method == "GET" else None
    found = decisions.open_decision(user, decision_id, viewing)
    form = ImpactForm()
    if request.method == "GET":
        form.version.data = str(found.version)
        form.impact_effective.data = found.impact_effective
        if found.more_needed is not None:
            form.more_needed.data = "yes" if found.more_needed else "no"
        form.impact_notes.data = found.impact_notes
    more = {"yes": True, "no": False}.get(form.more_needed.data or "")
    if form.validate_on_submit() and saved(
        form,
        lambda: follow_up.record_impact(
            user,
            found,
            form.impact_effective.data,
            more,
            form.impact_notes.data,
            version=posted_version(form.version.data),
        ),
        stale=STALE,
    ):
        flash("Impact recorded", "success")
        return redirect(url_for("panels.decision", decision_id=found.id))
    return render_form("panels/impact.html", form, decision=found)


@bp.route("/follow-up")
@requires(Permission.RECORD_DECISIONS)
def follow_ups() -> str:
    user = acting_user()
    found = follow_up.follow_ups(user)
    audit.record(
        user,
        AuditAction.VIEW,
        "panel_follow_up",
        summary=f"Follow-up: {found.overdue_actions_count} overdue actions, "
        f"{found.reviews_due_count} reviews due",
    )
    return render_template("panels/follow_up.html", found=found, today=date.today())
