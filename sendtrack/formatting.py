"""The Jinja registration (web only): the wording helpers as filters, and the globals and
context every page template uses (navigation, error summary, "can" checks).

The helpers themselves live in sendtrack/wording.py so that services can use them without
importing Flask, Flask-Login, forms or navigation.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from sendtrack import school_year
from sendtrack.forms import error_summary
from sendtrack.navigation import nav_items
from sendtrack.permissions import Permission, user_has
from sendtrack.tables import app_table
from sendtrack.wording import days_phrase, govuk_date, govuk_datetime, money


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
        return {
            "council_name": current_app.config["COUNCIL_NAME"],
            "service_name": current_app.config["SERVICE_NAME"],
            "can": lambda perm: user_has(current_user, Permission(perm)),
            "can_open": can_open,
        }

    def can_open(endpoint: str) -> bool:
        """Whether the signed-in person's role may open pages of `endpoint` at all (scope is
        still checked by the page), so a link is never shown only to end in "forbidden"."""
        rule = getattr(current_app.view_functions.get(endpoint), "access_rule", None)
        if rule is None:
            return False
        return rule == "public" or user_has(current_user, Permission(rule))
