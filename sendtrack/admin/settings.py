"""Schools and early-years settings: list, create, edit, deactivate and reactivate."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.admin import bp
from sendtrack.admin.forms import ConfirmForm, SettingForm, SettingSearchForm
from sendtrack.forms import as_uuid, options, page_number, set_choices
from sendtrack.models import Phase, Setting
from sendtrack.permissions import Permission, requires
from sendtrack.services import organisation
from sendtrack.web import STALE, acting_user, render_form, saved


def _cluster_choices(empty: str, current: uuid.UUID | None = None) -> list[tuple[str, str]]:
    clusters = organisation.active_clusters()
    pairs = [(str(c.id), c.name) for c in clusters]
    if current is not None and all(c.id != current for c in clusters):
        # A deactivated cluster still shows for a setting already in it.
        pairs.append((str(current), organisation.get_cluster(current).name + " (deactivated)"))
    return [("", empty), *pairs]


@bp.route("/settings")
@requires(Permission.MANAGE_ORGANISATION)
def settings() -> Any:
    form = SettingSearchForm(request.args)
    form.cluster.choices = options(_cluster_choices("Any cluster"))
    valid = form.validate()
    phase = form.phase.data if form.phase.data in {p.value for p in Phase} else None
    found = organisation.list_settings(
        form.q.data if valid else None,
        Phase(phase) if phase else None,
        as_uuid(form.cluster.data),
        page_number(request.args.get("page")) if valid else 1,
    )
    return render_template("admin/settings.html", form=form, found=found), 200 if valid else 400


def _details(form: SettingForm) -> organisation.SettingDetails:
    return organisation.SettingDetails(
        urn=form.urn.data or "",
        name=form.name.data or "",
        phase=Phase(form.phase.data),
        cluster_id=as_uuid(form.cluster_id.data),
    )


@bp.route("/settings/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def new_setting() -> Any:
    form = SettingForm()
    set_choices(form.cluster_id, _cluster_choices("Not in a cluster"))
    if form.validate_on_submit():
        outcome = saved(
            form,
            lambda: organisation.create_setting(acting_user(), _details(form)),
            once=Setting,
        )
        if outcome:
            setting = outcome.result
            flash(f"{setting.name} added", "success")
            return redirect(url_for("admin.setting", setting_id=setting.id))
    return render_form("admin/setting_form.html", form, setting=None)


@bp.route("/settings/<uuid:setting_id>")
@requires(Permission.MANAGE_ORGANISATION)
def setting(setting_id: uuid.UUID) -> Any:
    return render_template("admin/setting.html", setting=organisation.get_setting(setting_id))


@bp.route("/settings/<uuid:setting_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def edit_setting(setting_id: uuid.UUID) -> Any:
    found: Setting = organisation.get_setting(setting_id)
    form = SettingForm()
    set_choices(form.cluster_id, _cluster_choices("Not in a cluster", found.cluster_id))
    if request.method == "GET":
        form.urn.data = found.urn
        form.name.data = found.name
        form.phase.data = found.phase.value
        form.cluster_id.data = str(found.cluster_id) if found.cluster_id else ""
        form.version.data = str(found.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: organisation.update_setting(
            acting_user(), found, _details(form), version=form.version.number
        ),
    ):
        flash(f"{found.name} saved", "success")
        return redirect(url_for("admin.setting", setting_id=found.id))
    return render_form("admin/setting_form.html", form, setting=found)


@bp.route("/settings/<uuid:setting_id>/status", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATION)
def setting_status(setting_id: uuid.UUID) -> Any:
    """Deactivate (a setting that closed or left the area) or reactivate. Never deleted:
    children's histories refer to it."""
    found = organisation.get_setting(setting_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = str(found.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: organisation.set_setting_active(
            acting_user(), found, not found.is_active, version=form.version.number
        ),
        stale=STALE,
    ):
        flash(f"{found.name} {'reactivated' if found.is_active else 'deactivated'}", "success")
        return redirect(url_for("admin.setting", setting_id=found.id))
    return render_form(
        "admin/confirm.html",
        form,
        title=f"{'Reactivate' if not found.is_active else 'Deactivate'} {found.name}",
        explanation="A deactivated setting is no longer offered for new children, applications "
        "or SENCO accounts. Its children's records and history stay."
        if found.is_active
        else "The setting will be offered again for children, applications and accounts.",
        back=url_for("admin.setting", setting_id=found.id),
        breadcrumbs=[
            {"text": "Administration", "href": url_for("admin.index")},
            {"text": "Schools and settings", "href": url_for("admin.settings")},
            {"text": found.name, "href": url_for("admin.setting", setting_id=found.id)},
        ],
    )
