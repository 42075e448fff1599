"""Every CSV and Excel file sendtrack writes goes through here, so none carries a formula.

A spreadsheet runs a cell whose text starts with =, +, - or @ (or a tab or carriage return
before one) as a formula: a cluster named `=HYPERLINK("http://evil.example/c","Southfield")`
would become a live link on an officer's machine, `=1+1+cmd|' /C calc'!A0` a command
(OWASP "CSV injection"). So, for text only (numbers, dates and empty cells are left alone, and
a negative number stays a number):

- CSV: such a cell gets a leading apostrophe, which spreadsheets read as "this is text";
- Excel: such a cell is written as a text cell (never a formula: openpyxl would otherwise
  store any text starting with = as one) and marked "quote prefix", Excel's own flag for
  text typed with a leading apostrophe, so it shows unchanged and stays text when edited.

Names of clusters and settings that start with one of these characters are also refused at
import and in the admin forms (FORMULA_NAME_MESSAGE); free text such as a note may start
with "-" and is only neutralised here. See docs/exports.md. A test
(tests/integration/test_spreadsheet_exports.py) fails when CSV or Excel is written anywhere
else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from openpyxl import Workbook

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_NAME_MESSAGE = "must not start with =, +, - or @"


def starts_like_formula(text: str) -> bool:
    """True when a spreadsheet would read this text as the start of a formula."""
    return text[:1] in FORMULA_STARTS


def csv_cell(value: Any) -> Any:
    """The value to write in a CSV cell: text that would run as a formula gets an
    apostrophe in front; anything else (numbers included) is unchanged."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


class CsvWriter:
    """csv.writer whose rows are neutralised cell by cell."""

    def __init__(self, out: TextIO, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(rows: Iterable[Iterable[Any]], lineterminator: str = "\r\n") -> str:
    out = io.StringIO()
    CsvWriter(out, lineterminator).writerows(rows)
    return out.getvalue()


def new_workbook() -> Workbook:
    # Imported here: the app builds the export commands on every start; only exports
    # need openpyxl.
    from openpyxl import Workbook

    return Workbook()


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as an .xlsx file, with every cell that would run as a formula turned
    into text first (whatever wrote it)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and (cell.data_type == "f" or starts_like_formula(value)):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
