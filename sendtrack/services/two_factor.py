"""Time-based one-time passwords (TOTP, RFC 6238) and single-use recovery codes.

Who must use them: the roles the council ticks on /admin/two-factor (TwoFactorPolicy), and
always LA officers and administrators when TWO_FACTOR_ENFORCED is on (always in
production). A code is accepted once: the step it was accepted for is stored, so the same
code cannot be replayed within its 30-second validity."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time
import uuid
from datetime import UTC, datetime

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sendtrack import settings
from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    LoginAttempt,
    RecoveryCode,
    Role,
    TwoFactorPolicy,
    User,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, StaleRecord

# Always required in production (TWO_FACTOR_ENFORCED), whatever the council has chosen.
ROLES_REQUIRING_2FA = (Role.LA_OFFICER, Role.ADMIN)
RECOVERY_CODE_COUNT = 10
# The council's choice is one row with this id, so two first saves at once cannot make two.
POLICY_ID = uuid.UUID(int=1)


def floor_roles() -> set[Role]:
    """The roles the deployment requires two-factor sign-in for, whatever the council
    chooses: LA officers and administrators in production, none in development."""
    return set(ROLES_REQUIRING_2FA) if settings.config().get("TWO_FACTOR_ENFORCED") else set()


def policy() -> TwoFactorPolicy | None:
    return db.session.get(TwoFactorPolicy, POLICY_ID)


def _parse(roles: str) -> set[Role]:
    return {Role(value) for value in roles.split(",") if value in Role.__members__.values()}


def council_roles() -> set[Role]:
    """The roles the council has ticked (none until an administrator saves the form)."""
    found = policy()
    return _parse(found.roles) if found is not None else set()


def required_roles() -> set[Role]:
    return floor_roles() | council_roles()


def required_for(user: User) -> bool:
    roles = user.roles
    if roles & floor_roles():
        return True  # no query: the usual case for officers and administrators
    return bool(roles & council_roles())


def set_council_roles(actor: User, values: list[str], version: int | None) -> TwoFactorPolicy:
    """Save the roles the council requires two-factor sign-in for. `version` is the one the
    form showed (0 before the first save): a form opened before someone else saved is
    refused (StaleRecord), never saved over their choice."""
    unknown = [v for v in values if v not in Role.__members__.values()]
    if unknown:
        raise DomainError("Select roles from the list", field="roles")
    chosen = {Role(v) for v in values}
    found = policy()
    if version is None or version != (found.version if found is not None else 0):
        raise StaleRecord(found)
    before = sorted(r.value for r in (_parse(found.roles) if found is not None else set()))
    if found is None:
        found = TwoFactorPolicy(id=POLICY_ID, roles="")
        db.session.add(found)
    found.roles = ",".join(sorted(r.value for r in chosen))
    try:
        versions.save(found)
    except IntegrityError:
        # Another administrator saved first (the row's first insert; a later update is
        # refused by versions.save).
        db.session.rollback()
        raise StaleRecord(None) from None
    after = sorted(r.value for r in chosen)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "two_factor_policy",
        found.id,
        summary="Two-factor sign-in required for: " + (", ".join(after) or "no roles chosen"),
        changes={"roles": [before, after]} if before != after else None,
    )
    return found


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=settings.config()["SERVICE_NAME"]
    )


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup (no script, no external image)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def _matching_step(secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret)
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        # Bytes: compare_digest refuses non-ASCII str, and a typed code may hold anything.
        if hmac.compare_digest(totp.at(candidate * totp.interval).encode(), code.encode()):
            return candidate
    return None


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def confirm_setup(actor: User, secret: str, code: str) -> list[str]:
    """Turn on 2FA with `secret` once the user proves their app shows the right code.
    Returns new recovery codes, to be shown once."""
    step = _matching_step(secret, _clean(code), time.time())
    if step is None:
        raise DomainError(
            "The code is not right. Enter the 6-digit code your app shows now", field="code"
        )
    actor.totp_secret = secret
    actor.totp_confirmed = True
    actor.totp_last_step = step
    codes = _replace_recovery_codes(actor)
    audit.record(actor, AuditAction.UPDATE, "user", actor.id, summary="Two-factor sign-in on")
    db.session.flush()
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _replace_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.clear()
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        user.recovery_codes.append(RecoveryCode(code_hash=_hash(code)))
    return codes


def verify(user: User, code: str, address: str) -> None:
    """Accept a current TOTP code (once) or an unused recovery code; count failures with the
    sign-in throttle."""
    cleaned = _clean(code)
    if user.totp_secret and len(cleaned) == 6 and cleaned.isdigit():
        step = _matching_step(user.totp_secret, cleaned, time.time())
        if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
            user.totp_last_step = step
            db.session.flush()
            return
    else:
        wanted = _hash(cleaned)
        for recovery in user.recovery_codes:
            if recovery.used_at is None and hmac.compare_digest(recovery.code_hash, wanted):
                recovery.used_at = datetime.now(UTC)
                audit.record(
                    user,
                    AuditAction.LOGIN,
                    "user",
                    user.id,
                    summary="Signed in with a recovery code",
                )
                db.session.flush()
                return
    db.session.add(LoginAttempt(email=user.email, address=address, attempted_at=datetime.now(UTC)))
    audit.record(user, AuditAction.LOGIN_FAILED, "user", user.id, summary="Wrong 2FA code")
    # Kept even though the response is an error (the request's own transaction rolls back).
    db.session.commit()
    raise DomainError(
        "The code is not right, or it has been used already. Enter the code "
        "your app shows now, or one of your recovery codes",
        field="code",
    )


def remaining_recovery_codes(user: User) -> int:
    return sum(1 for c in user.recovery_codes if c.used_at is None)


def user_by_id(user_id: str) -> User | None:
    try:
        return db.session.scalar(
            select(User).where(User.id == uuid.UUID(user_id), User.is_active.is_(True))
        )
    except ValueError:
        return None
