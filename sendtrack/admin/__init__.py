"""Administration: clusters, settings, users, unit rates, the LA's settings, CSV imports,
and the area-wide child search with restriction.

Route modules: overview (the index), clusters, settings, users, two_factor, reference_data
(unit rates and the local authority's settings), imports, children."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from sendtrack.admin import (  # noqa: E402, F401  (registers routes/cards)
    children,
    clusters,
    home_card,
    imports,
    overview,
    reference_data,
    settings,
    two_factor,
    users,
)
