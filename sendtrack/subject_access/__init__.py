"""Subject access requests: one child's complete record for the child or their parents.

Route modules: records (the record as JSON or PDF)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("subject_access", __name__, url_prefix="/subject-access")

from sendtrack.subject_access import records  # noqa: E402, F401  (registers routes)
