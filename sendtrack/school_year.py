"""School years, Reception cohorts and financial years, as the domain guide defines them."""

from __future__ import annotations

from datetime import date


def school_year_start(on: date) -> int:
    """The calendar year in which the school year containing `on` began (September)."""
    return on.year if on.month >= 9 else on.year - 1


def reception_cohort(reception_year: int) -> tuple[date, date]:
    """Birth dates of children starting Reception in September of `reception_year`."""
    return date(reception_year - 5, 9, 1), date(reception_year - 4, 8, 31)


def reception_year_for(date_of_birth: date) -> int:
    """The September in which a child born on `date_of_birth` starts Reception."""
    return school_year_start(date_of_birth) + 5


def year_group(date_of_birth: date, on: date, override: int | None = None) -> int:
    """National curriculum year on `on`: 0 is Reception, -1 nursery, 1-13 Years 1-13.

    Children taught out of cohort carry an override, which wins."""
    if override is not None:
        return override
    return school_year_start(on) - reception_year_for(date_of_birth)


def year_group_label(value: int | None) -> str:
    if value is None:
        return ""
    if value == 0:
        return "Reception"
    if value < 0:
        return "Nursery" if value == -1 else "Pre-school"
    if value > 14:
        return "Post-19"
    return f"Year {value}"


def financial_year_of(on: date) -> str:
    """'2025-26' for any date from 1 April 2025 to 31 March 2026."""
    start = on.year if on.month >= 4 else on.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year_bounds(label: str) -> tuple[date, date]:
    start = int(label[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


def age_on(date_of_birth: date, on: date) -> tuple[int, int]:
    """Age in whole years and months."""
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    if on.day < date_of_birth.day:
        months -= 1
    return months // 12, months % 12
