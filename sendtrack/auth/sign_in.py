"""Signing in (password, then the two-factor code when the person has set it up) and
signing out."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from sendtrack.auth import bp
from sendtrack.auth.forms import CodeForm, SignInForm
from sendtrack.auth.sessions import complete_sign_in, safe_next
from sendtrack.models import AuditAction, User
from sendtrack.permissions import public
from sendtrack.services import accounts, audit, sso, two_factor
from sendtrack.services.errors import NotFound
from sendtrack.web import render_form, saved

PENDING_SECONDS = 300


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
            next_url = safe_next(request.args.get("next"))
            if user.totp_confirmed:
                # Password right; the person still has to show the code from their app.
                session.clear()
                session["pending_user"] = str(user.id)
                session["pending_since"] = datetime.now(UTC).timestamp()
                return redirect(url_for("auth.code", next=next_url))
            complete_sign_in(user)
            return redirect(next_url)
    return render_form("auth/sign_in.html", form, providers=sso.providers())


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
        complete_sign_in(user, sso=session.get("pending_sso"))
        return redirect(safe_next(request.args.get("next")))
    return render_form("auth/code.html", form)


def _verify(user: User, form: CodeForm) -> None:
    accounts.check_throttle(user.email, request.remote_addr or "-")
    two_factor.verify(user, form.code.data or "", request.remote_addr or "-")


@bp.route("/sign-out")
@public
def logout() -> Response | str:
    provider_logout = None
    signed_in_with = session.get("sso") or {}
    if current_user.is_authenticated and signed_in_with:
        try:
            found = sso.provider(str(signed_in_with.get("provider")))
        except NotFound:
            found = None
        if found is not None:
            provider_logout = (
                found.label,
                sso.logout_url(
                    found,
                    str(signed_in_with.get("id_token", "")),
                    url_for("auth.login", _external=True),
                ),
            )
    if current_user.is_authenticated:
        audit.record(current_user, AuditAction.LOGOUT, "user", current_user.id)
        # A copy of the session cookie (taken before now) must not stay signed in.
        accounts.end_all_sessions(current_user)
    logout_user()
    session.clear()
    if provider_logout and provider_logout[1]:
        # Signed out of sendtrack; the provider's own session is the person's choice.
        return render_template(
            "auth/signed_out.html", label=provider_logout[0], url=provider_logout[1]
        )
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"))
