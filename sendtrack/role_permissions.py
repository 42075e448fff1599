"""Who may do what: one table from role to permissions. Plain Python, so services can ask
whether a person's role allows an action (record a decision, build a pack) without
importing Flask; the route decorator that enforces a rule lives in sendtrack/permissions.py.
Scope (which setting's or cluster's records) is decided in services.scoping.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

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
    # Advice and support contacts (docs/contacts.md): reading a setting's contacts, and
    # recording them (LA advisers, Area SEND Leads and local-area SENCOs, who hold the
    # Area SEND Lead role for the clusters they support).
    VIEW_CONTACTS = "view_contacts"
    RECORD_CONTACTS = "record_contacts"
    MANAGE_RANGES = "manage_ranges"
    MODERATE_RANGES = "moderate_ranges"


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
            P.VIEW_CONTACTS,
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
            P.VIEW_CONTACTS,
            P.RECORD_CONTACTS,
            P.MODERATE_RANGES,
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
