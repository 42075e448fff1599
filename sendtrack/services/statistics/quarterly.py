"""The dashboard's downloads: the quarterly report for the high-needs sub-group as PDF, an
Excel workbook with one sheet per table and a method sheet, and a tidy CSV for BI tools.

A version for sharing beyond the LA has small numbers suppressed (suppression.py). Every
download is audited with the period, filters, format and audience, in the same
transaction.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sendtrack.models import AuditAction, User
from sendtrack.pdf import render_pdf
from sendtrack.services import audit, spreadsheets
from sendtrack.services.spreadsheets import CSV_TYPE, XLSX_TYPE
from sendtrack.services.statistics import charts
from sendtrack.services.statistics.breakdowns import BROKEN_DOWN, DIMENSION_LABELS, short_label
from sendtrack.services.statistics.dashboard import Dashboard
from sendtrack.services.statistics.formats import MARKING
from sendtrack.services.statistics.measures import (
    AREAS,
    LABELS,
    MONEY,
    label,
    long_date,
    method,
    shown,
)
from sendtrack.services.statistics.suppression import SUPPRESSED, Shown, note, suppress

FORMATS = {"pdf": "application/pdf", "xlsx": XLSX_TYPE, "csv": CSV_TYPE}
INTERNAL = "internal"
SHARED = "shared"
AUDIENCES = (INTERNAL, SHARED)
CAVEATS = [
    "Requests avoided is an estimate resting on schools' answers to \"Without this support, "
    'would you request an EHC needs assessment now?"; it is not a count of requests that '
    "would certainly have been made.",
    "Children, not episodes, are counted: each child once, at their first early-support "
    "episode ever. Children whose window is still open are pending and not in the rate.",
    "Figures for recent periods change as records are added or corrected; the as-at date "
    "says when they were taken.",
    "Filters apply to the setting a record belongs to (the referral's school and cluster, "
    "the receiving school for RTF, the child's current school for the register) and to "
    "the child's primary need now.",
]


# Excel sheet names are at most 31 characters.
SHEET_NAMES = {
    "SEN register": "SEN register",
    "Referrals to cluster panels": "Referrals",
    "Reception Transition Funding": "RTF",
    "EHCNA requests avoided (estimate)": "Requests avoided",
    "EHC needs assessments (SEN2 definitions)": "EHCNA (SEN2)",
    "Advice and support contacts": "Contacts",
}


@dataclass
class Shared:
    """The dashboard's figures as they may be shown to this audience."""

    dashboard: Dashboard
    audience: str
    threshold: int

    @property
    def suppressed(self) -> bool:
        return self.audience == SHARED

    def values(self, measures: dict[str, int | float]) -> dict[str, Shown]:
        return suppress(measures, self.threshold) if self.suppressed else dict(measures)

    def show(self, measure: str, value: Shown) -> str:
        return SUPPRESSED if value == SUPPRESSED else shown(measure, value)  # type: ignore[arg-type]

    @property
    def note(self) -> str:
        return note(self.threshold) if self.suppressed else ""


def _filename(shared: Shared, ext: str) -> str:
    period = shared.dashboard.choice.period
    stem = f"send-statistics-{period.start.isoformat()}-to-{period.end.isoformat()}"
    return f"{stem}{'-shared' if shared.suppressed else ''}.{ext}"


def _tables(shared: Shared) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, header, rows) for every table of the report, values as they may be shown."""
    d = shared.dashboard
    now = shared.values(d.current.measures)
    before = shared.values(d.before.measures)
    tables: list[tuple[str, list[str], list[list[Any]]]] = []
    header = ["Measure", "Measure id", d.current.period.label, d.before.period.label]
    for prefix, title in AREAS:
        ids = [m for m in d.current.measures if m.split(".", 1)[0] == prefix]
        if ids:
            rows = [[label(m), m, now[m], before.get(m, "")] for m in sorted(ids, key=_order)]
            tables.append((title, header, rows))
    trend_ids = d.trend_measures()
    trend_rows = [
        [f.period.label, *(shared.values(f.measures)[m] for m in trend_ids)] for f in d.trend
    ]
    tables.append(("Trend by quarter", ["Quarter", *map(short_label, trend_ids)], trend_rows))
    for dimension, grouped in d.breakdowns.items():
        body = [
            [name, *(shared.values(values)[m] for m in BROKEN_DOWN)] for name, values in grouped
        ]
        tables.append(
            (
                f"By {DIMENSION_LABELS[dimension].lower()}",
                [DIMENSION_LABELS[dimension], *map(short_label, BROKEN_DOWN)],
                body,
            )
        )
    return tables


def _order(measure: str) -> tuple[int, str]:
    order = {m: i for i, m in enumerate(LABELS)}
    return order.get(measure, len(order)), measure


def _method(shared: Shared) -> list[tuple[str, str]]:
    d = shared.dashboard
    p = d.current.period
    rows = method(p.start, p.end, d.choice.as_at, d.window_months, d.current.measures)
    rows.insert(1, ("Figures for", d.scope.description))
    rows.append(
        (
            "SEN register in each period",
            "The register is a snapshot: each period's figures are as at the end of that "
            "period, or the as-at date when that is earlier.",
        )
    )
    rows.extend((f"Caveat {n}", text) for n, text in enumerate(CAVEATS, start=1))
    if shared.suppressed:
        rows.append(("Small numbers", shared.note))
    return rows


def to_xlsx(shared: Shared) -> bytes:
    # Imported here: openpyxl takes a while to load and only this export needs it.
    from openpyxl.styles import Alignment, Font

    book = spreadsheets.new_workbook()
    book.remove(book.worksheets[0])
    d = shared.dashboard
    for title, header, rows in _tables(shared):
        sheet = book.create_sheet(SHEET_NAMES.get(title, title)[:31])
        sheet.append([MARKING])
        sheet["A1"].font = Font(bold=True, color="C00000")
        sheet.append([f"{title}: {d.current.period.label}. {d.scope.description}"])
        sheet["A2"].font = Font(bold=True, size=13)
        sheet.append([shared.note or f"Statuses as at {long_date(d.choice.as_at)}."])
        sheet.append(header)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 48
        sheet.freeze_panes = "B5"
    notes = book.create_sheet("Method")
    notes.append([MARKING])
    notes["A1"].font = Font(bold=True, color="C00000")
    notes.append(["How these figures were made"])
    notes["A2"].font = Font(bold=True, size=13)
    for heading, text in _method(shared):
        notes.append([heading, text])
        notes.cell(row=notes.max_row, column=1).font = Font(bold=True)
        notes.cell(row=notes.max_row, column=2).alignment = Alignment(wrap_text=True)
    notes.append(["Produced", f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"])
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 110
    return spreadsheets.workbook_bytes(book)


def to_csv(shared: Shared) -> str:
    """Tidy rows for BI tools: one figure per row, with its period and breakdown."""
    d = shared.dashboard
    out = io.StringIO()
    writer = spreadsheets.CsvWriter(out, lineterminator="\n")
    writer.writerow(
        ["period", "period_start", "period_end", "breakdown", "group", "measure", "value"]
    )

    def rows(period: Any, breakdown: str, group: str, values: dict[str, Shown]) -> None:
        for measure in sorted(values):
            writer.writerow(
                [
                    period.label,
                    period.start.isoformat(),
                    period.end.isoformat(),
                    breakdown,
                    group,
                    measure,
                    values[measure],
                ]
            )

    rows(d.current.period, "all", d.scope.description, shared.values(d.current.measures))
    for figures in d.trend:
        if figures.period != d.current.period:
            rows(figures.period, "all", d.scope.description, shared.values(figures.measures))
    for dimension, table in d.breakdowns.items():
        for name, values in table:
            rows(d.current.period, dimension, name, shared.values(values))
    return out.getvalue()


def chart_svgs(shared: Shared) -> dict[str, str]:
    """The report's charts, drawn from the figures as they may be shown."""
    d = shared.dashboard
    labels = [f.period.code for f in d.trend]
    trend = [shared.values(f.measures) for f in d.trend]
    activity = [
        ("referrals.received", "Referrals received"),
        ("referrals.decided", "Referrals decided"),
        ("referrals.pupils_supported", "Children supported"),
        ("rtf.approved", "RTF awards"),
    ]
    outcomes = [
        ("avoided.avoided", "Avoided"),
        ("avoided.escalated", "Escalated"),
        ("avoided.pending", "Pending"),
        ("avoided.lost_to_follow_up", "Lost to follow-up"),
        ("avoided.not_flagged", "Not flagged"),
    ]
    return {
        "activity": charts.bar_chart(
            "Referrals, children supported and RTF awards by quarter",
            labels,
            [(name, [t.get(m) for t in trend]) for m, name in activity],
        ),
        "avoided": charts.bar_chart(
            "Children by first early-support episode and what followed, by quarter",
            labels,
            [(name, [t.get(m) for t in trend]) for m, name in outcomes],
            stacked=True,
        ),
    }


def to_pdf(shared: Shared) -> bytes:
    d = shared.dashboard
    now = shared.values(d.current.measures)
    context = {
        "d": d,
        "shared": shared,
        "now": now,
        "before": shared.values(d.before.measures),
        "tables": _tables(shared),
        "charts": chart_svgs(shared),
        "method": _method(shared),
        "long_date": long_date,
        "money": MONEY,
        "produced_at": datetime.now(UTC),
    }
    title = f"SEND statistics: {d.current.period.label}"
    return render_pdf("pdf/quarterly_report.html", context, title)


def download(
    actor: User, dashboard: Dashboard, fmt: str, audience: str, threshold: int
) -> tuple[bytes, str, str]:
    """(content, mimetype, filename) for the dashboard's figures, audited."""
    if fmt not in FORMATS or audience not in AUDIENCES:
        raise ValueError("Choose a format and who the figures are for")
    shared = Shared(dashboard, audience, threshold)
    content: bytes
    if fmt == "pdf":
        content = to_pdf(shared)
    elif fmt == "xlsx":
        content = to_xlsx(shared)
    else:
        content = to_csv(shared).encode("utf-8")
    period = dashboard.choice.period
    who = (
        "shared beyond the LA, small numbers suppressed"
        if shared.suppressed
        else "for use inside the LA"
    )
    audit.record(
        actor,
        AuditAction.EXPORT,
        "statistics",
        summary=(f"Statistics {period.label} ({dashboard.scope.description}), {fmt}, {who}"),
        changes={
            "from": [None, period.start],
            "to": [None, period.end],
            "as_at": [None, dashboard.choice.as_at],
            "filters": [None, dashboard.scope.description],
            "format": [None, fmt],
            "audience": [None, audience],
        },
    )
    return content, FORMATS[fmt], _filename(shared, fmt)
