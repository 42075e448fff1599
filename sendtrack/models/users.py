"""People who sign in, and the roles they hold in which scope."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sendtrack.models.base import Base, Timestamps, UuidPk, Versioned, enum_column
from sendtrack.models.org import Cluster, Setting


class Role(StrEnum):
    SENCO = "senco"
    AREA_LEAD = "area_lead"
    PANEL_MEMBER = "panel_member"
    LA_OFFICER = "la_officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.SENCO: "SENCO",
    Role.AREA_LEAD: "Area SEND Lead",
    Role.PANEL_MEMBER: "Panel member",
    Role.LA_OFFICER: "LA officer",
    Role.ADMIN: "Administrator",
}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UuidPk, Timestamps, Base):
    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(server_default=true())
    # Changing the token ends every session the user has (logout everywhere, deactivation).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed: Mapped[bool] = mapped_column(server_default=false())
    # The last 30-second step a code was accepted for: a code works once (ASVS 2.8.4).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Moved on by administrators' changes only (details, roles, status, password), with a
    # conditional UPDATE (services/versioning.py), not the mapper's version_id_col: signing in
    # writes this row too, and must not make an administrator's open form stale.
    version: Mapped[int] = mapped_column(nullable=False, default=1, server_default="1")

    memberships: Mapped[list[RoleMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login protocol, written out so models do not import the web layer.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def roles(self) -> set[Role]:
        return {m.role for m in self.memberships}

    def has_role(self, *roles: Role) -> bool:
        return any(m.role in roles for m in self.memberships)

    @property
    def setting_ids(self) -> set[uuid.UUID]:
        return {m.setting_id for m in self.memberships if m.setting_id is not None}

    @property
    def cluster_ids(self) -> set[uuid.UUID]:
        return self._clusters_as(Role.AREA_LEAD)

    @property
    def panel_cluster_ids(self) -> set[uuid.UUID]:
        return self._clusters_as(Role.PANEL_MEMBER)

    def _clusters_as(self, role: Role) -> set[uuid.UUID]:
        return {
            m.cluster_id for m in self.memberships if m.cluster_id is not None and m.role is role
        }

    @property
    def is_area_wide(self) -> bool:
        return self.has_role(Role.LA_OFFICER, Role.ADMIN)


class RoleMembership(UuidPk, Base):
    """One role held by one user in one scope (a setting, a cluster, or the whole area)."""

    __tablename__ = "role_membership"
    __table_args__ = (
        CheckConstraint(
            "(role = 'senco' AND setting_id IS NOT NULL AND cluster_id IS NULL)"
            " OR (role IN ('area_lead', 'panel_member') AND cluster_id IS NOT NULL"
            " AND setting_id IS NULL)"
            " OR (role IN ('la_officer', 'admin') AND setting_id IS NULL AND cluster_id IS NULL)",
            name="scope_matches_role",
        ),
        UniqueConstraint("user_id", "role", "setting_id", "cluster_id"),
        Index("ix_role_membership_setting", "setting_id"),
        Index("ix_role_membership_cluster", "cluster_id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    setting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("setting.id"))
    cluster_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cluster.id"))

    user: Mapped[User] = relationship(back_populates="memberships")
    setting: Mapped[Setting | None] = relationship(lazy="joined")
    cluster: Mapped[Cluster | None] = relationship(lazy="joined")


class RecoveryCode(UuidPk, Base):
    """A single-use code for signing in without the authenticator app. Stored hashed."""

    __tablename__ = "recovery_code"
    __table_args__ = (Index("ix_recovery_code_user", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class LoginAttempt(Base):
    """Failed sign-ins, kept in the database so throttling holds across web workers."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "attempted_at"),
        Index("ix_login_attempt_address_at", "address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class TwoFactorPolicy(UuidPk, Timestamps, Versioned, Base):
    """The roles the council requires two-factor sign-in for, chosen by an administrator.
    One row at most; without it, the deployment's default (services/two_factor.py)."""

    __tablename__ = "two_factor_policy"

    # Role values separated by commas, e.g. "senco,panel_member".
    roles: Mapped[str] = mapped_column(String(120), server_default="")
