"""The request's unit of work, for the rare view that must drop what a failed attempt did."""

from __future__ import annotations

from sendtrack.extensions import db


def discard() -> None:
    """Forget everything this request has written so far (a stale save must keep nothing)."""
    db.session.rollback()
