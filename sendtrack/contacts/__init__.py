"""Advice and support contacts: recording a call, email, visit or session as it happens, a
setting's contacts, and the follow-up queues.

Route modules: recording (the contact form, editing, the register type-ahead), pages (the
contacts home, one contact, a setting's contacts), follow_ups (the queues), figures
(who the support reaches, and the lists behind the figures)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contacts", __name__, url_prefix="/contacts")

from sendtrack.contacts import events, figures, follow_ups, home_card, pages, recording  # noqa: E402, F401 (registers routes/cards)
