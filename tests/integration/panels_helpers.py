"""Shared bits for the referral and panel tests."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from sendtrack.extensions import db


def version_in(page: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', page)
    assert match, "no version field on the page"
    return match.group(1)


def count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def referral_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "request_type": "both",
        "amount_requested": "1500",
        "reason": "Reading age three years behind after two APDR cycles",
        "child_views": "I want to read stories to my brother",
        "parent_views": "We want her to catch up",
        "professionals_involved": "Speech and language therapist",
        "would_request_ehcna": "yes",
        "submit": "Submit referral",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
