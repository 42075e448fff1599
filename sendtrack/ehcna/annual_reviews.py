"""Annual reviews of EHC plans: the queue of reviews due, and recording one review."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from sendtrack.ehcna import bp
from sendtrack.ehcna.forms import ReviewForm
from sendtrack.forms import page_number
from sendtrack.models import AuditAction
from sendtrack.permissions import Permission, requires
from sendtrack.services import audit
from sendtrack.services.ehcna import annual_reviews
from sendtrack.services.scoping import get_pupil
from sendtrack.web import acting_user, render_form, saved

REVIEW_VIEWS = [
    ("due", "Due in the next 8 weeks, awaiting a decision, or overdue"),
    ("overdue", "Overdue"),
    ("all", "All reviews not yet decided"),
]


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
