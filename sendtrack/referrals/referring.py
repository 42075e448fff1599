"""Referring a child to the cluster panel: a SENCO starts a referral from the child's
record, keeps the draft up to date and submits it; the referral's page shows where it
stands and the panel's decisions."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.forms import posted_version
from sendtrack.models import (
    AuditAction,
    Pupil,
    Referral,
    ReferralStatus,
    RequestType,
    WouldRequestEhcna,
)
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.referrals import bp
from sendtrack.referrals.forms import ReferralForm, SubmitForm
from sendtrack.services import audit
from sendtrack.services.contacts import lists as contact_lists
from sendtrack.services.panels import referrals
from sendtrack.services.ranges import planning
from sendtrack.services.scoping import get_pupil
from sendtrack.web import acting_user, render_form, saved

COMPARE = (
    "This record was changed by someone else after you opened it. Your changes are below "
    "and have not been saved; the saved version is shown for comparison. Save again to "
    "replace it with yours"
)


def _details(form: ReferralForm) -> referrals.ReferralDetails:
    def enum(cls: Any, value: str | None) -> Any:
        try:
            return cls(value) if value else None
        except ValueError:
            return None

    amount: Decimal | None = form.amount_requested.data
    return referrals.ReferralDetails(
        request_type=enum(RequestType, form.request_type.data),
        amount_requested=amount,
        reason=form.reason.data,
        child_views=form.child_views.data,
        parent_views=form.parent_views.data,
        professionals_involved=form.professionals_involved.data,
        would_request_ehcna=enum(WouldRequestEhcna, form.would_request_ehcna.data),
    )


def _context(pupil: Pupil) -> dict[str, Any]:
    return {
        "child": pupil,
        "cycles": referrals.apdr_history(pupil.id),
        "ranges_oap": planning.ordinarily_available_levels(pupil.id),
        "ranges_gap": planning.gap_of_child(pupil.id),
    }


@bp.route("/children/<uuid:pupil_id>/referrals/new", methods=["GET", "POST"])
@requires(Permission.MAKE_REFERRAL)
def new(pupil_id: uuid.UUID) -> Any:
    user = acting_user()
    pupil = get_pupil(user, pupil_id)
    form = ReferralForm()
    if request.method == "GET":
        audit.record(
            user,
            AuditAction.VIEW,
            "referral_form",
            pupil.id,
            pupil_id=pupil.id,
            summary="New referral form",
        )
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: referrals.create_referral(
                user, pupil, _details(form), submit=bool(form.submit.data)
            ),
            once=Referral,
        )
        if outcome:
            referral = outcome.result
            if referral.status is ReferralStatus.SUBMITTED:
                return redirect(url_for("referrals.submitted", referral_id=referral.id))
            flash(f"Referral {referral.reference} saved as a draft", "success")
            return redirect(url_for("referrals.show", referral_id=referral.id))
    return render_form("referrals/form.html", form, referral=None, **_context(pupil))


@bp.route("/referrals/<uuid:referral_id>")
@requires(Permission.VIEW_PUPIL)
def show(referral_id: uuid.UUID) -> str:
    user = acting_user()
    referral = referrals.get_referral(user, referral_id)
    audit.record(user, AuditAction.VIEW, "referral", referral.id, pupil_id=referral.pupil_id)
    decisions = referrals.decisions_for(referral.id)
    can_record = user_has(user, Permission.RECORD_DECISIONS) and referrals.manages_cluster(
        user, referral.cluster_id
    )
    if not can_record:
        # Drafts are the panel's working notes: the school sees confirmed decisions only.
        decisions = [d for d in decisions if d.confirmed_at is not None]
    own = user_has(user, Permission.MAKE_REFERRAL) and referrals.is_own_school(user, referral)
    return render_template(
        "referrals/show.html",
        referral=referral,
        decisions=decisions,
        meeting=referrals.current_meeting(referral.id),
        own=own,
        can_edit=own and referral.status in referrals.EDITABLE,
        can_withdraw=own and referral.status in referrals.WITHDRAWABLE,
        can_return=user_has(user, Permission.MANAGE_PANELS)
        and referrals.manages_cluster(user, referral.cluster_id)
        and referral.status in (ReferralStatus.SUBMITTED, ReferralStatus.SCHEDULED),
        submit_form=SubmitForm(version=str(referral.version)),
        contacts_about=contact_lists.about_child(
            user, referral.pupil_id, referral.submitted_date or date.today()
        ),
        **_context(referral.pupil),
    )


@bp.route("/referrals/<uuid:referral_id>/edit", methods=["GET", "POST"])
@requires(Permission.MAKE_REFERRAL)
def edit(referral_id: uuid.UUID) -> Any:
    user = acting_user()
    referral = referrals.get_referral(user, referral_id)
    if referral.status not in referrals.EDITABLE or not referrals.is_own_school(user, referral):
        flash(f"This referral is {referral.status.label.lower()}: it can no longer be changed")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form = ReferralForm(obj=referral if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(referral.version)
        form.request_type.data = referral.request_type.value
        form.would_request_ehcna.data = (
            referral.would_request_ehcna.value if referral.would_request_ehcna else None
        )
    current: Referral | None = None
    if form.validate_on_submit():
        # A stale save keeps what this person typed, shows what is saved now beside it, and
        # lets them choose: saving again replaces it with theirs.
        outcome = saved(
            form,
            lambda: referrals.update_referral(
                user,
                referral,
                _details(form),
                version=posted_version(form.version.data),
                submit=bool(form.submit.data),
            ),
            stale=COMPARE,
            current=lambda: referrals.reload_referral(referral.id),
        )
        if outcome:
            if form.submit.data:
                return redirect(url_for("referrals.submitted", referral_id=referral.id))
            flash("Referral saved", "success")
            return redirect(url_for("referrals.show", referral_id=referral.id))
        current = outcome.current
    return render_form(
        "referrals/form.html",
        form,
        status=409 if current is not None else None,
        referral=referral,
        saved=current,
        **_context(referral.pupil),
    )


@bp.route("/referrals/<uuid:referral_id>/submit", methods=["POST"])
@requires(Permission.MAKE_REFERRAL)
def submit(referral_id: uuid.UUID) -> Any:
    user = acting_user()
    referral = referrals.get_referral(user, referral_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        flash("Something went wrong: try submitting the referral again")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    if saved(
        form,
        lambda: referrals.submit_referral(
            user, referral, version=posted_version(form.version.data)
        ),
        stale="This record was changed by someone else: check it and submit again",
        flashed=True,
    ):
        return redirect(url_for("referrals.submitted", referral_id=referral.id))
    return redirect(url_for("referrals.show", referral_id=referral_id))


@bp.route("/referrals/<uuid:referral_id>/submitted")
@requires(Permission.MAKE_REFERRAL)
def submitted(referral_id: uuid.UUID) -> str:
    referral = referrals.get_referral(acting_user(), referral_id)
    return render_template("referrals/submitted.html", referral=referral)
