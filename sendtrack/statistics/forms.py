"""The dashboard's choices: a period (financial quarter, school term or any dates) and
filters. Read from the query string, so every view of the figures has a URL to share."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.validators import ValidationError

from sendtrack.forms import BaseForm, date_field, options, select
from sendtrack.models import NeedCode
from sendtrack.services.statistics import periods
from sendtrack.services.statistics.dashboard import Choice
from sendtrack.services.statistics.periods import Period

PERIOD_KINDS = [
    (periods.QUARTER, "Financial quarter"),
    (periods.TERM, "School term"),
    (periods.CUSTOM, "Other dates"),
]
EARLIEST = date(2000, 1, 1)


class DashboardForm(BaseForm):
    class Meta:
        csrf = False

    period = RadioField(
        "Period", widget=GovRadioInput(), choices=options(PERIOD_KINDS), default=periods.QUARTER
    )
    # Named apart from the "Period" radios ("Financial quarter", "School term"): two controls
    # with one name cannot be told apart by a screen reader user.
    quarter = select("Which quarter")
    term = select("Which term")
    date_from = date_field("From", "The start date")
    date_to = date_field("To", "The end date")
    cluster = select("Cluster")
    setting = select("School or setting")
    need = select("Primary need")

    def set_choices(self, today: date, filters: dict[str, list[tuple[str, str]]]) -> None:
        quarters = periods.recent_quarters(today)
        terms = periods.recent_terms(today)
        self.quarter.choices = options([(q.code, q.label) for q in quarters])
        self.term.choices = options([(t.code, t.label) for t in terms])
        if not self.quarter.data:
            self.quarter.data = periods.previous(periods.quarter_of(today)).code
        if not self.term.data:
            self.term.data = periods.previous(periods.term_of(today)).code
        self.cluster.choices = options([("", "All clusters"), *filters["cluster"]])
        self.setting.choices = options([("", "All schools and settings"), *filters["setting"]])
        self.need.choices = options([("", "All needs"), *filters["need"]])

    def validate_need(self, field: Any) -> None:
        if field.data and field.data not in NeedCode.__members__.values():
            raise ValidationError("Select a primary need from the list")

    def chosen_period(self) -> Period | None:
        kind = self.period.data or periods.QUARTER
        if kind == periods.QUARTER:
            found = periods.parse_quarter(self.quarter.data or "")
            if found is None:
                self.add_error("quarter", "Select a financial quarter, like 2025-26 Q2")
            return found
        if kind == periods.TERM:
            found = periods.parse_term(self.term.data or "")
            if found is None:
                self.add_error("term", "Select a school term")
            return found
        start, end = self.date_from.data, self.date_to.data
        if start is None and not self.date_from.errors:
            self.add_error("date_from", "Enter the start date")
        if end is None and not self.date_to.errors:
            self.add_error("date_to", "Enter the end date")
        if start is None or end is None:
            return None
        if start < EARLIEST or end < EARLIEST:
            self.add_error("date_from", "The start date must be in 2000 or later")
            return None
        if end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
            return None
        if (end - start).days > 366 * 5:
            self.add_error("date_to", "The period must be 5 years or shorter")
            return None
        return periods.custom(start, end)

    def choice(self, today: date) -> Choice | None:
        """The checked choice, or None with errors on the form. Ids that are not UUIDs
        raise ValueError: to the user that is a record that does not exist."""
        self.validate()
        if self.period.data not in {k for k, _ in PERIOD_KINDS}:
            self.period.errors = ["Select a period"]
            return None
        found = self.chosen_period()
        if found is None or self.need.errors:
            return None
        return Choice(
            period=found,
            as_at=today,
            cluster_id=uuid.UUID(self.cluster.data) if self.cluster.data else None,
            setting_id=uuid.UUID(self.setting.data) if self.setting.data else None,
            need=NeedCode(self.need.data) if self.need.data else None,
        )


def query_args(choice: Choice) -> dict[str, str | list[str]]:
    """The query string that brings back this choice (for charts, downloads, drill-down)."""
    args: dict[str, str | list[str]] = {"period": choice.period.kind}
    if choice.period.kind == periods.QUARTER:
        args["quarter"] = choice.period.code
    elif choice.period.kind == periods.TERM:
        args["term"] = choice.period.code
    else:
        for name, value in (("date_from", choice.period.start), ("date_to", choice.period.end)):
            args[name] = [str(value.day), str(value.month), str(value.year)]
    if choice.cluster_id:
        args["cluster"] = str(choice.cluster_id)
    if choice.setting_id:
        args["setting"] = str(choice.setting_id)
    if choice.need:
        args["need"] = choice.need.value
    return args
