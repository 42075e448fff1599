"""Cluster budget pages: each cluster's position for a financial year at a glance, one
cluster's awards, and setting a cluster's allocation (LA officers)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.forms import set_choices
from sendtrack.models import AuditAction, User
from sendtrack.panels import bp
from sendtrack.panels.forms import AllocationForm, YearForm
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.school_year import financial_year_of
from sendtrack.services import audit
from sendtrack.services.errors import DomainError
from sendtrack.services.panels import budgets as cluster_budgets
from sendtrack.services.rtf.budgets import check_financial_year
from sendtrack.services.scoping import get_cluster
from sendtrack.web import acting_user, render_form, saved


def _year(user: User) -> tuple[YearForm, str, list[str]]:
    form = YearForm(request.args)
    years = cluster_budgets.years(user)
    set_choices(form.year, [(y, y) for y in years])
    year = form.year.data if form.year.data in years else financial_year_of(date.today())
    form.year.data = year
    return form, year, years


@bp.route("/budgets")
@requires(Permission.VIEW_BUDGETS)
def budgets() -> str:
    user = acting_user()
    form, year, _ = _year(user)
    positions = cluster_budgets.positions(user, year)
    return render_template(
        "panels/budgets.html",
        form=form,
        year=year,
        positions=positions,
        can_set=user_has(user, Permission.MANAGE_ORGANISATION),
    )


@bp.route("/budgets/<uuid:cluster_id>")
@requires(Permission.VIEW_BUDGETS)
def cluster_budget(cluster_id: uuid.UUID) -> str:
    user = acting_user()
    cluster = get_cluster(user, cluster_id)
    form, year, _ = _year(user)
    awards = cluster_budgets.awards_in(user, cluster, year)
    audit.record(
        user,
        AuditAction.VIEW,
        "cluster_budget",
        cluster.id,
        summary=f"{cluster.name} awards {year} ({len(awards)} shown)",
    )
    return render_template(
        "panels/cluster_budget.html",
        form=form,
        year=year,
        cluster=cluster,
        position=cluster_budgets.position(cluster, year),
        awards=awards,
        awards_shown=cluster_budgets.AWARDS_SHOWN,
        can_set=user_has(user, Permission.MANAGE_ORGANISATION),
    )


@bp.route("/budgets/<uuid:cluster_id>/allocation", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def set_allocation(cluster_id: uuid.UUID) -> Any:
    user = acting_user()
    cluster = get_cluster(user, cluster_id)
    form = AllocationForm()
    if request.method == "GET":
        try:
            year = check_financial_year(request.args.get("year") or "")
        except DomainError:
            year = financial_year_of(date.today())
        form.financial_year.data = year
        form.allocation.data = cluster_budgets.position(cluster, year).allocation
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: cluster_budgets.set_allocation(
                user, cluster, form.financial_year.data or "", form.allocation.data
            ),
        )
        if outcome:
            budget = outcome.result
            flash(f"{cluster.name} allocation for {budget.financial_year} saved", "success")
            return redirect(url_for("panels.budgets", year=budget.financial_year))
    return render_form("panels/allocation.html", form, cluster=cluster)
