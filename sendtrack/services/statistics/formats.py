"""The statistics as files: JSON and CSV for machines, Excel and PDF for people.

JSON is one object `measure id -> number` with sorted keys; CSV is a `measure,value` header
then one row per measure in the same order, numbers written exactly as in the JSON. The
Excel workbook and the PDF lay the same figures out by area with labels, marked
OFFICIAL-SENSITIVE, with the method on a sheet / page of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sendtrack.pdf import html_to_pdf
from sendtrack.services import spreadsheets
from sendtrack.services.packs.render import html_for
from sendtrack.services.statistics.measures import (
    MONEY,
    long_date,
    method,
    rate_note,
    sections,
)

MARKING = "OFFICIAL-SENSITIVE"
FORMATS = ("json", "csv", "xlsx", "pdf")
TEXT_FORMATS = ("json", "csv")


@dataclass(frozen=True)
class Report:
    date_from: date
    date_to: date
    as_at: date
    window_months: int
    measures: dict[str, int | float]
    produced_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def title(self) -> str:
        return f"SEND statistics, {long_date(self.date_from)} to {long_date(self.date_to)}"

    @property
    def method(self) -> list[tuple[str, str]]:
        return method(self.date_from, self.date_to, self.as_at, self.window_months, self.measures)


def to_json(measures: dict[str, int | float]) -> str:
    return json.dumps(measures, sort_keys=True, indent=2) + "\n"


def to_csv(measures: dict[str, int | float]) -> str:
    # Numbers as numbers (the csv module writes them as json.dumps does): a figure is never
    # mistaken for text that needs neutralising.
    rows = [[measure, measures[measure]] for measure in sorted(measures)]
    return spreadsheets.csv_text([["measure", "value"], *rows], lineterminator="\n")


def to_xlsx(report: Report) -> bytes:
    # Imported here: openpyxl takes a while to load and only this export needs it.
    from openpyxl.styles import Alignment, Font

    book = spreadsheets.new_workbook()
    figures = book.worksheets[0]
    figures.title = "Figures"
    bold = Font(bold=True)
    figures.append([MARKING])
    figures["A1"].font = Font(bold=True, color="C00000")
    figures.append([report.title])
    figures["A2"].font = Font(bold=True, size=14)
    figures.append(
        [
            f"Statuses as at {long_date(report.as_at)}; follow-up window "
            f"{report.window_months} months. See the Method sheet."
        ]
    )
    figures.append([])
    figures.append(["Area", "Measure", "Measure id", "Value"])
    for cell in figures[5]:
        cell.font = bold
    for title, rows in sections(report.measures):
        for figure in rows:
            figures.append([title, figure.label, figure.measure, figure.value])
            value_cell = figures.cell(row=figures.max_row, column=4)
            if figure.measure in MONEY:
                value_cell.number_format = "£#,##0.00"
            elif isinstance(figure.value, float):
                value_cell.number_format = "0.000"
    figures.append([])
    figures.append(["Requests avoided", rate_note(report.measures)])
    for column, width in zip("ABCD", (36, 70, 52, 14), strict=True):
        figures.column_dimensions[column].width = width
    figures.freeze_panes = "A6"

    notes = book.create_sheet("Method")
    notes.append([MARKING])
    notes["A1"].font = Font(bold=True, color="C00000")
    notes.append([f"How these figures were made ({report.title})"])
    notes["A2"].font = Font(bold=True, size=14)
    notes.append([])
    for heading, text in report.method:
        notes.append([heading, text])
        notes.cell(row=notes.max_row, column=1).font = bold
        notes.cell(row=notes.max_row, column=2).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        notes.cell(row=notes.max_row, column=1).alignment = Alignment(vertical="top")
    notes.append([])
    notes.append(["Produced", f"{report.produced_at:%Y-%m-%d %H:%M} UTC"])
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 110

    return spreadsheets.workbook_bytes(book)


def to_html(report: Report) -> str:
    # The PDF documents' own Jinja environment (the one panel packs render with): the same
    # templates folder and whitespace rules as the app's, and no Flask.
    return html_for(
        "pdf/statistics.html",
        {
            "report": report,
            "sections": sections(report.measures),
            "marking": MARKING,
            "long_date": long_date,
            "rate_note": rate_note(report.measures),
        },
    )


def to_pdf(report: Report) -> bytes:
    # The same locked fetcher as every other PDF: the document may load only static files.
    return html_to_pdf(to_html(report))
