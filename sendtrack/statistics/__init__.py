"""Statistics for LA officers and Area SEND Leads: the /statistics pages and the
`flask stats` and `flask statistics-facts` commands.

Route modules: dashboard (the page, its charts, drill-down and downloads); cli holds the
commands, forms the dashboard's choices."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("statistics", __name__, url_prefix="/statistics")

from sendtrack.statistics import dashboard, home_card  # noqa: E402, F401  (registers routes/cards)
