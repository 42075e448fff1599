"""Advice and support contacts (data-exchange.md):

- contacts.total: contacts dated in the period (an event's attendance is a contact for
  each setting that attended);
- contacts.settings: distinct settings those contacts were with;
- contacts.children: distinct named children they were about.

Contacts are counted here and nowhere else: they are never early-support episodes for the
requests-avoided method (avoided.py reads panel decisions and RTF awards only). Filters
apply to the contact's setting (and its cluster) and to the need recorded on the contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.orm import Session

from sendtrack.models import Contact
from sendtrack.services.statistics import spans
from sendtrack.services.statistics.filters import NO_FILTERS, Filters
from sendtrack.services.statistics.spans import Span


def chosen(filters: Filters) -> list[ColumnElement[bool]]:
    clauses = filters.settings_condition(Contact.setting_id, None)
    if filters.needs is not None:
        clauses.append(Contact.need.in_(sorted(filters.needs)))
    return clauses


def contact_measures(
    session: Session, date_from: date, date_to: date, filters: Filters = NO_FILTERS
) -> dict[str, int | float]:
    return contact_measures_by_period(session, [(date_from, date_to)], filters)[0]


def contact_measures_by_period(
    session: Session, periods: Sequence[Span], filters: Filters = NO_FILTERS
) -> list[dict[str, int | float]]:
    spans.check(periods)
    on = spans.bucket(Contact.contact_date, periods)
    found = {
        index: (total, settings, children)
        for index, total, settings, children in session.execute(
            select(
                on,
                func.count(),
                func.count(distinct(Contact.setting_id)),
                func.count(distinct(Contact.pupil_id)),
            )
            .where(spans.within(Contact.contact_date, periods), *chosen(filters))
            .group_by(*spans.group(on, periods))
        )
    }
    return [
        {
            "contacts.total": found.get(index, (0, 0, 0))[0],
            "contacts.settings": found.get(index, (0, 0, 0))[1],
            "contacts.children": found.get(index, (0, 0, 0))[2],
        }
        for index in range(len(periods))
    ]
