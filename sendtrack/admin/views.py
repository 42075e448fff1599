"""Administration: clusters, settings, users, unit rates, the LA's settings, CSV imports,
and the area-wide child search with restriction.

One blueprint; its routes live in the modules imported at the bottom, by subject."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from sendtrack import forms
from sendtrack.permissions import Permission, requires, user_has

bp = Blueprint("admin", __name__, url_prefix="/admin")


def page_number() -> int:
    return forms.page_number(request.args.get("page"))


@bp.route("/")
@requires(Permission.MANAGE_ORGANISATION)
def index() -> str:
    return render_template(
        "admin/index.html", can_manage_users=user_has(current_user, Permission.MANAGE_USERS)
    )


from sendtrack.admin import (  # noqa: E402, F401  (registers the routes on bp)
    children_views,
    cluster_views,
    import_views,
    reference_views,
    setting_views,
    two_factor_views,
    user_views,
)
from sendtrack.admin import home_card as _home_card  # noqa: E402, F401  (registers its cards)
