"""Unit rates per staff role, and the local authority's own settings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import current_app, flash, redirect, request, url_for

from sendtrack.admin import bp
from sendtrack.admin.forms import ConfirmForm, LocalAuthorityForm, SearchForm, UnitRateForm
from sendtrack.forms import page_number
from sendtrack.models import UnitRate
from sendtrack.permissions import Permission, requires
from sendtrack.services import reference_data
from sendtrack.web import STALE, acting_user, render_form, saved


def _save_rate(form: UnitRateForm, rate: UnitRate | None = None) -> Callable[[], UnitRate]:
    """What both rate forms save: a new rate, or `rate` as it was when the form opened."""
    return lambda: reference_data.save_unit_rate(
        acting_user(),
        staff_role=form.staff_role.data or "",
        hourly_rate=form.hourly_rate.data,
        rate=rate,
        version=form.version.number,
    )


@bp.route("/unit-rates", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def unit_rates() -> Any:
    """The list of rates, with the form to add one under it."""
    search = SearchForm(request.args)
    form = UnitRateForm()
    if form.validate_on_submit():
        outcome = saved(form, _save_rate(form), once=UnitRate)
        if outcome:
            rate = outcome.result
            flash(f"Rate for {rate.staff_role} added", "success")
            return redirect(url_for("admin.unit_rates"))
    valid = search.validate()
    found = reference_data.list_unit_rates(
        search.q.data if valid else None, page_number(request.args.get("page"))
    )
    return render_form(
        "admin/unit_rates.html", form, status=None if valid else 400, search=search, found=found
    )


@bp.route("/unit-rates/<uuid:unit_rate_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def edit_unit_rate(unit_rate_id: uuid.UUID) -> Any:
    rate = reference_data.get_unit_rate(unit_rate_id)
    form = UnitRateForm()
    if request.method == "GET":
        form.staff_role.data = rate.staff_role
        form.hourly_rate.data = rate.hourly_rate
        form.version.data = str(rate.version)
    if form.validate_on_submit() and saved(form, _save_rate(form, rate)):
        flash(f"Rate for {rate.staff_role} saved", "success")
        return redirect(url_for("admin.unit_rates"))
    return render_form("admin/unit_rate_form.html", form, rate=rate)


@bp.route("/unit-rates/<uuid:unit_rate_id>/status", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def unit_rate_status(unit_rate_id: uuid.UUID) -> Any:
    """Stop offering a rate for new provisions (provisions already costed keep it)."""
    rate = reference_data.get_unit_rate(unit_rate_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = str(rate.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: reference_data.set_unit_rate_active(
            acting_user(), rate, not rate.is_active, version=form.version.number
        ),
        stale=STALE,
    ):
        flash(
            f"{rate.staff_role} {'offered again' if rate.is_active else 'no longer offered'}",
            "success",
        )
        return redirect(url_for("admin.unit_rates"))
    return render_form(
        "admin/confirm.html",
        form,
        title=f"{'Offer again' if not rate.is_active else 'Stop using'} the rate for "
        f"{rate.staff_role}",
        explanation="Provisions already costed keep their cost; new provisions cannot use it."
        if rate.is_active
        else "New provisions will be able to use this rate again.",
        back=url_for("admin.unit_rates"),
        breadcrumbs=[
            {"text": "Administration", "href": url_for("admin.index")},
            {"text": "Unit rates", "href": url_for("admin.unit_rates")},
        ],
    )


@bp.route("/local-authority", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def local_authority() -> Any:
    la = reference_data.local_authority()
    form = LocalAuthorityForm()
    if request.method == "GET":
        form.name.data = la.name if la else current_app.config["COUNCIL_NAME"]
        form.la_code.data = la.la_code if la else ""
        form.follow_up_window_months.data = str(la.follow_up_window_months if la else 12)
        form.suppression_threshold.data = str(la.suppression_threshold if la else 5)
        form.notional_sen_threshold.data = la.notional_sen_threshold if la else None
        form.version.data = str(la.version) if la else ""
    if form.validate_on_submit() and saved(
        form,
        lambda: reference_data.update_local_authority(
            acting_user(),
            reference_data.LocalAuthorityDetails(
                name=form.name.data or "",
                la_code=form.la_code.data,
                follow_up_window_months=int(form.follow_up_window_months.data or 0),
                suppression_threshold=int(form.suppression_threshold.data or 0),
                notional_sen_threshold=form.notional_sen_threshold.data,
            ),
            version=form.version.number,
        ),
    ):
        flash("Local authority settings saved", "success")
        return redirect(url_for("admin.local_authority"))
    return render_form(
        "admin/local_authority.html",
        form,
        rtf_review_point=current_app.config.get("RTF_REVIEW_POINT"),
    )
