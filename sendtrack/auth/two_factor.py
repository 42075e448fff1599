"""Setting up two-factor sign-in: the authenticator app's QR code, the first code, then the
recovery codes."""

from __future__ import annotations

from flask import render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from sendtrack.auth import bp
from sendtrack.auth.forms import CodeForm
from sendtrack.permissions import Permission, requires
from sendtrack.services import two_factor
from sendtrack.web import render_form, saved


@bp.route("/account/two-factor", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def two_factor_setup() -> str | Response | tuple[str, int]:
    form = CodeForm()
    secret = session.get("totp_setup_secret")
    if request.method == "GET" or not secret:
        secret = two_factor.new_secret()
        session["totp_setup_secret"] = secret
    elif form.validate_on_submit():
        confirmed = saved(
            form,
            lambda: two_factor.confirm_setup(current_user, secret, form.code.data or ""),
            field="code",
        )
        if confirmed:
            codes = confirmed.result
            session.pop("totp_setup_secret", None)
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_form(
        "auth/two_factor_setup.html",
        form,
        secret=secret,
        qr_svg=two_factor.qr_svg(uri),
        required=two_factor.required_for(current_user),
    )
