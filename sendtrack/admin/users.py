"""User accounts (administrators only): list, create with role memberships, edit,
deactivate (ending the person's sessions at once), reactivate, reset the password."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.admin import bp
from sendtrack.admin.forms import (
    ConfirmForm,
    NewUserForm,
    PasswordForm,
    UserForm,
    UserSearchForm,
)
from sendtrack.forms import as_uuid, page_number, set_choices
from sendtrack.models import Role, User
from sendtrack.permissions import Permission, requires
from sendtrack.services import accounts, organisation, submissions
from sendtrack.services.accounts import MembershipSpec
from sendtrack.services.errors import DomainError
from sendtrack.web import acting_user, render_form, saved


@bp.route("/users")
@requires(Permission.MANAGE_USERS)
def users() -> Any:
    form = UserSearchForm(request.args)
    valid = form.validate()
    role = form.role.data if form.role.data in {r.value for r in Role} else None
    found = accounts.list_users(
        form.q.data if valid else None,
        Role(role) if role else None,
        page_number(request.args.get("page")),
    )
    return render_template("admin/users.html", form=form, found=found), 200 if valid else 400


def _prepare(form: UserForm, user: User | None = None) -> None:
    pairs = [(str(c.id), c.name) for c in organisation.active_clusters()]
    if user is not None:
        # Keep a deactivated cluster the person already has a role in.
        for m in user.memberships:
            if m.cluster is not None and all(p[0] != str(m.cluster_id) for p in pairs):
                pairs.append((str(m.cluster_id), f"{m.cluster.name} (deactivated)"))
    set_choices(form.lead_clusters, pairs)
    set_choices(form.panel_clusters, pairs)
    if user is not None and request.method == "GET":
        form.name.data = user.name
        form.senco_urns.data = " ".join(
            sorted(m.setting.urn for m in user.memberships if m.setting is not None)
        )
        form.lead_clusters.data = [str(c) for c in user.cluster_ids]
        form.panel_clusters.data = [str(c) for c in user.panel_cluster_ids]
        form.area_roles.data = [r.value for r in user.roles if r in (Role.LA_OFFICER, Role.ADMIN)]
        form.version.data = str(user.version)


def _memberships(form: UserForm) -> list[MembershipSpec]:
    specs: list[MembershipSpec] = []
    urns = [u for u in re.split(r"[\s,;]+", form.senco_urns.data or "") if u]
    found = organisation.settings_by_urn(urns)
    for urn in urns:
        if urn not in found:
            raise DomainError(
                f"No school or setting has the URN {urn[:20]}: check the URN", field="senco_urns"
            )
        specs.append(MembershipSpec(Role.SENCO, setting_id=found[urn].id))
    allowed = {str(c.value) for c in form.lead_clusters.choices or []}
    for field, role in (
        (form.lead_clusters, Role.AREA_LEAD),
        (form.panel_clusters, Role.PANEL_MEMBER),
    ):
        for value in field.data or []:
            cluster_id = as_uuid(value)
            if cluster_id is None or value not in allowed:
                raise DomainError("Choose clusters from the list", field=field.name)
            specs.append(MembershipSpec(role, cluster_id=cluster_id))
    for value in form.area_roles.data or []:
        if value not in (Role.LA_OFFICER.value, Role.ADMIN.value):
            raise DomainError("Choose roles from the list", field="area_roles")
        specs.append(MembershipSpec(Role(value)))
    if not specs:
        raise DomainError("Give the person at least one role", field="senco_urns")
    # The same setting typed twice is one membership.
    return list(dict.fromkeys(specs))


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_user() -> Any:
    form = NewUserForm()
    _prepare(form)
    if form.validate_on_submit():

        def create() -> User:
            # The roles are checked before the token is looked up, as the form shows them.
            memberships = _memberships(form)
            return submissions.once(
                acting_user(),
                form.submission.data,
                User,
                lambda: accounts.create_user(
                    acting_user(),
                    email=form.email.data or "",
                    name=form.name.data or "",
                    password=form.password.data or "",
                    memberships=memberships,
                ),
            )

        outcome = saved(form, create)
        if outcome:
            user = outcome.result
            flash(f"Account created for {user.email}", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_form("admin/user_form.html", form, user=None)


@bp.route("/users/<uuid:user_id>")
@requires(Permission.MANAGE_USERS)
def user(user_id: uuid.UUID) -> Any:
    return render_template("admin/user.html", user=accounts.get_user(user_id))


@bp.route("/users/<uuid:user_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_user(user_id: uuid.UUID) -> Any:
    found = accounts.get_user(user_id)
    form = UserForm()
    _prepare(form, found)
    if form.validate_on_submit():

        def update() -> None:
            memberships = _memberships(form)
            accounts.check_own_roles(acting_user(), found, memberships)
            accounts.update_user(
                acting_user(),
                found,
                name=form.name.data or "",
                is_active=found.is_active,
                memberships=memberships,
                version=form.version.number,
            )

        if saved(form, update):
            flash(f"{found.email} saved", "success")
            return redirect(url_for("admin.user", user_id=found.id))
    return render_form("admin/user_form.html", form, user=found)


@bp.route("/users/<uuid:user_id>/status", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_status(user_id: uuid.UUID) -> Any:
    found = accounts.get_user(user_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = str(found.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: accounts.set_active(
            acting_user(), found, not found.is_active, version=form.version.number
        ),
    ):
        if found.is_active:
            flash(f"{found.email} can sign in again", "success")
        else:
            flash(f"{found.email} deactivated and signed out everywhere", "success")
        return redirect(url_for("admin.user", user_id=found.id))
    return render_form(
        "admin/confirm.html",
        form,
        title=f"{'Reactivate' if not found.is_active else 'Deactivate'} {found.email}",
        explanation="The person is signed out everywhere at once and can no longer sign in. "
        "Their name stays on everything they recorded."
        if found.is_active
        else "The person will be able to sign in again with their existing password.",
        back=url_for("admin.user", user_id=found.id),
        breadcrumbs=_crumbs(found),
    )


@bp.route("/users/<uuid:user_id>/password", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def reset_password(user_id: uuid.UUID) -> Any:
    found = accounts.get_user(user_id)
    form = PasswordForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: accounts.reset_password(acting_user(), found, form.password.data or ""),
        field="password",
    ):
        flash(f"Password reset for {found.email}; their sessions have ended", "success")
        return redirect(url_for("admin.user", user_id=found.id))
    return render_form("admin/password.html", form, user=found, breadcrumbs=_crumbs(found))


def _crumbs(found: User) -> list[dict[str, str]]:
    return [
        {"text": "Administration", "href": url_for("admin.index")},
        {"text": "Users", "href": url_for("admin.users")},
        {"text": found.name, "href": url_for("admin.user", user_id=found.id)},
    ]
