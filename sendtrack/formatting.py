"""Jinja filters and globals that present values the GOV.UK way (23 November 2026, £1,200)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from sendtrack import school_year
from sendtrack.forms import error_summary
from sendtrack.navigation import nav_items
from sendtrack.tables import app_table


def govuk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{govuk_date(value)} at {hour}:{value.minute:02d}{suffix}"


def money(value: Decimal | float | int | None, pence: bool = False) -> str:
    if value is None:
        return ""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if pence or amount != amount.to_integral_value():
        return f"{sign}£{amount:,.2f}"
    return f"{sign}£{amount:,.0f}"


def days_phrase(days: int | None) -> str:
    """'due in 3 days', 'due today', 'overdue by 2 days'."""
    if days is None:
        return ""
    if days == 0:
        return "due today"
    unit = "day" if abs(days) == 1 else "days"
    return f"due in {days} {unit}" if days > 0 else f"overdue by {-days} {unit}"


def register(app: Flask) -> None:
    app.jinja_env.filters["govuk_date"] = govuk_date
    app.jinja_env.filters["govuk_datetime"] = govuk_datetime
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["days_phrase"] = days_phrase
    app.jinja_env.globals["year_group_label"] = school_year.year_group_label
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["app_table"] = app_table

    @app.context_processor
    def inject() -> dict[str, Any]:
        from sendtrack.permissions import Permission, user_has

        return {
            "council_name": current_app.config["COUNCIL_NAME"],
            "service_name": current_app.config["SERVICE_NAME"],
            "can": lambda perm: user_has(current_user, Permission(perm)),
            "can_open": can_open,
        }

    def can_open(endpoint: str) -> bool:
        """Whether the signed-in person's role may open pages of `endpoint` at all (scope is
        still checked by the page), so a link is never shown only to end in "forbidden"."""
        from sendtrack.permissions import Permission, user_has

        rule = getattr(current_app.view_functions.get(endpoint), "access_rule", None)
        if rule is None:
            return False
        return rule == "public" or user_has(current_user, Permission(rule))
