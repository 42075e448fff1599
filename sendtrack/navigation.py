"""The service navigation: one line per section, shown to those whose role allows it."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_login import current_user

from sendtrack.permissions import Permission, user_has

# (label, endpoint, permission). Features add their section here.
SECTIONS: list[tuple[str, str, Permission]] = [
    ("Home", "home.index", Permission.SIGNED_IN),
    ("SEN support register", "pupils.register", Permission.VIEW_REGISTER),
    ("Reception transition funding", "rtf.index", Permission.APPLY_RTF),
    ("EHC needs assessments", "ehcna.index", Permission.RECORD_EHCNA),
    ("Statistics", "statistics.index", Permission.VIEW_STATISTICS),
    ("Referrals", "referrals.index", Permission.VIEW_PUPIL),
    ("Contacts", "contacts.index", Permission.VIEW_CONTACTS),
    ("Ranges", "ranges.guide", Permission.SIGNED_IN),
    ("Cluster panels", "panels.index", Permission.VIEW_PANELS),
    ("Administration", "admin.index", Permission.MANAGE_ORGANISATION),
    ("Audit trail", "audit_trail.search", Permission.VIEW_AUDIT),
]


def nav_items() -> list[dict[str, Any]]:
    items = []
    current = request.endpoint or ""
    for label, endpoint, permission in SECTIONS:
        if not user_has(current_user, permission):
            continue
        blueprint = endpoint.split(".")[0]
        active = current == endpoint or (
            blueprint != "home" and current.startswith(blueprint + ".")
        )
        items.append({"href": url_for(endpoint), "text": label, "active": active})
    return items
