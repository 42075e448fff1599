"""Panel packs on the web: build a version, watch it build, list and download versions, and
the decision record and outcome letters; `flask panel-pack` builds one from the command line.

Route modules: versions, letters (downloads sends their PDFs; cli is the command)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("packs", __name__, url_prefix="/packs")

from sendtrack.packs import letters, versions  # noqa: E402, F401 (registers routes)
