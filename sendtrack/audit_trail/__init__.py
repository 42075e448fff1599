"""The audit trail: who viewed, downloaded, exported or changed what, and when.

Route modules: search (the search page and its CSV download)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("audit_trail", __name__, url_prefix="/audit")

from sendtrack.audit_trail import search  # noqa: E402, F401  (registers routes)
