"""Statistics for LA officers: one dict of `measure id -> number` for a period.

The measure ids are a stable contract (docs/statistics.md, data-exchange.md): JSON, CSV,
Excel and PDF exports all carry the same figures. Each area computes its own with SQL
aggregates; `avoided.py` documents the "requests avoided" method in full.

- register.*: as at the as-at date (register.py);
- referrals.*, rtf.*: events dated in the period, both ends inclusive;
- avoided.*: children whose first early-support episode was decided in the period,
  classified as at the as-at date with a follow-up window of `window_months`;
- ehcna.*: SEN2 measures (ehcna.py).

`filters` (cluster, setting, need, an Area SEND Lead's scope; filters.py) limit every area;
without them the figures are the whole area's, exactly as `flask stats` exports them.
"""

from __future__ import annotations

from datetime import date

from sendtrack.extensions import db
from sendtrack.services.statistics.avoided import (
    DEFAULT_WINDOW_MONTHS,
    AvoidedChild,
    avoided_measures,
)
from sendtrack.services.statistics.avoided import avoided_children as _avoided_children
from sendtrack.services.statistics.ehcna import ehcna_measures
from sendtrack.services.statistics.filters import NO_FILTERS, Filters
from sendtrack.services.statistics.referrals import referral_measures
from sendtrack.services.statistics.register import register_measures
from sendtrack.services.statistics.rtf import rtf_measures

MIN_WINDOW_MONTHS = 1
MAX_WINDOW_MONTHS = 60

__all__ = [
    "NO_FILTERS",
    "AvoidedChild",
    "Filters",
    "avoided_children",
    "check_options",
    "compute",
]


def check_options(date_from: date, date_to: date, window_months: int) -> None:
    """Raise ValueError with a message for a person when the options make no sense."""
    if date_from > date_to:
        raise ValueError("The start of the period must be on or before its end")
    if not MIN_WINDOW_MONTHS <= window_months <= MAX_WINDOW_MONTHS:
        raise ValueError(
            f"The follow-up window must be {MIN_WINDOW_MONTHS} to {MAX_WINDOW_MONTHS} months"
        )


def compute(
    date_from: date,
    date_to: date,
    as_at: date,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    filters: Filters = NO_FILTERS,
) -> dict[str, int | float]:
    """Every measure for the period (inclusive), statuses judged as at `as_at`."""
    check_options(date_from, date_to, window_months)
    session = db.session()
    measures: dict[str, int | float] = {}
    measures.update(register_measures(session, as_at, filters))
    measures.update(referral_measures(session, date_from, date_to, filters))
    measures.update(rtf_measures(session, date_from, date_to, filters))
    measures.update(avoided_measures(session, date_from, date_to, as_at, window_months, filters))
    measures.update(ehcna_measures(session, date_from, date_to, as_at, filters))
    return dict(sorted(measures.items()))


def avoided_children(
    date_from: date,
    date_to: date,
    as_at: date,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    filters: Filters = NO_FILTERS,
    category: str | None = None,
) -> dict[str, list[AvoidedChild]]:
    """The children behind each avoided.* figure, for drill-down (see avoided.py)."""
    check_options(date_from, date_to, window_months)
    return _avoided_children(
        db.session(), date_from, date_to, as_at, window_months, filters, category
    )
