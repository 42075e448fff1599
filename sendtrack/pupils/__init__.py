"""The SEN support register and the child record, with assess, plan, do, review cycles.

Route modules: register (the list and its downloads), records (a child's record, details,
SEN status and timeline), transfers (moves between settings), apdr (assess, plan, do,
review cycles)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pupils", __name__, url_prefix="/pupils")

from sendtrack.pupils import apdr, ctf, home_card, records, register, transfers  # noqa: E402, F401 (registers routes/cards)
