"""The framework as a spreadsheet: one row per descriptor or expected provision item, with
its area and level, in the columns the `ranges` import reads (docs/data-exchange.md), so an
officer can export a version, edit it in Excel and import it as the draft."""

from __future__ import annotations

from sendtrack.models import RangesFramework
from sendtrack.services.spreadsheets import new_workbook, workbook_bytes

COLUMNS = (
    "area",
    "need_codes",
    "level",
    "level_rank",
    "usually_next",
    "level_summary",
    "row_type",
    "text",
    "provision_type",
    "frequency",
    "group_size",
    "staff_role",
    "minutes_per_week",
    "weeks",
)
DESCRIPTOR = "descriptor"
PROVISION = "provision"


def rows_of(framework: RangesFramework) -> list[list[object]]:
    rows: list[list[object]] = []
    for area in framework.areas:
        for level in framework.levels:
            head = [area.name, area.need_codes, level.name, level.rank,
                    level.usually_next.value, level.summary or ""]  # fmt: skip
            for d in area.descriptors:
                if d.level_id == level.id:
                    rows.append([*head, DESCRIPTOR, d.wording, "", "", "", "", "", ""])
            for p in area.provision:
                if p.level_id == level.id:
                    rows.append([*head, PROVISION, p.description, p.provision_type or "",
                                 p.frequency or "", p.group_size, p.staff_role or "",
                                 p.minutes_per_week, p.weeks])  # fmt: skip
    return rows


def workbook(framework: RangesFramework) -> bytes:
    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ranges"
    sheet.append(list(COLUMNS))
    for row in rows_of(framework):
        sheet.append(["" if v is None else v for v in row])
    return workbook_bytes(book)
