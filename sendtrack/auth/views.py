"""Sign in and sign out."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from sendtrack.auth.forms import SignInForm
from sendtrack.models import AuditAction
from sendtrack.permissions import public
from sendtrack.services import accounts, audit
from sendtrack.services.errors import DomainError

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only ever go back to a path on this site, never to another host.
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if g.get("session_expired"):
        flash("You were signed out because you were inactive. Sign in again.", "info")
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr or "-"
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            next_url = _safe_next(request.args.get("next"))
            # A fresh session at sign-in, so no pre-login session id survives (fixation).
            session.clear()
            login_user(user)
            now = datetime.now(UTC).timestamp()
            session["started_at"] = now
            session["last_seen"] = now
            session.permanent = False
            return redirect(next_url)
    status = 400 if form.errors else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out")
@public
def logout() -> Response:
    if current_user.is_authenticated:
        audit.record(current_user, AuditAction.LOGOUT, "user", current_user.id)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"))
