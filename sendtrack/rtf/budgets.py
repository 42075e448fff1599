"""The RTF pot and its bands: each financial year's allocation, and the bands offered."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, request, url_for

from sendtrack.forms import as_uuid
from sendtrack.models import RtfBand
from sendtrack.permissions import Permission, requires
from sendtrack.rtf import bp
from sendtrack.rtf.forms import BandForm, BudgetForm, RetireBandForm
from sendtrack.school_year import financial_year_of
from sendtrack.services.rtf import budgets as rtf_budget
from sendtrack.web import acting_user, render_form, saved


@bp.route("/budget", methods=["GET", "POST"])
@requires(Permission.DECIDE_RTF)
def budget() -> Any:
    user = acting_user()
    form = BudgetForm()
    if request.method == "GET":
        form.financial_year.data = financial_year_of(date.today())
    if form.validate_on_submit():
        allocation = form.allocation.data
        assert allocation is not None
        outcome = saved(
            form,
            lambda: rtf_budget.set_allocation(user, form.financial_year.data or "", allocation),
        )
        if outcome:
            saved_budget = outcome.result
            flash(f"RTF budget for {saved_budget.financial_year} saved", "success")
            return redirect(url_for("rtf.budget"))
    return render_form(
        "rtf/budget.html",
        form,
        positions=rtf_budget.all_positions(),
        current=financial_year_of(date.today()),
    )


@bp.route("/bands", methods=["GET", "POST"])
@requires(Permission.DECIDE_RTF)
def bands() -> Any:
    user = acting_user()
    form = BandForm()
    retire = RetireBandForm(prefix="retire")
    if request.method == "POST" and "retire-band_id" in request.form:
        band_id = as_uuid(request.form.get("retire-band_id"))
        band = rtf_budget.get_band(band_id) if band_id else None
        if band is not None and retire.validate_on_submit():
            rtf_budget.save_band(user, band.name, band.amount, is_active=False, band=band)
            flash(f"{band.name} is no longer offered", "success")
            return redirect(url_for("rtf.bands"))
    elif form.validate_on_submit():
        assert form.amount.data is not None
        amount = form.amount.data
        if saved(
            form,
            lambda: rtf_budget.save_band(user, form.name.data or "", amount),
            once=RtfBand,
        ):
            flash(f"Band {form.name.data} added", "success")
            return redirect(url_for("rtf.bands"))
    return render_form(
        "rtf/bands.html",
        form,
        status=400 if request.method == "POST" else None,
        retire=retire,
        bands=rtf_budget.all_bands(),
    )
