"""Signing in (password, then the two-factor code when the person has set it up) and
signing out."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from sendtrack.auth import bp
from sendtrack.auth.forms import CodeForm, SignInForm
from sendtrack.models import AuditAction, User
from sendtrack.permissions import public
from sendtrack.services import accounts, audit, two_factor
from sendtrack.web import render_form, saved

PENDING_SECONDS = 300


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
        outcome = saved(
            form,
            lambda: accounts.authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr or "-"
            ),
        )
        if outcome:
            user = outcome.result
            next_url = _safe_next(request.args.get("next"))
            if user.totp_confirmed:
                # Password right; the person still has to show the code from their app.
                session.clear()
                session["pending_user"] = str(user.id)
                session["pending_since"] = datetime.now(UTC).timestamp()
                return redirect(url_for("auth.code", next=next_url))
            _complete_sign_in(user)
            return redirect(next_url)
    return render_form("auth/sign_in.html", form)


def _complete_sign_in(user: User) -> None:
    # A fresh session at sign-in, so no pre-login session id survives (fixation).
    session.clear()
    login_user(user)
    now = datetime.now(UTC).timestamp()
    session["started_at"] = now
    session["last_seen"] = now
    session.permanent = False


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def code() -> str | Response | tuple[str, int]:
    started = session.get("pending_since", 0)
    user = two_factor.user_by_id(session.get("pending_user", ""))
    if user is None or datetime.now(UTC).timestamp() - started > PENDING_SECONDS:
        session.clear()
        flash("Sign in again", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit() and saved(form, lambda: _verify(user, form), field="code"):
        audit.record(user, AuditAction.LOGIN, "user", user.id, summary="Two-factor code")
        _complete_sign_in(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_form("auth/code.html", form)


def _verify(user: User, form: CodeForm) -> None:
    accounts.check_throttle(user.email, request.remote_addr or "-")
    two_factor.verify(user, form.code.data or "", request.remote_addr or "-")


@bp.route("/sign-out")
@public
def logout() -> Response:
    if current_user.is_authenticated:
        audit.record(current_user, AuditAction.LOGOUT, "user", current_user.id)
        # A copy of the session cookie (taken before now) must not stay signed in.
        accounts.end_all_sessions(current_user)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"))
