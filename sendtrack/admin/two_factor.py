"""The council's choice of the roles that must use two-factor sign-in."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import HiddenField, SelectMultipleField, SubmitField
from wtforms.validators import Optional

from sendtrack.admin import bp
from sendtrack.forms import BaseForm, options, posted_version
from sendtrack.models import AuditAction
from sendtrack.models.users import ROLE_LABELS
from sendtrack.permissions import Permission, requires
from sendtrack.services import audit, two_factor
from sendtrack.web import STALE, acting_user, render_form, saved


class TwoFactorRolesForm(BaseForm):
    version = HiddenField()
    roles = SelectMultipleField(
        "Who must use two-factor sign-in?",
        widget=GovCheckboxesInput(),
        choices=options([(role.value, label) for role, label in ROLE_LABELS.items()]),
        description="Select all that apply. People with a ticked role set up an "
        "authenticator app the next time they use the service.",
        # Checked by the service, with a GOV.UK message ("Select roles from the list").
        validate_choice=False,
        validators=[Optional()],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.route("/two-factor", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def two_factor_roles() -> Any:
    user = acting_user()
    form = TwoFactorRolesForm()
    current = two_factor.policy()
    if request.method == "GET":
        form.version.data = str(current.version if current is not None else 0)
        form.roles.data = sorted(r.value for r in two_factor.required_roles())
        audit.record(user, AuditAction.VIEW, "two_factor_policy")
    if form.validate_on_submit() and saved(
        form,
        lambda: two_factor.set_council_roles(
            user, list(form.roles.data or []), posted_version(form.version.data)
        ),
        stale=STALE,
    ):
        flash("Two-factor sign-in settings saved", "success")
        return redirect(url_for("admin.two_factor_roles"))
    if form.errors:
        # The version now saved, so that checking the choice and saving again works.
        latest = two_factor.policy()
        form.version.data = str(latest.version if latest is not None else 0)
    return render_form(
        "admin/two_factor.html",
        form,
        floor=[ROLE_LABELS[r] for r in sorted(two_factor.floor_roles())],
    )
