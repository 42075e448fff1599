"""Reading an import file: its rows, the problems found in them, the result of a run, and
what each kind of import (clusters, settings, pupils, referrals, RTF, EHCNA) provides.

The kinds' modules import these from here; the package (`sendtrack.services.imports`) runs
an import and re-exports them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sendtrack.models import User

MAX_FILE_BYTES = 50 * 1024 * 1024
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    preview: list[dict[str, str]] = field(default_factory=list)
    # A whole-file kind's own account of the file (the CTF reconciliation).
    details: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} rows checked: {self.created} {verb} created, "
            f"{self.updated} {verb} updated, {self.unchanged} unchanged"
        )


class ImportFileError(Exception):
    """The file as a whole cannot be read (not UTF-8 CSV, missing columns)."""


class Row:
    """One CSV row with typed getters that record problems instead of raising."""

    def __init__(self, number: int, values: dict[str, str], errors: list[RowError]):
        self.number = number
        self.values = values
        self.errors = errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str | None:
        value = (self.values.get(column) or "").strip()
        if not value:
            if required:
                self.error(column, "is required")
            return None
        if len(value) > max_length:
            self.error(column, f"must be {max_length} characters or fewer")
            return None
        if CONTROL_CHARACTERS.search(value):
            self.error(column, "must not contain control characters")
            return None
        return value

    def known(
        self,
        column: str,
        find: Callable[[str], T | None],
        what: str,
        *,
        required: bool = False,
        max_length: int = 200,
    ) -> T | None:
        """The record the column names (found by `find`), or None: "'x' is not a known
        setting" when it names none."""
        value = self.text(column, required=required, max_length=max_length)
        if value is None:
            return None
        found = find(value)
        if found is None:
            self.error(column, f"'{value}' is not a known {what}")
        return found

    def once(
        self,
        column: str,
        key: Hashable,
        seen: dict[Any, int],
        message: str = "'{key}' is also on row {row}",
    ) -> None:
        """Note that this row has `key`; an error if an earlier row of the file had it too."""
        if key in seen:
            self.error(column, message.format(key=key, row=seen[key]))
        seen[key] = self.number

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.text(column, required=required, max_length=10)
        if value is None:
            return None
        try:
            return date.fromisoformat(value) if len(value) == 10 else _bad_date()
        except ValueError:
            self.error(column, f"'{value}' is not a real date in the form YYYY-MM-DD")
            return None

    def choice(
        self, column: str, allowed: Callable[[str], Any], *, required: bool = False, label: str = ""
    ) -> Any:
        value = self.text(column, required=required, max_length=40)
        if value is None:
            return None
        try:
            return allowed(value)
        except (ValueError, KeyError):
            self.error(column, f"'{value}' is not one of {label}")
            return None

    def boolean(self, column: str) -> bool | None:
        value = self.text(column, max_length=3)
        if value is None:
            return None
        if value.upper() in ("Y", "YES"):
            return True
        if value.upper() in ("N", "NO"):
            return False
        self.error(column, f"'{value}' must be Y or N")
        return None

    def money(self, column: str, *, required: bool = False) -> Decimal | None:
        value = self.text(column, required=required, max_length=20)
        if value is None:
            return None
        try:
            amount = Decimal(value.replace(",", "").replace("£", ""))
        except InvalidOperation:
            self.error(column, f"'{value}' is not an amount in pounds")
            return None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e9"):
            self.error(column, f"'{value}' must be an amount of £0 or more")
            return None
        return amount.quantize(Decimal("0.01"))

    def integer(
        self, column: str, *, required: bool = False, low: int = 0, high: int = 10**9
    ) -> int | None:
        value = self.text(column, required=required, max_length=12)
        if value is None:
            return None
        if not value.lstrip("-").isdigit() or not low <= int(value) <= high:
            self.error(column, f"'{value}' must be a whole number from {low} to {high}")
            return None
        return int(value)


def _bad_date() -> date:
    raise ValueError


class ImportKind:
    """One kind of file. A fresh instance is made for each run, so it may keep state
    (lookups, rows seen) between rows."""

    name: str = ""
    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()

    def parse(self, row: Row) -> Any | None:
        """Check one row and return a record to write, or None (problems go on `row`)."""
        raise NotImplementedError

    def apply(self, records: list[Any], actor: User | None, result: ImportResult) -> None:
        """Write every record (validated already), counting created/updated/unchanged."""
        raise NotImplementedError


def read_rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("The file must be smaller than 50MB")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("The file must be a CSV saved as UTF-8") from None
    if "\x00" in text:
        raise ImportFileError("The file must be a CSV saved as UTF-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty") from None
    except csv.Error as exc:
        raise ImportFileError(f"The file is not a readable CSV: {exc}") from None
    columns = [h.strip().lower() for h in header]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for number, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                yield number, dict(zip(columns, values, strict=False))
        except csv.Error as exc:
            raise ImportFileError(f"The file is not a readable CSV: {exc}") from None

    return columns, rows()


# An .xlsx file is a zip archive: its first bytes say so.
XLSX_MAGIC = b"PK\x03\x04"


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The first sheet of an Excel workbook, read as the CSV would be: a header row, then
    rows numbered as the spreadsheet numbers them. Every cell is read as text."""
    # Imported here: only Excel imports need openpyxl, and it is slow to import at start-up.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise ImportFileError("The file is not a readable Excel workbook (.xlsx)") from None
    sheet = book.worksheets[0] if book.worksheets else None
    cells = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
    try:
        header = next(cells)
    except StopIteration:
        raise ImportFileError("The file is empty") from None
    columns = [_cell_text(h).strip().lower() for h in header]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(cells, start=2):
            texts = [_cell_text(v) for v in values]
            if not any(t.strip() for t in texts):
                continue
            yield number, dict(zip(columns, texts, strict=False))

    return columns, rows()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
