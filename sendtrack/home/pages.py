"""Each person's home page (its cards), the health check and the service's static pages."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from sendtrack.home import bp
from sendtrack.home.cards import cards_for
from sendtrack.permissions import Permission, public, requires


@bp.route("/")
@public
def root() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("auth.login"))


@bp.route("/home")
@requires(Permission.SIGNED_IN)
def index() -> str:
    return render_template("home/index.html", cards=cards_for(current_user))


@bp.route("/health")
@public
def health() -> dict[str, str]:
    return {"status": "ok"}


@bp.route("/accessibility")
@public
def accessibility() -> str:
    return render_template("home/accessibility.html")


@bp.route("/privacy")
@public
def privacy() -> str:
    return render_template("home/privacy.html")
