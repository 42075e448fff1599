"""Accounts: passwords, sign-in with throttling, users and their role memberships."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select

from sendtrack import settings
from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    LoginAttempt,
    Role,
    RoleMembership,
    User,
)
from sendtrack.models.users import new_session_token
from sendtrack.services import audit, common_passwords, sso
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.organisation import like, paginate

MIN_PASSWORD_LENGTH = 12


def _hasher() -> PasswordHasher:
    if settings.config().get("TESTING"):
        # Tests sign in hundreds of times; the production cost would dominate the suite.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            f"Password must be {MIN_PASSWORD_LENGTH} characters or more", field="password"
        )
    if common_passwords.is_common(password):
        raise DomainError(
            "Password is too common; choose a longer phrase that is not easy to guess",
            field="password",
        )


class SignInFailed(DomainError):
    pass


class SignInThrottled(DomainError):
    pass


def _cutoff() -> datetime:
    return datetime.now(UTC) - settings.config()["LOGIN_FAILURE_WINDOW"]


def _recent_failures(email: str, address: str) -> tuple[int, int]:
    cutoff = _cutoff()
    by_email = db.session.scalar(
        select(func.count()).where(LoginAttempt.email == email, LoginAttempt.attempted_at > cutoff)
    )
    by_address = db.session.scalar(
        select(func.count()).where(
            LoginAttempt.address == address, LoginAttempt.attempted_at > cutoff
        )
    )
    return by_email or 0, by_address or 0


def check_throttle(email: str, address: str) -> None:
    """Refuse a sign-in when the account has had too many recent failures (that account is
    locked for the window, from every address, and no other account is), or when the client
    address has (a higher limit: one office behind one address is many people)."""
    by_email, by_address = _recent_failures(email.strip().lower(), address)
    if (
        by_email >= settings.config()["LOGIN_FAILURE_LIMIT"]
        or by_address >= settings.config()["LOGIN_ADDRESS_FAILURE_LIMIT"]
    ):
        raise SignInThrottled(
            "Too many failed attempts to sign in. Wait 5 minutes and try again", field="email"
        )


def authenticate(email: str, password: str, address: str) -> User:
    """Return the user for good credentials. Failures are counted in the database per account
    and per address, so the limit holds across every web worker."""
    email = email.strip().lower()
    check_throttle(email, address)
    provider = sso.password_refused_by(email)
    if provider is not None:
        # The council turned password sign-in off for this provider's people (docs/sign-in.md).
        audit.record(
            None,
            AuditAction.LOGIN_FAILED,
            "user",
            summary=f"{email}: password sign-in is off for {provider.name}",
        )
        db.session.commit()
        raise SignInFailed(f"Sign in with {provider.label}", field="email")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    ok = False
    if user is not None and user.is_active:
        try:
            ok = _hasher().verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok or user is None:
        db.session.add(LoginAttempt(email=email, address=address, attempted_at=datetime.now(UTC)))
        audit.record(None, AuditAction.LOGIN_FAILED, "user", summary=email)
        # Commit now: the failed sign-in response is a 400 and would otherwise roll it back.
        db.session.commit()
        raise SignInFailed("Enter a correct email address and password", field="email")
    user.last_login_at = datetime.now(UTC)
    audit.record(user, AuditAction.LOGIN, "user", user.id)
    db.session.flush()
    return user


def user_for_session(user_id: uuid.UUID, token: str) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Rotate the user's session token: every session cookie issued before, on any device
    (including one copied by someone else), no longer signs anyone in."""
    user.session_token = new_session_token()
    db.session.flush()


# --- administration -------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipSpec:
    role: Role
    setting_id: uuid.UUID | None = None
    cluster_id: uuid.UUID | None = None


def _check_memberships(memberships: list[MembershipSpec]) -> None:
    if not memberships:
        raise DomainError("Select at least one role", field="roles")
    for m in memberships:
        if m.role is Role.SENCO and m.setting_id is None:
            raise DomainError("Select the setting this SENCO works in", field="setting")
        if m.role in (Role.AREA_LEAD, Role.PANEL_MEMBER) and m.cluster_id is None:
            raise DomainError(f"Select the cluster for the {m.role.label} role", field="cluster")


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    password: str,
    memberships: list[MembershipSpec],
) -> User:
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise DomainError("A user with this email address already exists", field="email")
    check_password_policy(password)
    _check_memberships(memberships)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password))
    user.memberships = [
        RoleMembership(role=m.role, setting_id=m.setting_id, cluster_id=m.cluster_id)
        for m in memberships
    ]
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CREATE,
        "user",
        user.id,
        summary=f"{email}: {', '.join(m.role.value for m in memberships)}",
    )
    return user


def update_user(
    actor: User,
    user: User,
    *,
    name: str,
    is_active: bool,
    memberships: list[MembershipSpec],
    password: str | None = None,
    version: int | None = None,
) -> User:
    """Details, roles and status together; `version` is the account's version when the form
    was opened: a form opened before another administrator's change is refused (StaleRecord)
    rather than putting back a role they revoked."""
    _check_memberships(memberships)
    versions.claim(user, version)
    before = {
        "name": user.name,
        "is_active": user.is_active,
        "roles": sorted(f"{m.role.value}:{m.setting_id}:{m.cluster_id}" for m in user.memberships),
    }
    user.name = name.strip()
    if user.is_active and not is_active:
        end_all_sessions(user)
    user.is_active = is_active
    wanted = {(m.role, m.setting_id, m.cluster_id) for m in memberships}
    have = {(m.role, m.setting_id, m.cluster_id): m for m in user.memberships}
    for key, m in have.items():
        if key not in wanted:
            user.memberships.remove(m)
    db.session.flush()
    for key in wanted - set(have):
        user.memberships.append(RoleMembership(role=key[0], setting_id=key[1], cluster_id=key[2]))
    if password:
        check_password_policy(password)
        user.password_hash = hash_password(password)
        end_all_sessions(user)
    db.session.flush()
    after = {
        "name": user.name,
        "is_active": user.is_active,
        "roles": sorted(f"{m.role.value}:{m.setting_id}:{m.cluster_id}" for m in user.memberships),
    }
    if before["roles"] != after["roles"] and actor is not None and actor.id != user.id:
        # The person signs in again and starts with their new roles.
        end_all_sessions(user)
    audit.record(actor, AuditAction.UPDATE, "user", user.id, changes=audit.diff(before, after))
    return user


def get_user(user_id: uuid.UUID) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    return user


# --- the users list and account changes by an administrator ---------------------------


def list_users(query_text: str | None, role: Role | None, page: int) -> Any:
    query = select(User).order_by(User.is_active.desc(), func.lower(User.name))
    if query_text:
        pattern = like(query_text)
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    if role is not None:
        query = query.where(
            select(RoleMembership.id)
            .where(RoleMembership.user_id == User.id, RoleMembership.role == role)
            .exists()
        )
    return paginate(query, page)


def _not_yourself(actor: User, user: User, message: str) -> None:
    if actor.id == user.id:
        raise DomainError(message)


def set_active(actor: User, user: User, active: bool, *, version: int | None = None) -> User:
    """Deactivate (ending every session the person has at once) or reactivate an account.
    A confirmation opened before another change to the account is refused (StaleRecord):
    two administrators confirming "deactivate" must not reactivate the account."""
    versions.claim(user, version)
    if not active:
        _not_yourself(actor, user, "You cannot deactivate your own account")
    if user.is_active == active:
        return user
    if not active:
        end_all_sessions(user)
    user.is_active = active
    db.session.flush()
    audit.record(
        actor,
        AuditAction.UPDATE,
        "user",
        user.id,
        summary=f"{user.email} {'reactivated' if active else 'deactivated'}",
        changes={"is_active": [not active, active]},
    )
    return user


def reset_password(actor: User, user: User, password: str) -> User:
    """Set a new password chosen by an administrator; the person's sessions end."""
    check_password_policy(password)
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "user",
        user.id,
        summary=f"Password reset for {user.email}",
        # Never the password itself, not even hashed.
        changes={"password": ["(set)", "(reset)"]},
    )
    return user


def check_own_roles(actor: User, user: User, memberships: list[MembershipSpec]) -> None:
    """An administrator may not take away their own administrator role (and so lock
    everyone out of user administration)."""
    if actor.id == user.id and not any(m.role is Role.ADMIN for m in memberships):
        raise DomainError("You cannot remove your own administrator role", field="roles")
