"""Clusters: list, create, edit, delegated budgets, deactivate and reactivate."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.admin import bp
from sendtrack.admin.forms import BudgetForm, ClusterForm, ConfirmForm, SearchForm
from sendtrack.forms import page_number
from sendtrack.models import Cluster
from sendtrack.permissions import Permission, requires
from sendtrack.school_year import financial_year_of
from sendtrack.services import organisation
from sendtrack.web import STALE, acting_user, render_form, saved


@bp.route("/clusters")
@requires(Permission.MANAGE_ORGANISATION)
def clusters() -> Any:
    form = SearchForm(request.args)
    if not form.validate():
        return render_template(
            "admin/clusters.html", form=form, found=organisation.list_clusters(None, 1)
        ), 400
    found = organisation.list_clusters(form.q.data, page_number(request.args.get("page")))
    return render_template("admin/clusters.html", form=form, found=found)


@bp.route("/clusters/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def new_cluster() -> Any:
    form = ClusterForm()
    if request.method == "GET":
        form.quorum.data = "3"
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: organisation.create_cluster(
                acting_user(), name=form.name.data or "", quorum=int(form.quorum.data or 0)
            ),
            once=Cluster,
        )
        if outcome:
            cluster = outcome.result
            flash(f"Cluster {cluster.name} created", "success")
            return redirect(url_for("admin.cluster", cluster_id=cluster.id))
    return render_form("admin/cluster_form.html", form, cluster=None)


@bp.route("/clusters/<uuid:cluster_id>")
@requires(Permission.MANAGE_ORGANISATION)
def cluster(cluster_id: uuid.UUID) -> Any:
    found = organisation.get_cluster(cluster_id)
    return render_template(
        "admin/cluster.html",
        cluster=found,
        budgets=organisation.cluster_budgets(found),
        settings=organisation.settings_of(found),
    )


@bp.route("/clusters/<uuid:cluster_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def edit_cluster(cluster_id: uuid.UUID) -> Any:
    found = organisation.get_cluster(cluster_id)
    form = ClusterForm()
    if request.method == "GET":
        form.name.data = found.name
        form.quorum.data = str(found.quorum)
        form.version.data = str(found.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: organisation.update_cluster(
            acting_user(),
            found,
            name=form.name.data or "",
            quorum=int(form.quorum.data or 0),
            version=form.version.number,
        ),
    ):
        flash(f"Cluster {found.name} saved", "success")
        return redirect(url_for("admin.cluster", cluster_id=found.id))
    return render_form("admin/cluster_form.html", form, cluster=found)


@bp.route("/clusters/<uuid:cluster_id>/budget", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def cluster_budget(cluster_id: uuid.UUID) -> Any:
    found = organisation.get_cluster(cluster_id)
    form = BudgetForm()
    if request.method == "GET":
        year = request.args.get("year", "")
        form.financial_year.data = year if len(year) == 7 else financial_year_of(date.today())
        current = {b.financial_year: b for b in organisation.cluster_budgets(found)}
        if form.financial_year.data in current:
            form.allocation.data = current[form.financial_year.data].allocation
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: organisation.set_cluster_budget(
                acting_user(), found, form.financial_year.data or "", form.allocation.data
            ),
        )
        if outcome:
            budget = outcome.result
            flash(f"Delegated budget for {budget.financial_year} saved", "success")
            return redirect(url_for("admin.cluster", cluster_id=found.id))
    return render_form("admin/cluster_budget.html", form, cluster=found)


@bp.route("/clusters/<uuid:cluster_id>/status", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def cluster_status(cluster_id: uuid.UUID) -> Any:
    """Deactivate an active cluster, or reactivate one: a cluster is never deleted, because
    referrals, panels and budgets refer to it."""
    found = organisation.get_cluster(cluster_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = str(found.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: organisation.set_cluster_active(
            acting_user(), found, not found.is_active, version=form.version.number
        ),
        stale=STALE,
    ):
        state = "reactivated" if found.is_active else "deactivated"
        flash(f"Cluster {found.name} {state}", "success")
        return redirect(url_for("admin.cluster", cluster_id=found.id))
    return render_form(
        "admin/confirm.html",
        form,
        title=f"{'Reactivate' if not found.is_active else 'Deactivate'} {found.name}",
        explanation="A deactivated cluster is no longer offered for new referrals, settings "
        "or roles. Its history stays."
        if found.is_active
        else "The cluster will be offered again for referrals, settings and roles.",
        back=url_for("admin.cluster", cluster_id=found.id),
        breadcrumbs=[
            {"text": "Administration", "href": url_for("admin.index")},
            {"text": "Clusters", "href": url_for("admin.clusters")},
            {"text": found.name, "href": url_for("admin.cluster", cluster_id=found.id)},
        ],
    )
