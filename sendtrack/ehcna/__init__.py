"""EHC needs assessment requests: recording, the LA's workflow, queues, reviews, SEN2.

Route modules: requests (recording a request, the request page and the LA's workflow
forms), queues (the lists of requests), annual_reviews (the review queue and one review),
sen2 (the SEN2 download)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ehcna", __name__)

from sendtrack.ehcna import annual_reviews, home_card, queues, requests, sen2  # noqa: E402, F401 (registers routes/cards)
