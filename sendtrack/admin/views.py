"""Administration: clusters, settings, users, imports."""

from __future__ import annotations

from flask import Blueprint, render_template

from sendtrack.permissions import Permission, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@requires(Permission.MANAGE_ORGANISATION)
def index() -> str:
    return render_template("admin/index.html")
