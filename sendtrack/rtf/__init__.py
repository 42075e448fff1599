"""Reception Transition Funding: applications, decisions and award letters, follow-up, the
RTF pot and its bands, and a child's RTF timeline.

Route modules: applications (the list, applying, one application, a child's timeline),
decisions (deciding, the letter), follow_up (follow-up, linking the award), budgets (the pot
and the bands)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rtf", __name__, url_prefix="/rtf")

from sendtrack.rtf import applications, budgets, decisions, follow_up, home_card  # noqa: E402, F401 (registers routes/cards)
