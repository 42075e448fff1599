"""Reporting periods: financial quarters, school terms and any dates.

- Financial quarters (the LA's reporting rhythm): Q1 April-June, Q2 July-September,
  Q3 October-December, Q4 January-March; "2025-26 Q2" is 1 July to 30 September 2025.
- School terms as whole months, so every day of a school year is in exactly one term:
  autumn September-December, spring January-April, summer May-August. Real term dates
  vary by school and with Easter; whole months keep periods comparable year on year.
- Custom: any two dates, both included.

The previous period of a quarter or term is the one before it; of custom dates, the same
number of days just before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sendtrack.services.statistics.measures import long_date

QUARTER = "quarter"
TERM = "term"
CUSTOM = "custom"
KINDS = (QUARTER, TERM, CUSTOM)
TERMS = ("autumn", "spring", "summer")
_TERM_MONTHS = {"autumn": (9, 12), "spring": (1, 4), "summer": (5, 8)}
_QUARTER_RE = re.compile(r"^(\d{4})-(\d{2}) Q([1-4])$")
_TERM_RE = re.compile(r"^(\d{4})-(\d{2}) (autumn|spring|summer)$")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date
    label: str
    code: str  # "2025-26 Q2", "2025-26 autumn" or "" for custom dates

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def _year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def quarter(start_year: int, number: int) -> Period:
    """Financial year starting April `start_year`, quarter 1-4."""
    month = 4 + 3 * (number - 1)
    year = start_year + (month > 12)
    month = (month - 1) % 12 + 1
    end = _month_end(year, month + 2)
    code = f"{_year_label(start_year)} Q{number}"
    return Period(QUARTER, date(year, month, 1), end, code, code)


def quarter_of(day: date) -> Period:
    start_year = day.year if day.month >= 4 else day.year - 1
    number = ((day.month - 4) % 12) // 3 + 1
    return quarter(start_year, number)


def term(start_year: int, name: str) -> Period:
    """School year starting September `start_year`, term by name."""
    first, last = _TERM_MONTHS[name]
    year = start_year if name == "autumn" else start_year + 1
    code = f"{_year_label(start_year)} {name}"
    label = f"{name.capitalize()} term {_year_label(start_year)}"
    return Period(TERM, date(year, first, 1), _month_end(year, last), label, code)


def term_of(day: date) -> Period:
    start_year = day.year if day.month >= 9 else day.year - 1
    name = next(n for n, (a, b) in _TERM_MONTHS.items() if a <= day.month <= b)
    return term(start_year, name)


def custom(start: date, end: date) -> Period:
    return Period(CUSTOM, start, end, f"{long_date(start)} to {long_date(end)}", "")


def parse_quarter(text: str) -> Period | None:
    """'2025-26 Q2' -> that quarter; None when the text is not a financial quarter."""
    match = _QUARTER_RE.match(text.strip())
    if not match:
        return None
    start_year, short_end, number = int(match[1]), int(match[2]), int(match[3])
    if (start_year + 1) % 100 != short_end or not 1900 <= start_year <= 2198:
        return None
    return quarter(start_year, number)


def parse_term(text: str) -> Period | None:
    match = _TERM_RE.match(text.strip())
    if not match:
        return None
    start_year, short_end = int(match[1]), int(match[2])
    if (start_year + 1) % 100 != short_end or not 1900 <= start_year <= 2198:
        return None
    return term(start_year, match[3])


def previous(period: Period) -> Period:
    if period.kind == QUARTER:
        return quarter_of(period.start - timedelta(days=1))
    if period.kind == TERM:
        return term_of(period.start - timedelta(days=1))
    end = period.start - timedelta(days=1)
    return custom(end - timedelta(days=period.days - 1), end)


def last_quarters(ending: date, count: int = 8) -> list[Period]:
    """The `count` financial quarters up to the one containing `ending`, oldest first."""
    quarters = [quarter_of(ending)]
    while len(quarters) < count:
        quarters.append(previous(quarters[-1]))
    return quarters[::-1]


def recent_quarters(today: date, count: int = 12) -> list[Period]:
    """Choices for a form: the current quarter and those before it, newest first."""
    return last_quarters(today, count)[::-1]


def recent_terms(today: date, count: int = 9) -> list[Period]:
    terms = [term_of(today)]
    while len(terms) < count:
        terms.append(previous(terms[-1]))
    return terms
