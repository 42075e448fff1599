"""Each person's home page and the service's static pages; cards.py is the registry each
feature's home_card.py adds its cards to.

Route modules: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("home", __name__)

from sendtrack.home import pages  # noqa: E402, F401  (registers routes)
