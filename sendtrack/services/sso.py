"""Single sign-on with OpenID Connect (docs/sign-in.md).

The authorisation code flow with PKCE (S256), state and nonce, against each provider the
council configures (config.py: SENDTRACK_OIDC_*). The provider's ID token is verified here:
its signature against the provider's published keys, its issuer, its audience (this
client), its expiry and its nonce. Then the person is matched to an account an
administrator made, by the verified email claim: SSO never makes an account, and the roles
and scopes stay sendtrack's. Every sign-in and every refusal is audited with its reason.

Who must use a second factor is sendtrack's rule (services/two_factor.py). Per provider the
council chooses whether the provider's own MFA, as reported in the token's `amr` claim,
satisfies it (TRUST_MFA), or sendtrack's code is still asked for."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import func, select

from sendtrack import settings
from sendtrack.extensions import db
from sendtrack.models import AuditAction, User
from sendtrack.services import audit, two_factor
from sendtrack.services.errors import DomainError, NotFound

HTTP_TIMEOUT = 10
# How long the provider's discovery document and keys are kept before asking again.
METADATA_SECONDS = 3600
# Clock difference allowed between the provider and this server when checking expiry.
LEEWAY_SECONDS = 60
# How long a person may take at the provider's sign-in page.
PENDING_SECONDS = 600
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
SCOPE = "openid email profile"


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    email_domains: tuple[str, ...]
    password_sign_in: bool
    trust_mfa: bool
    mfa_amr: tuple[str, ...]

    def covers(self, email: str) -> bool:
        """True when the provider's people include this email address (no domains: all)."""
        if not self.email_domains:
            return True
        return email.rsplit("@", 1)[-1].lower() in self.email_domains


class SsoRefused(DomainError):
    """The provider's answer did not sign anyone in; `reason` is what the audit trail keeps."""

    def __init__(self, message: str, reason: str, email: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.email = email


@dataclass(frozen=True)
class SsoSignIn:
    user: User
    provider: Provider
    # The provider's MFA satisfies sendtrack's rule for this sign-in.
    mfa_by_provider: bool
    # Sendtrack's own two-factor code is still to be given.
    needs_code: bool
    id_token: str


def providers() -> list[Provider]:
    found = []
    for raw in settings.config().get("OIDC_PROVIDERS") or []:
        found.append(
            Provider(
                name=str(raw["name"]),
                label=str(raw.get("label") or raw["name"]),
                issuer=str(raw["issuer"]).rstrip("/"),
                client_id=str(raw["client_id"]),
                client_secret=str(raw["client_secret"]),
                email_domains=tuple(str(d).lower() for d in raw.get("email_domains") or ()),
                password_sign_in=bool(raw.get("password_sign_in", True)),
                trust_mfa=bool(raw.get("trust_mfa", False)),
                mfa_amr=tuple(str(v) for v in raw.get("mfa_amr") or ("mfa",)),
            )
        )
    return found


def provider(name: str) -> Provider:
    for found in providers():
        if found.name == name:
            return found
    raise NotFound("sign-in provider")


def password_refused_by(email: str) -> Provider | None:
    """The provider whose people may not sign in with a password, if this email is one."""
    for found in providers():
        if not found.password_sign_in and found.covers(email):
            return found
    return None


# --- the provider's published metadata and keys ---------------------------------------

_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def _get_json(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=HTTP_TIMEOUT)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return data


def _cached(url: str, refresh: bool = False) -> dict[str, Any]:
    now = time.monotonic()
    held = _cache.get(url)
    if held is None or refresh or now - held[0] > METADATA_SECONDS:
        held = (now, _get_json(url))
        _cache[url] = held
    return held[1]


def metadata(found: Provider) -> dict[str, Any]:
    try:
        data = _cached(f"{found.issuer}/.well-known/openid-configuration")
    except (requests.RequestException, ValueError) as exc:
        raise SsoRefused(
            f"{found.label} cannot be reached. Try again, or sign in another way",
            f"discovery failed: {type(exc).__name__}",
        ) from exc
    if str(data.get("issuer", "")).rstrip("/") != found.issuer:
        raise SsoRefused(
            f"{found.label} is not set up correctly. Tell your IT team",
            "discovery document names another issuer",
        )
    return data


def _keys(found: Provider, refresh: bool) -> KeySet:
    return KeySet.import_key_set(_cached(str(metadata(found)["jwks_uri"]), refresh=refresh))  # type: ignore[arg-type]


# --- the flow ---------------------------------------------------------------------------


def start(found: Provider, redirect_uri: str) -> tuple[str, dict[str, Any]]:
    """The provider's authorisation URL and what the browser's session keeps until the
    callback: state, nonce and the PKCE verifier (never sent to the browser)."""
    data = metadata(found)
    state = generate_token(32)
    nonce = generate_token(32)
    verifier = generate_token(64)
    client = OAuth2Session(
        found.client_id,
        found.client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    url, _ = client.create_authorization_url(
        str(data["authorization_endpoint"]), state=state, nonce=nonce, code_verifier=verifier
    )
    pending = {
        "provider": found.name,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "started": datetime.now(UTC).timestamp(),
    }
    return str(url), pending


def _refuse(found: Provider, reason: str, message: str, email: str = "") -> SsoRefused:
    who = f": {email}" if email else ""
    audit.record(
        None,
        AuditAction.LOGIN_FAILED,
        "user",
        summary=f"Single sign-on ({found.name}) refused, {reason}{who}",
    )
    # Keep the refusal's audit event: the response that follows is not a success.
    db.session.commit()
    return SsoRefused(message, reason)


def finish(found: Provider, pending: dict[str, Any] | None, args: dict[str, str]) -> SsoSignIn:
    """Check the provider's answer (the callback's query) against the pending sign-in the
    browser's session held (taken out of it by the caller, so a state is used once), verify
    the ID token and find the account. Raises SsoRefused, audited, for any failure."""
    try:
        return _finish(found, pending, args)
    except SsoRefused as refused:
        raise _refuse(found, refused.reason, refused.message, refused.email) from None


AGAIN = "Sign-in did not complete. Start again"


def _finish(found: Provider, pending: dict[str, Any] | None, args: dict[str, str]) -> SsoSignIn:
    state = args.get("state", "")
    if (
        not pending
        or pending.get("provider") != found.name
        or not state
        or not hmac.compare_digest(str(pending.get("state", "")), state)
    ):
        raise SsoRefused(AGAIN, "state did not match a sign-in started here (replayed or forged)")
    if datetime.now(UTC).timestamp() - float(pending.get("started", 0)) > PENDING_SECONDS:
        raise SsoRefused(AGAIN, "the sign-in took too long")
    if args.get("error"):
        raise SsoRefused(
            f"{found.label} did not sign you in", f"provider answered {args['error'][:100]}"
        )
    if args.get("iss") and args["iss"].rstrip("/") != found.issuer:
        raise SsoRefused(AGAIN, "authorisation response from another issuer")
    code = args.get("code", "")
    if not code:
        raise SsoRefused(AGAIN, "no authorisation code")
    data = metadata(found)
    client = OAuth2Session(
        found.client_id,
        found.client_secret,
        scope=SCOPE,
        redirect_uri=str(pending["redirect_uri"]),
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method's name
    )
    client.timeout = HTTP_TIMEOUT
    try:
        token = client.fetch_token(
            str(data["token_endpoint"]),
            grant_type="authorization_code",
            code=code,
            code_verifier=str(pending["verifier"]),
        )
    except Exception as exc:
        raise SsoRefused(AGAIN, f"token exchange failed: {type(exc).__name__}") from exc
    id_token = str(token.get("id_token") or "")
    if not id_token:
        raise SsoRefused(AGAIN, "no ID token in the token response")
    claims = _verify(found, id_token, str(pending["nonce"]))
    return _match(found, claims, id_token)


def _verify(found: Provider, id_token: str, nonce: str) -> dict[str, Any]:
    try:
        decoded = jwt.decode(id_token, _keys(found, refresh=False), algorithms=SIGNING_ALGORITHMS)
    except JoseError:
        # The provider may have rolled its keys since they were fetched: ask once more.
        try:
            decoded = jwt.decode(
                id_token, _keys(found, refresh=True), algorithms=SIGNING_ALGORITHMS
            )
        except (JoseError, ValueError) as exc:
            raise SsoRefused(AGAIN, f"ID token signature not valid ({type(exc).__name__})") from exc
    except ValueError as exc:
        raise SsoRefused(AGAIN, f"ID token not readable ({type(exc).__name__})") from exc
    claims = dict(decoded.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": found.issuer},
        aud={"essential": True, "value": found.client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise SsoRefused(
            AGAIN, f"ID token refused: {exc.error} {exc.description or ''}".strip()
        ) from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != found.client_id:
        raise SsoRefused(AGAIN, "ID token refused: several audiences and azp is not this client")
    return claims


def _match(found: Provider, claims: dict[str, Any], id_token: str) -> SsoSignIn:
    email = str(claims.get("email") or "").strip().lower()
    no_account = (
        "There is no sendtrack account for you. Ask your sendtrack administrator to make one"
    )
    if not email:
        raise SsoRefused(no_account, "no email claim")
    if claims.get("email_verified") is not True:
        raise SsoRefused(no_account, "email not verified by the provider", email)
    if not found.covers(email):
        raise SsoRefused(no_account, "email outside the provider's domains", email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        raise SsoRefused(no_account, "no account for this email", email)
    if not user.is_active:
        raise SsoRefused(
            "Your sendtrack account has been deactivated. Ask your administrator",
            "account deactivated",
            email,
        )
    amr = claims.get("amr") or []
    amr_values = {str(v) for v in amr} if isinstance(amr, list) else set()
    mfa_by_provider = found.trust_mfa and bool(amr_values & set(found.mfa_amr))
    needs_code = False
    if not mfa_by_provider:
        if user.totp_confirmed:
            needs_code = True
        elif found.trust_mfa and two_factor.required_for(user):
            # The council relies on this provider for MFA, and it did not report any.
            raise SsoRefused(
                f"{found.label} did not confirm a second factor (multi-factor "
                "authentication), which your role needs. Sign in again with it, or ask your "
                "IT team",
                f"no MFA in amr ({','.join(sorted(amr_values)) or 'none'})",
                email,
            )
    if not needs_code:
        user.last_login_at = datetime.now(UTC)
        audit.record(
            user,
            AuditAction.LOGIN,
            "user",
            user.id,
            summary=f"Single sign-on ({found.name})"
            + (", MFA by the provider" if mfa_by_provider else ""),
        )
        db.session.flush()
    return SsoSignIn(user, found, mfa_by_provider, needs_code, id_token)


def logout_url(found: Provider, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's own sign-out page (RP-initiated logout), when it publishes one."""
    try:
        endpoint = metadata(found).get("end_session_endpoint")
    except SsoRefused:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": found.client_id,
        }
    )
    return f"{endpoint}?{query}"
