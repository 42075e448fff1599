"""Statistics for LA officers: one dict of `measure id -> number` for a period.

The measure ids are a stable contract (docs/statistics.md, data-exchange.md): JSON, CSV,
Excel and PDF exports all carry the same figures. Each area computes its own with SQL
aggregates; `avoided.py` documents the "requests avoided" method in full.

- register.*: as at the as-at date (register.py);
- referrals.*, rtf.*: events dated in the period, both ends inclusive;
- avoided.*: children whose first early-support episode was decided in the period,
  classified as at the as-at date with a follow-up window of `window_months`;
- ehcna.*: SEN2 measures (ehcna.py);
- contacts.*: advice and support contacts dated in the period (contacts.py), never
  early-support episodes.

`filters` (cluster, setting, need, an Area SEND Lead's scope; filters.py) limit every area;
without them the figures are the whole area's, exactly as `flask stats` exports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sendtrack.extensions import db
from sendtrack.services.statistics import facts  # noqa: F401 - keeps the derived rows in step
from sendtrack.services.statistics.avoided import (
    DEFAULT_WINDOW_MONTHS,
    AvoidedChild,
    avoided_measures,
    avoided_measures_by_period,
)
from sendtrack.services.statistics.avoided import avoided_children as _avoided_children
from sendtrack.services.statistics.contacts import (
    contact_measures,
    contact_measures_by_period,
)
from sendtrack.services.statistics.ehcna import ehcna_measures, ehcna_measures_by_period
from sendtrack.services.statistics.filters import NO_FILTERS, Filters
from sendtrack.services.statistics.referrals import (
    referral_measures,
    referral_measures_by_period,
)
from sendtrack.services.statistics.register import register_measures
from sendtrack.services.statistics.rtf import rtf_measures, rtf_measures_by_period

MIN_WINDOW_MONTHS = 1
MAX_WINDOW_MONTHS = 60

__all__ = [
    "NO_FILTERS",
    "AvoidedChild",
    "Filters",
    "avoided_children",
    "check_options",
    "compute",
    "compute_periods",
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
    measures.update(contact_measures(session, date_from, date_to, filters))
    return dict(sorted(measures.items()))


def compute_periods(
    periods: Sequence[tuple[date, date]],
    as_at: date,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    filters: Filters = NO_FILTERS,
    *,
    register_as_at_period_end: bool = False,
) -> list[dict[str, int | float]]:
    """compute() for each of several periods that do not overlap, in one statement per
    area (spans.py): the dashboard's 8-quarter trend. With `register_as_at_period_end`,
    each period's register.* figures are as at its end (or `as_at` when that is earlier),
    as the dashboard shows them; otherwise as at `as_at`, exactly as compute() does."""
    for start, end in periods:
        check_options(start, end, window_months)
    session = db.session()
    found: list[dict[str, int | float]] = [{} for _ in periods]
    register_dates = [min(end, as_at) if register_as_at_period_end else as_at for _, end in periods]
    snapshots = {on: register_measures(session, on, filters) for on in set(register_dates)}
    areas = [
        referral_measures_by_period(session, periods, filters),
        rtf_measures_by_period(session, periods, filters),
        avoided_measures_by_period(session, periods, as_at, window_months, filters),
        ehcna_measures_by_period(session, periods, as_at, filters),
        contact_measures_by_period(session, periods, filters),
    ]
    for index, measures in enumerate(found):
        measures.update(snapshots[register_dates[index]])
        for area in areas:
            measures.update(area[index])
    return [dict(sorted(m.items())) for m in found]


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
