"""The framework's Excel round trip: a version exported as XLSX imports (through the import
machinery and its upload preview) as a draft with the same content; a file with a bad row is
refused, naming the row; published versions are never touched."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import RangesFramework, User
from sendtrack.services.imports import run_import
from sendtrack.services.ranges import exchange, frameworks
from sendtrack.services.spreadsheets import new_workbook, workbook_bytes
from tests.conftest import sign_in
from tests.world import EMAILS, World


def _content(framework: RangesFramework) -> list[tuple[Any, ...]]:
    """Everything an officer wrote, in order, without ids."""
    levels = [(lv.rank, lv.name, lv.summary, lv.usually_next) for lv in framework.levels]
    areas = [
        (
            a.position,
            a.name,
            a.need_codes,
            sorted((d.level.rank, d.position, d.wording) for d in a.descriptors),
            sorted(
                (
                    p.level.rank,
                    p.position,
                    p.description,
                    p.provision_type,
                    p.frequency,
                    p.group_size,
                    p.staff_role,
                    p.minutes_per_week,
                    p.weeks,
                )
                for p in a.provision
            ),
        )
        for a in framework.areas
    ]
    return [tuple(levels), tuple(areas)]


def _item(p: Any) -> tuple[Any, ...]:
    return (p.level.rank, p.position, p.description, p.provision_type, p.frequency,
            p.group_size, p.staff_role, p.minutes_per_week, p.weeks)  # fmt: skip


def _officer() -> User:
    return db.session.scalars(select(User).where(User.email == EMAILS["officer"])).one()


def _xlsx(rows: list[list[object]]) -> bytes:
    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(exchange.COLUMNS))
    for row in rows:
        sheet.append(row)
    return workbook_bytes(book)


def test_an_exported_version_reimports_as_the_same_framework(ctx: None, world: World) -> None:
    v1 = db.session.get(RangesFramework, world["ranges_v1"])
    assert v1 is not None
    before = _content(v1)
    data = exchange.workbook(v1)
    # The draft differs from version 1 first, so the import visibly replaces it.
    draft = frameworks.the_draft()
    draft.areas[0].descriptors[0].wording = "Changed in the draft"
    db.session.flush()
    result = run_import("ranges", data, actor=_officer())
    assert result.ok and result.created == 8  # 2 areas x 2 levels x (1 descriptor + 1 item)
    db.session.expire_all()
    draft = frameworks.the_draft()
    assert _content(draft) == before
    # Lineage is kept for areas whose names are kept.
    assert [a.lineage_id for a in draft.areas] == [a.lineage_id for a in v1.areas]
    assert _content(v1) == before  # version 1 untouched
    # Importing the same file again changes nothing.
    run_import("ranges", data, actor=_officer())
    db.session.expire_all()
    assert _content(frameworks.the_draft()) == before


def test_a_bad_row_refuses_the_file_naming_the_row(ctx: None) -> None:
    good = ["Communication", "SLCN", "Universal", 1, "ordinarily_available", "", "descriptor",
            "Needs help", "", "", "", "", "", ""]  # fmt: skip
    rows = [
        good,
        ["Communication", "SLCN", "Targeted", 1, "cluster_referral", "", "descriptor",
         "Other", "", "", "", "", "", ""],
        ["Communication", "XYZ", "Universal", 1, "sometimes", "", "poem", "x", "", "", "0",
         "", "", "60"],
    ]  # fmt: skip
    before = _content(frameworks.the_draft())
    result = run_import("ranges", _xlsx(rows), actor=_officer())
    assert not result.ok
    problems = {(e.row, e.column) for e in result.errors}
    assert (3, "level") in problems  # rank 1 is Universal on row 2
    assert {(4, "usually_next"), (4, "row_type"), (4, "need_codes"), (4, "group_size"),
            (4, "weeks")} <= problems  # fmt: skip
    messages = " ".join(e.message for e in result.errors)
    assert "'Universal' (ordinarily_available) on row 2" in messages
    db.session.expire_all()
    assert _content(frameworks.the_draft()) == before


def test_export_and_the_upload_preview_through_the_pages(app: Flask, world: World) -> None:
    officer = app.test_client()
    sign_in(officer, EMAILS["officer"])
    response = officer.get("/ranges/export.xlsx?version=1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('ranges-version-1.xlsx"')
    assert officer.get("/ranges/export.xlsx?version=9").status_code == 404
    assert officer.get("/ranges/export.xlsx?version=draft").status_code == 200
    response = officer.post(
        "/admin/import",
        data={"kind": "ranges", "file": (io.BytesIO(response.data), "ranges.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing can be imported" not in preview
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">8</td>' in preview
    senco = app.test_client()
    sign_in(senco, EMAILS["senco"])
    assert senco.get("/ranges/export.xlsx").status_code == 403
