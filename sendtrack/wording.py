"""How sendtrack words values for people, the GOV.UK way: dates (23 November 2026),
times (23 November 2026 at 2:05pm), money (£1,200) and deadlines (due in 3 days).

Plain functions with no web imports, so services (decision letters, timelines, PDF packs)
and templates word a value the same way. The Jinja registration lives in
sendtrack/formatting.py, which is web only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


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
