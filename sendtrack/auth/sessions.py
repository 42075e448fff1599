"""Starting a signed-in session, shared by the password and single sign-on routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import session, url_for
from flask_login import login_user

from sendtrack.models import User


def safe_next(target: str | None) -> str:
    # Only ever go back to a path on this site, never to another host.
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


def complete_sign_in(
    user: User, *, sso: dict[str, Any] | None = None, mfa_by_provider: bool = False
) -> None:
    # A fresh session at sign-in, so no pre-login session id survives (fixation).
    session.clear()
    login_user(user)
    now = datetime.now(UTC).timestamp()
    session["started_at"] = now
    session["last_seen"] = now
    session.permanent = False
    if sso:
        # Which provider signed the person in (for its sign-out) and whether its MFA
        # stands for sendtrack's two-factor rule in this session.
        session["sso"] = sso
    if mfa_by_provider:
        session["sso_mfa"] = True
