"""sendtrack: SEN support, cluster panels, Reception Transition Funding and EHCNA tracking."""

from __future__ import annotations

import os
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import config as app_config
from sendtrack import (
    admin,
    audit_trail,
    auth,
    cli,
    contacts,
    ehcna,
    formatting,
    home,
    packs,
    panels,
    pupils,
    ranges,
    referrals,
    rtf,
    settings,
    statistics,
    subject_access,
)
from sendtrack import database as _database  # noqa: F401 (its listeners)
from sendtrack.extensions import csrf, db, login_manager, migrate
from sendtrack.services import accounts, audit, doctor, transactions, two_factor
from sendtrack.services.errors import NotFound, StaleRecord
from sendtrack.services.statistics import cache as _statistics_cache  # noqa: F401 (its listeners)

# Every blueprint package, in the order its routes are registered.
BLUEPRINTS: list[Blueprint] = [
    auth.bp,
    home.bp,
    admin.bp,
    audit_trail.bp,
    subject_access.bp,
    rtf.bp,
    ehcna.bp,
    statistics.bp,
    pupils.bp,
    ranges.bp,
    referrals.bp,
    panels.bp,
    packs.bp,
    contacts.bp,
]

TWO_FACTOR_EXEMPT = {
    "auth.two_factor_setup",
    "auth.logout",
    "static",
    "home.accessibility",
    "home.privacy",
}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(app_config.BASE_DIR / "templates"),
        instance_path=str(app_config.INSTANCE_DIR),
    )
    app.config.from_object(app_config.load(config_name))
    app.config.update(overrides)
    # Services import no Flask: they read the configuration of the app they run for, and
    # the audit trail the address of the client it serves, through these.
    settings.read_from(_current_config)
    audit.read_client_address_from(_client_address)
    app.wsgi_app = TrustedProxies(app.wsgi_app, app.config)  # type: ignore[method-assign]
    app_config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    _prepare_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app_config.BASE_DIR / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    _check_environment(app)
    _configure_jinja(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    _register_errors(app)
    cli.register(app)
    return app


def _current_config() -> Any:
    return current_app.config


def _client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


class TrustedProxies:
    """Werkzeug's ProxyFix with the number of trusted proxies read from the configuration
    (TRUSTED_PROXIES) on each request: the client address (request.remote_addr, which the
    sign-in throttle counts and the audit records) is then the one the nearest trusted proxy
    saw, and X-Forwarded-Proto says whether the browser used HTTPS. With 0, the default,
    X-Forwarded-For is ignored: anyone can send that header."""

    def __init__(self, wsgi_app: Any, config: Any) -> None:
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ: Any, start_response: Any) -> Any:
        trusted = int(self.config.get("TRUSTED_PROXIES") or 0)
        if trusted <= 0:
            return self.wsgi_app(environ, start_response)
        fixed = ProxyFix(self.wsgi_app, x_for=trusted, x_proto=trusted)
        return fixed(environ, start_response)


DEVELOPMENT_WARNING = (
    "SENDTRACK_ENV is not set to production: this is a DEVELOPMENT configuration (a fixed "
    "secret key, two-factor sign-in not required, no Secure cookie). Never use it for real "
    "children's data: set SENDTRACK_ENV=production (README, Production)."
)


def _check_environment(app: Flask) -> None:
    """Development: say so, on the console and in the log. Production: refuse to start
    when a check of `flask doctor` fails (SQLite without SENDTRACK_ALLOW_SQLITE; the audit
    table's triggers missing or removable by the app's database role). `flask` commands
    skip the database checks, since `flask db upgrade` runs as the tables' owner; run
    `flask --app wsgi doctor` to see them."""
    if app.config.get("ENV_NAME") == "development":
        # Flask's handler writes this to standard error; a configured logging setup
        # records it too.
        app.logger.warning(DEVELOPMENT_WARNING)
        return
    if app.config.get("ENV_NAME") != "production":
        return
    failed = doctor.problems(doctor.configuration_findings(app.config))
    if not failed and os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        try:
            with app.app_context():
                with db.engine.connect() as connection:
                    failed = doctor.problems(doctor.database_findings(connection))
                # No connection kept from before gunicorn forks its workers.
                db.engine.dispose()
        except Exception as exc:  # the database cannot be reached: refuse, clearly
            failed = [f"Cannot check the database: {exc}"]
    if failed:
        raise app_config.ConfigError("Refusing to start in production: " + " ".join(failed))


def _prepare_sqlite_file(uri: str) -> None:
    """Create a new SQLite database file in WAL mode, once (readers then never block writers)."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix) or uri == "sqlite://":
        return
    path = Path(uri[len(prefix) :])
    if path.exists() or str(path) == ":memory:":
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def _configure_jinja(app: Flask) -> None:
    app.jinja_loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(app_config.BASE_DIR / "templates")),
            jinja2.PrefixLoader(
                {
                    "govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": jinja2.PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    # govuk-frontend-jinja's page template reads optional `params` that may be absent.
    app.jinja_env.undefined = jinja2.ChainableUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    formatting.register(app)


def _register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # Static files are public: they hold no one's data.
    static_view: Any = app.view_functions["static"]
    static_view.access_rule = "public"


def _register_request_hooks(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(session_id: str) -> Any:
        user_id, _, token = session_id.partition(":")
        try:
            return accounts.user_for_session(uuid.UUID(user_id), token)
        except ValueError:
            return None

    @app.before_request
    def enforce_session_limits() -> Response | None:
        if not current_user.is_authenticated:
            return None
        now = datetime.now(UTC).timestamp()
        started = session.get("started_at", now)
        last_seen = session.get("last_seen", now)
        idle = app.config["IDLE_TIMEOUT"].total_seconds()
        absolute = app.config["ABSOLUTE_TIMEOUT"].total_seconds()
        if now - last_seen > idle or now - started > absolute:
            logout_user()
            session.clear()
            g.session_expired = True
            return None
        session["last_seen"] = now
        if (
            not current_user.totp_confirmed
            and not session.get("sso_mfa")
            and request.endpoint not in TWO_FACTOR_EXEMPT
            and two_factor.required_for(current_user)
        ):
            # Whoever must use two-factor sign-in (LA officers and administrators in
            # production, and the roles the council chose) sets it up before anything else,
            # unless the council trusts the MFA of the provider that signed them in
            # (docs/sign-in.md).
            return redirect(url_for("auth.two_factor_setup"))  # type: ignore[return-value]
        return None

    @app.before_request
    def writers_queue() -> None:
        # A request that may write takes SQLite's write lock before its view reads anything,
        # so it queues behind other writers instead of failing ("database is locked") when
        # it writes after one of them committed (docs/concurrency.md). GETs only read.
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            transactions.take_write_lock()

    @app.after_request
    def commit_and_secure(response: Response) -> Response:
        # One commit per request, and only when the request succeeded: a rejected form
        # (400) or an error leaves nothing half-saved.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages and files carry children's data: never keep them in any cache.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response


def _register_errors(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(_exc: NotFound) -> tuple[str, int]:
        return render_template("errors/404.html"), 404

    @app.errorhandler(StaleDataError)
    @app.errorhandler(StaleRecord)
    def stale(_exc: Exception) -> tuple[str, int]:
        # Someone else saved the record between this request's read and its write (the
        # mapper's version check on flush), and no form caught it: say so, not a 500.
        db.session.rollback()
        return render_template("errors/409.html"), 409

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        if code in (400, 403, 404, 405, 413, 429):
            return render_template(f"errors/{code}.html", error=exc), code
        return exc

    @app.errorhandler(500)
    def server_error(_exc: Exception) -> tuple[str, int]:
        db.session.rollback()
        return render_template("errors/500.html"), 500
