"""Signing in through the council's identity provider (OpenID Connect, docs/sign-in.md):
the button sends the person to the provider; the provider sends them back to the callback,
where services/sso.py checks everything before the session starts as a password sign-in's
does."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from sendtrack.auth import bp
from sendtrack.auth.sessions import complete_sign_in, safe_next
from sendtrack.permissions import public
from sendtrack.services import sso


@bp.route("/sign-in/sso/<provider>")
@public
def sso_start(provider: str) -> Response | tuple[str, int]:
    found = sso.provider(provider)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    redirect_uri = url_for("auth.sso_callback", provider=found.name, _external=True)
    try:
        url, pending = sso.start(found, redirect_uri)
    except sso.SsoRefused as refused:
        return render_template("auth/sso_refused.html", message=refused.message), 503
    pending["next"] = safe_next(request.args.get("next"))
    # Only one sign-in is pending per browser: a second start replaces the first.
    session["sso_pending"] = pending
    return redirect(url)


@bp.route("/sign-in/sso/<provider>/callback")
@public
def sso_callback(provider: str) -> Response | tuple[str, int]:
    found = sso.provider(provider)
    # Taken out of the session whatever happens: a state is good for one answer only.
    pending = session.pop("sso_pending", None)
    try:
        outcome = sso.finish(found, pending, request.args.to_dict())
    except sso.SsoRefused as refused:
        return render_template("auth/sso_refused.html", message=refused.message), 403
    next_url = safe_next((pending or {}).get("next"))
    signed_in_with = {"provider": found.name, "id_token": outcome.id_token}
    if outcome.needs_code:
        # The provider's sign-in does not stand for sendtrack's second factor here: the
        # person still gives the code from their app, as after a password.
        session.clear()
        session["pending_user"] = str(outcome.user.id)
        session["pending_since"] = datetime.now(UTC).timestamp()
        session["pending_sso"] = signed_in_with
        return redirect(url_for("auth.code", next=next_url))
    complete_sign_in(outcome.user, sso=signed_in_with, mfa_by_provider=outcome.mfa_by_provider)
    return redirect(next_url)
