"""Who may do what: one table from role to permissions, and one decorator to declare a
route's rule. Scope (which setting's or cluster's records) is decided in services.scoping;
this module only decides whether a role may use a route at all.

Every view must carry exactly one rule (`requires(...)` or `public`); a test walks the URL map
and fails when a route has none.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from sendtrack.models.users import Role


class Permission(StrEnum):
    SIGNED_IN = "signed_in"
    VIEW_PUPIL = "view_pupil"
    EDIT_PUPIL = "edit_pupil"
    VIEW_REGISTER = "view_register"
    RECORD_APDR = "record_apdr"
    TRANSFER_PUPIL = "transfer_pupil"
    MAKE_REFERRAL = "make_referral"
    VIEW_PANELS = "view_panels"
    MANAGE_PANELS = "manage_panels"
    RECORD_DECISIONS = "record_decisions"
    OVERRIDE_BUDGET = "override_budget"
    VIEW_BUDGETS = "view_budgets"
    APPLY_RTF = "apply_rtf"
    DECIDE_RTF = "decide_rtf"
    RECORD_EHCNA = "record_ehcna"
    MANAGE_EHCNA = "manage_ehcna"
    VIEW_STATISTICS = "view_statistics"
    DRILL_DOWN_STATISTICS = "drill_down_statistics"
    MANAGE_ORGANISATION = "manage_organisation"
    MANAGE_USERS = "manage_users"
    IMPORT_DATA = "import_data"
    VIEW_AUDIT = "view_audit"
    SUBJECT_ACCESS = "subject_access"


P = Permission
_ALL = set(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SENCO: frozenset(
        {
            P.SIGNED_IN,
            P.VIEW_PUPIL,
            P.EDIT_PUPIL,
            P.VIEW_REGISTER,
            P.RECORD_APDR,
            P.TRANSFER_PUPIL,
            P.MAKE_REFERRAL,
            P.APPLY_RTF,
            P.RECORD_EHCNA,
        }
    ),
    Role.AREA_LEAD: frozenset(
        {
            P.SIGNED_IN,
            P.VIEW_PUPIL,
            P.VIEW_PANELS,
            P.MANAGE_PANELS,
            P.RECORD_DECISIONS,
            P.VIEW_BUDGETS,
            P.VIEW_STATISTICS,
        }
    ),
    Role.PANEL_MEMBER: frozenset({P.SIGNED_IN, P.VIEW_PUPIL, P.VIEW_PANELS}),
    Role.LA_OFFICER: frozenset(_ALL - {P.MANAGE_USERS}),
    Role.ADMIN: frozenset(_ALL),
}


def role_has(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def user_has(user: Any, permission: Permission) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any(permission in ROLE_PERMISSIONS[r] for r in user.roles)


F = TypeVar("F", bound=Callable[..., Any])


def requires(permission: Permission) -> Callable[[F], F]:
    """Declare and enforce a route's rule: signed in, and holding `permission`."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if not user_has(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_rule = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Declare that a route is open to everyone (sign-in page, health check)."""
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view
