"""The administration index: links to each part of administration the person may use."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from sendtrack.admin import bp
from sendtrack.permissions import Permission, requires, user_has


@bp.route("/")
@requires(Permission.MANAGE_ORGANISATION)
def index() -> str:
    return render_template(
        "admin/index.html", can_manage_users=user_has(current_user, Permission.MANAGE_USERS)
    )
