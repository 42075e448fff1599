"""RTF decisions: recording the LA's decision on an application, and the decision letter."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Response, flash, redirect, request, url_for

from sendtrack.forms import as_uuid, posted_version, set_choices
from sendtrack.models import AuditAction, RtfDecision
from sendtrack.pdf import render_pdf
from sendtrack.permissions import Permission, requires
from sendtrack.rtf import bp
from sendtrack.rtf.choices import band_choices
from sendtrack.rtf.forms import DecisionForm
from sendtrack.rtf.messages import CHANGED
from sendtrack.school_year import financial_year_of
from sendtrack.services import audit
from sendtrack.services.rtf import applications as rtf
from sendtrack.services.rtf import budgets as rtf_budget
from sendtrack.web import acting_user, render_form, saved


@bp.route("/<uuid:application_id>/decide", methods=["GET", "POST"])
@requires(Permission.DECIDE_RTF)
def decide(application_id: uuid.UUID) -> Any:
    user = acting_user()
    application = rtf.get_application(user, application_id)
    if application.decision is not None:
        flash("This application has already been decided")
        return redirect(url_for("rtf.show", application_id=application.id))
    form = DecisionForm()
    set_choices(form.band_id, band_choices("No band"))
    if request.method == "GET":
        form.version.data = str(application.version)
        form.band_id.data = str(application.band_id) if application.band_id else ""
    if form.validate_on_submit() and saved(
        form,
        lambda: rtf.decide(
            user,
            application,
            RtfDecision(form.decision.data),
            form.amount_awarded.data,
            form.decision_reason.data,
            band_id=as_uuid(form.band_id.data),
            version=posted_version(form.version.data),
        ),
        stale=CHANGED,
    ):
        flash(f"Decision recorded for {application.reference}", "success")
        return redirect(url_for("rtf.show", application_id=application.id))
    position = rtf_budget.position(financial_year_of(date.today()))
    return render_form("rtf/decide.html", form, application=application, position=position)


@bp.route("/<uuid:application_id>/letter.pdf")
@requires(Permission.APPLY_RTF)
def letter(application_id: uuid.UUID) -> Any:
    user = acting_user()
    application = rtf.get_application(user, application_id)
    if application.decision is None:
        flash("There is no decision letter until the application is decided")
        return redirect(url_for("rtf.show", application_id=application.id))
    pdf = render_pdf(
        "pdf/rtf_award_letter.html",
        rtf.letter_context(application),
        f"Reception transition funding {application.reference}",
    )
    audit.record(
        user,
        AuditAction.DOWNLOAD,
        "rtf_application",
        application.id,
        pupil_id=application.pupil_id,
        summary=f"Decision letter {application.reference}",
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{application.reference}-letter.pdf"'
        },
    )
