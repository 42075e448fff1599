"""Settings, read from environment variables only.

Development gets safe defaults (a SQLite file under instance/); production refuses to start
without a SECRET_KEY so that a forgotten variable can never mean a guessable session key.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("SENDTRACK_INSTANCE_DIR", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """A setting is missing or unsafe for the chosen environment."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _oidc_providers() -> list[dict[str, object]]:
    """Single sign-on providers (docs/sign-in.md): SENDTRACK_OIDC_PROVIDERS names them
    ("council,schools"), and each NAME has SENDTRACK_OIDC_<NAME>_ISSUER, _CLIENT_ID,
    _CLIENT_SECRET, and optionally _LABEL, _EMAIL_DOMAINS, _PASSWORD_SIGN_IN (default on),
    _TRUST_MFA (default off), _MFA_AMR (default "mfa")."""
    found: list[dict[str, object]] = []
    for name in os.environ.get("SENDTRACK_OIDC_PROVIDERS", "").split(","):
        name = name.strip().lower()
        if not name:
            continue
        prefix = f"SENDTRACK_OIDC_{name.upper()}_"
        missing = [
            key
            for key in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET")
            if not os.environ.get(prefix + key)
        ]
        if missing:
            raise ConfigError(f"Single sign-on provider {name}: set {prefix}{missing[0]}")
        domains = [
            d.strip().lower().lstrip("@")
            for d in os.environ.get(prefix + "EMAIL_DOMAINS", "").split(",")
            if d.strip()
        ]
        password = _bool(prefix + "PASSWORD_SIGN_IN", True)
        if not password and not domains:
            raise ConfigError(
                f"Single sign-on provider {name}: set {prefix}EMAIL_DOMAINS to turn password "
                "sign-in off for its people"
            )
        found.append(
            {
                "name": name,
                "label": os.environ.get(prefix + "LABEL", name.title()),
                "issuer": os.environ[prefix + "ISSUER"].rstrip("/"),
                "client_id": os.environ[prefix + "CLIENT_ID"],
                "client_secret": os.environ[prefix + "CLIENT_SECRET"],
                "email_domains": domains,
                "password_sign_in": password,
                "trust_mfa": _bool(prefix + "TRUST_MFA", False),
                "mfa_amr": [
                    v.strip()
                    for v in os.environ.get(prefix + "MFA_AMR", "mfa").split(",")
                    if v.strip()
                ],
            }
        )
    return found


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")  # production refuses this
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'sendtrack.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    COUNCIL_NAME = os.environ.get("SENDTRACK_COUNCIL_NAME", "Exampleshire County Council")
    SERVICE_NAME = os.environ.get("SENDTRACK_SERVICE_NAME", "SEND support tracker")

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the session's own lifetime limits the token

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SENDTRACK_IDLE_MINUTES", "30")))
    ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SENDTRACK_ABSOLUTE_HOURS", "12")))

    # LA officers and administrators must use two-factor sign-in. Always on in production;
    # off by default for the local demo (no authenticator app needed) and the general test
    # suite, whose two-factor tests switch it on.
    TWO_FACTOR_ENFORCED = _bool("SENDTRACK_REQUIRE_2FA", False)
    # Failed sign-ins are counted per account and per client address, separately: this many
    # for one account locks that account (and only it) for the window; the higher address
    # limit slows one address trying many accounts without locking out an office's users.
    LOGIN_FAILURE_LIMIT = int(os.environ.get("SENDTRACK_LOGIN_FAILURE_LIMIT", "10"))
    LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SENDTRACK_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
    LOGIN_FAILURE_WINDOW = timedelta(minutes=5)
    # How many reverse proxies in front of the app append to X-Forwarded-For (and set
    # X-Forwarded-Proto). 0: trust no such header, the client address is the connection's.
    # Set it to exactly the number of proxies you run, never more: a client can write any
    # X-Forwarded-For it likes, and only the entries your own proxies add can be believed.
    TRUSTED_PROXIES = int(os.environ.get("SENDTRACK_TRUSTED_PROXIES", "0"))

    # Production refuses SQLite unless this is set (docs/security.md).
    ALLOW_SQLITE = _bool("SENDTRACK_ALLOW_SQLITE", False)
    DEMO_PASSWORD = os.environ.get("SENDTRACK_DEMO_PASSWORD", "demo-password-2026")
    PACK_DIR = Path(os.environ.get("SENDTRACK_PACK_DIR", INSTANCE_DIR / "packs"))
    BACKUP_DIR = Path(os.environ.get("SENDTRACK_BACKUP_DIR", INSTANCE_DIR / "backups"))
    AUDIT_ENABLED = _bool("SENDTRACK_AUDIT", True)
    RETENTION_PUPIL_YEARS = int(os.environ.get("SENDTRACK_RETENTION_PUPIL_YEARS", "31"))
    RETENTION_LOGIN_ATTEMPT_DAYS = int(os.environ.get("SENDTRACK_RETENTION_LOGIN_DAYS", "90"))
    PAGE_SIZE = 50
    # Statistics shared beyond the LA show counts under this as "c"; unset = the LA's own
    # setting (LocalAuthority.suppression_threshold, default 5).
    SUPPRESSION_THRESHOLD = (
        int(os.environ["SENDTRACK_SUPPRESSION_THRESHOLD"])
        if os.environ.get("SENDTRACK_SUPPRESSION_THRESHOLD", "").strip().isdigit()
        else None
    )
    # Largest request (an uploaded CSV): anything bigger is refused with a 413 page.
    MAX_CONTENT_LENGTH = int(os.environ.get("SENDTRACK_MAX_UPLOAD_MB", "20")) * 1024 * 1024
    # RTF follow-up: month-day the school reports back, by default the end of the autumn
    # term in which the child starts Reception.
    RTF_REVIEW_POINT = os.environ.get("SENDTRACK_RTF_REVIEW_POINT", "12-20")
    # Single sign-on with OpenID Connect (docs/sign-in.md); none unless configured.
    OIDC_PROVIDERS = _oidc_providers()

    @classmethod
    def check(cls) -> None:
        """Raise ConfigError when the settings are unsafe for this environment."""


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-not-secret"  # noqa: S105 - tests only
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it back on
    PACK_BUILDS_INLINE = True  # inside the test's transaction, not on a thread
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")


class ProductionConfig(Config):
    ENV_NAME = "production"
    TWO_FACTOR_ENFORCED = True
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        key = os.environ.get("SECRET_KEY")
        if not key or len(key) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to at least 32 random characters in production"
            )
        cls.SECRET_KEY = key
        if "DATABASE_URL" not in os.environ:
            raise ConfigError("DATABASE_URL must be set in production")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load(name: str | None = None) -> type[Config]:
    chosen = name or os.environ.get("SENDTRACK_ENV", "development")
    try:
        cfg = CONFIGS[chosen]
    except KeyError:
        raise ConfigError(f"Unknown SENDTRACK_ENV {chosen!r}") from None
    cfg.check()
    return cfg
