"""Who may use a route: one decorator to declare a route's rule, enforced with the table
from role to permissions in sendtrack/role_permissions.py (re-exported here for views).
Scope (which setting's or cluster's records) is decided in services.scoping; this module
only decides whether a role may use a route at all.

Every view must carry exactly one rule (`requires(...)` or `public`); a test walks the URL map
and fails when a route has none.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from sendtrack.role_permissions import ROLE_PERMISSIONS as ROLE_PERMISSIONS
from sendtrack.role_permissions import Permission as Permission
from sendtrack.role_permissions import role_has as role_has
from sendtrack.role_permissions import user_has as user_has

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
