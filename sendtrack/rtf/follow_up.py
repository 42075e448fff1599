"""RTF follow-up: how the child settled at the receiving school, and linking the award to
the school's record of the child."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, request, url_for

from sendtrack.forms import as_uuid, posted_version, set_choices
from sendtrack.permissions import Permission, requires
from sendtrack.rtf import bp
from sendtrack.rtf.forms import FollowUpForm, LinkForm
from sendtrack.rtf.messages import CHANGED
from sendtrack.services.rtf import applications as rtf
from sendtrack.services.rtf import follow_up as rtf_follow_up
from sendtrack.web import acting_user, render_form, saved


@bp.route("/<uuid:application_id>/follow-up", methods=["GET", "POST"])
@requires(Permission.APPLY_RTF)
def follow_up(application_id: uuid.UUID) -> Any:
    user = acting_user()
    application = rtf.get_application(user, application_id)
    if not rtf_follow_up.can_follow_up(user, application):
        flash(
            "The receiving school records the follow-up once the child has started there "
            "and the award is linked to their record"
        )
        return redirect(url_for("rtf.show", application_id=application.id))
    form = FollowUpForm()
    ehcna = rtf_follow_up.ehcna_logged(application)
    if request.method == "GET":
        form.version.data = str(application.version)
        form.how_settled.data = application.how_settled
        form.provision_in_place.data = application.provision_in_place
        if application.ehcna_requested is not None:
            form.ehcna_requested.data = "yes" if application.ehcna_requested else "no"
        elif ehcna is not None:
            form.ehcna_requested.data = "yes"
    if form.validate_on_submit() and saved(
        form,
        lambda: rtf_follow_up.record_follow_up(
            user,
            application,
            form.how_settled.data,
            form.provision_in_place.data,
            form.ehcna_requested.data == "yes",
            version=posted_version(form.version.data),
        ),
        stale=CHANGED,
    ):
        flash("Follow-up saved", "success")
        return redirect(url_for("rtf.show", application_id=application.id))
    return render_form("rtf/follow_up.html", form, application=application, ehcna=ehcna)


@bp.route("/<uuid:application_id>/link", methods=["GET", "POST"])
@requires(Permission.DECIDE_RTF)
def link(application_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the link form" if request.method == "GET" else None
    application = rtf.open_application(user, application_id, viewing)
    candidates = rtf_follow_up.link_candidates(application)
    form = LinkForm()
    set_choices(
        form.pupil_id,
        [
            (
                str(p.id),
                f"{p.legal_forename} {p.legal_surname}, born {p.date_of_birth:%d/%m/%Y}"
                + (f", UPN {p.upn}" if p.upn else ""),
            )
            for p in candidates
        ],
    )
    if request.method == "GET":
        form.version.data = str(application.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: rtf_follow_up.confirm_link(
            user, application, as_uuid(form.pupil_id.data), version=form.version.number
        ),
    ):
        flash("The award is now linked to the school's record", "success")
        return redirect(url_for("rtf.show", application_id=application.id))
    return render_form("rtf/link.html", form, application=application, candidates=candidates)
