"""R6: no CSV or Excel file the product writes carries a live formula.

Every download route and command-line export that writes CSV or XLSX is listed in EXPORTS
and walked with hostile names in the clusters, settings, children's names, EHCNA references
and free text (the audit trail). Every Excel cell must be a value, not a formula, and a text
cell starting with =, +, -, @, tab or carriage return must be marked as text; every CSV cell
starting with one of those must carry the leading apostrophe, unless it is a plain number.

Three guards make a new export fail here until it is added: only services/spreadsheets.py
may create a CSV writer or an openpyxl workbook or name their mimetypes; every view whose
code mentions CSV or Excel must be an EXPORTS route (or a NOT_EXPORTS one, with its reason);
every command with a csv or xlsx format choice must be a CLI export here.
"""

from __future__ import annotations

import csv
import html
import inspect
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click
import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, Cluster, EhcnaRequest, Pupil, Setting
from sendtrack.services import audit
from sendtrack.services.ehcna import sen2 as sen2_export
from sendtrack.services.imports import run_import
from tests.conftest import client_for
from tests.integration.test_dashboard import QUARTER
from tests.integration.test_dashboard import build as build_2011_figures
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")

HOSTILE = {
    "cluster_A": '=HYPERLINK("http://evil.example/c","Southfield")',
    "cluster_B": "@SUM(1+1)*cmd|' /C calc'!A0",
    "setting_a1": "=1+1+cmd|' /C calc'!A0",
    "setting_b1": "+1+cmd|' /C calc'!A0",
    "surname_a": "-2+3+cmd|' /C calc'!A0",
    "forename_a": "=1+2",
    "known_as_a": "@cmd",
    "surname_b": '=HYPERLINK("http://evil.example/b","Betason")',
    "reference_a": "=EHCNA-EVIL-",
    "audit_summary": '=HYPERLINK("http://evil.example/audit","open")',
    "audit_tab": "\t=1+1",
}
# A hostile value that reaches a file shows one of these markers.
MARKERS = ("evil.example", "cmd|", "=1+2", "@cmd", "EHCNA-EVIL")


@dataclass(frozen=True)
class WebExport:
    endpoint: str
    actor: str
    url: str  # {a1}, {A}: world ids
    query: dict[str, str] = field(default_factory=dict)
    names: bool = True  # the file carries names or free text (so the hostile values reach it)


def _sen2(module: str, years_back: int) -> WebExport:
    year = sen2_export.years()[years_back]
    query = {"year": str(year), "module": module, "download": "1"}
    # The person module names the children; the others carry the request references.
    return WebExport("ehcna.sen2", "officer", "/ehcna/sen2", query, names=years_back == 0)


def _stats(fmt: str, audience: str, **scope: str) -> WebExport:
    query = {**QUARTER, "format": fmt, "audience": audience, **scope}
    return WebExport("statistics.download", "officer", "/statistics/download", query)


EXPORTS: list[WebExport] = [
    WebExport("pupils.export", "senco", "/pupils/settings/{a1}/export/csv"),
    WebExport("pupils.export", "senco", "/pupils/settings/{a1}/export/xlsx"),
    WebExport("audit_trail.export", "officer", "/audit/export.csv"),
    *(_sen2(m, back) for m in sen2_export.MODULES for back in (0, 1)),
    *(_stats(f, a) for f in ("csv", "xlsx") for a in ("internal", "shared")),
    _stats("csv", "internal", cluster="{A}"),
    _stats("csv", "shared", setting="{a1}"),
    _stats("xlsx", "internal", setting="{a1}"),
    WebExport(
        "statistics.download",
        "lead",
        "/statistics/download",
        {**QUARTER, "format": "csv", "audience": "internal"},
    ),
    # The ranges framework (docs/ranges.md): the council's words, no child's.
    WebExport("ranges.export", "officer", "/ranges/export.xlsx", names=False),
    WebExport("ranges.export", "officer", "/ranges/export.xlsx", {"version": "draft"}, False),
]
# Views whose code mentions CSV or Excel but write neither, with the reason.
NOT_EXPORTS = {"admin.import_upload": "reads an uploaded CSV or XLSX file; writes none"}
# Commands that write CSV or XLSX, with the arguments that make each format.
CLI_EXPORTS = {
    "stats": [
        ["--from", "2011-04-01", "--to", "2011-06-30", "--format", "csv"],
        ["--from", "2011-04-01", "--to", "2011-06-30", "--format", "xlsx", "--out", "{out}"],
    ]
}


@pytest.fixture
def hostile(app: Flask, world: World) -> None:
    """The world, renamed by someone who wants a formula to run on an officer's machine."""
    with app.app_context():
        build_2011_figures(world)
        db.session.get_one(Cluster, world["A"]).name = HOSTILE["cluster_A"]
        db.session.get_one(Cluster, world["B"]).name = HOSTILE["cluster_B"]
        db.session.get_one(Setting, world["a1"]).name = HOSTILE["setting_a1"]
        db.session.get_one(Setting, world["b1"]).name = HOSTILE["setting_b1"]
        pupil_a = db.session.get_one(Pupil, world["pupil_a"])
        pupil_a.legal_surname = HOSTILE["surname_a"]
        pupil_a.legal_forename = HOSTILE["forename_a"]
        pupil_a.preferred_forename = HOSTILE["known_as_a"]
        db.session.get_one(Pupil, world["pupil_b"]).legal_surname = HOSTILE["surname_b"]
        for request in db.session.scalars(select(EhcnaRequest)):
            request.reference = HOSTILE["reference_a"] + request.reference
            child = db.session.get_one(Pupil, request.pupil_id)
            if not child.legal_surname.startswith("@cmd|"):
                child.legal_surname = "@cmd|" + child.legal_surname
        audit.record(
            None,
            AuditAction.UPDATE,
            "pupil",
            world["pupil_a"],
            pupil_id=world["pupil_a"],
            summary=HOSTILE["audit_summary"],
            changes={"note": [None, HOSTILE["audit_tab"]]},
        )
        db.session.commit()


def _fill(text: str, world: World) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(world[m.group(1)]), text)


def _csv_problems(text: str) -> Iterator[str]:
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        for cell in row:
            if cell[:1] in DANGEROUS and not NUMBER.match(cell):
                yield f"row {number}: {cell!r} would run as a formula"


def _xlsx_problems(content: bytes) -> Iterator[str]:
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    yield f"{where}: {cell.value!r} is a formula"
                elif (
                    isinstance(cell.value, str)
                    and cell.value[:1] in DANGEROUS
                    and (cell.data_type != "s" or not cell.quotePrefix)
                ):
                    yield f"{where}: {cell.value!r} is not marked as text"


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _check(content: bytes, is_xlsx: bool, names: bool, label: str) -> None:
    if is_xlsx:
        problems = list(_xlsx_problems(content))
        text = _xlsx_text(content)
    else:
        text = content.decode("utf-8")
        problems = list(_csv_problems(text))
    assert not problems, f"{label}: " + "; ".join(problems[:10])
    if names:
        assert any(marker in text for marker in MARKERS), f"{label}: no hostile value reached it"


@pytest.mark.parametrize(
    "export", EXPORTS, ids=[f"{e.endpoint}-{e.url}-{sorted(e.query.items())}" for e in EXPORTS]
)
def test_r6_every_export_neutralises_hostile_names(
    app: Flask, world: World, hostile: None, export: WebExport
) -> None:
    client = client_for(app, export.actor)
    query = {k: _fill(v, world) for k, v in export.query.items()}
    response = client.get(_fill(export.url, world), query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    is_xlsx = response.mimetype.endswith("spreadsheetml.sheet")
    assert is_xlsx or response.mimetype == "text/csv", response.mimetype
    _check(response.data, is_xlsx, export.names, f"{export.url} {query}")


@pytest.mark.parametrize("args", [a for runs in CLI_EXPORTS.values() for a in runs])
def test_r6_command_line_exports_neutralise_formulas(
    app: Flask, hostile: None, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "figures.xlsx"
    result = app.test_cli_runner().invoke(
        args=["stats", *(a.replace("{out}", str(out)) for a in args)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    if "xlsx" in args:
        _check(out.read_bytes(), True, False, "stats xlsx")
    else:
        _check(result.stdout.encode("utf-8"), False, False, "stats csv")


# --- guards: a new export is walked here or this fails --------------------------------------

WRITERS = re.compile(
    r"csv\.(writer|DictWriter)\(|from openpyxl import .*\bWorkbook\b|\bWorkbook\(|"
    r"text/csv|spreadsheetml"
)


def test_r6_only_the_spreadsheets_module_writes_csv_and_excel() -> None:
    found = []
    for path in sorted((ROOT / "sendtrack").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "sendtrack/services/spreadsheets.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if WRITERS.search(code):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, (
        "write CSV and Excel through sendtrack/services/spreadsheets.py, which neutralises "
        "formulas:\n" + "\n".join(found)
    )


def test_r6_every_download_route_that_writes_csv_or_excel_is_walked(app: Flask) -> None:
    mentions = set()
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        source = inspect.getsource(view)
        if re.search(r"csv|xlsx|spreadsheet", source, re.IGNORECASE):
            mentions.add(endpoint)
    walked = {e.endpoint for e in EXPORTS}
    assert mentions - set(NOT_EXPORTS) == walked, (
        "a view mentions CSV or Excel: add its download to EXPORTS (or, if it writes no "
        "file, to NOT_EXPORTS with the reason)"
    )


def test_r6_every_command_that_writes_csv_or_excel_is_walked(app: Flask) -> None:
    writers = set()
    context = click.Context(app.cli)
    for name in app.cli.list_commands(context):
        command = app.cli.get_command(context, name)
        assert command is not None
        for param in command.params:
            choices = getattr(param.type, "choices", ()) or ()
            if {"csv", "xlsx"} & {str(c) for c in choices}:
                writers.add(name)
    assert writers == set(CLI_EXPORTS)


def test_r6_a_negative_number_stays_a_number(app: Flask) -> None:
    from sendtrack.services import spreadsheets

    assert spreadsheets.csv_cell(-3) == -3
    assert spreadsheets.csv_cell(-2.5) == -2.5
    assert spreadsheets.csv_cell("-3+cmd") == "'-3+cmd"
    book = spreadsheets.new_workbook()
    sheet = book.active
    sheet.append([-3, "-3", '=HYPERLINK("x")', "plain", date(2026, 1, 1)])
    loaded = load_workbook(io.BytesIO(spreadsheets.workbook_bytes(book))).active
    assert loaded is not None
    cells = list(loaded[1])
    assert cells[0].value == -3 and cells[0].data_type == "n"
    assert cells[1].value == "-3" and cells[1].data_type == "s" and cells[1].quotePrefix
    assert cells[2].value == '=HYPERLINK("x")' and cells[2].data_type == "s"
    assert cells[3].value == "plain" and not cells[3].quotePrefix


# --- names that would run as formulas are refused where clusters and settings are named ------

FORMULA_NAMES = [
    '=HYPERLINK("http://evil.example/c","Southfield")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
]


def test_r6_clusters_import_refuses_names_that_would_run_as_formulas(ctx: None) -> None:
    body = "name,financial_year,delegated_budget\n" + "".join(
        f'"{name.replace(chr(34), chr(34) * 2)}",,\n' for name in FORMULA_NAMES
    )
    result = run_import("clusters", (body + "Plain Cluster,,\n").encode(), actor=None)
    assert [str(e) for e in result.errors] == [
        f"row {n}, column name: must not start with =, +, - or @" for n in range(2, 6)
    ]
    assert db.session.scalar(select(Cluster).where(Cluster.name == "Plain Cluster")) is None


def test_r6_settings_import_refuses_names_that_would_run_as_formulas(ctx: None) -> None:
    body = "urn,name,phase,cluster\n" + "".join(
        f'30010{n},"{name.replace(chr(34), chr(34) * 2)}",primary,\n'
        for n, name in enumerate(FORMULA_NAMES)
    )
    result = run_import("settings", (body + "300109,Plain Primary,primary,\n").encode(), actor=None)
    assert [str(e) for e in result.errors] == [
        f"row {n}, column name: must not start with =, +, - or @" for n in range(2, 6)
    ]
    assert db.session.scalar(select(Setting).where(Setting.urn == "300109")) is None


def test_r6_cluster_and_setting_forms_refuse_names_that_would_run_as_formulas(
    app: Flask, world: World
) -> None:
    client = client_for(app, "officer")
    for name in FORMULA_NAMES:
        for url, data in (
            ("/admin/clusters/new", {"name": name, "quorum": "3"}),
            (f"/admin/clusters/{world['A']}/edit", {"name": name, "quorum": "3"}),
            ("/admin/settings/new", {"urn": "300201", "name": name, "phase": "primary"}),
            (
                f"/admin/settings/{world['a1']}/edit",
                {"urn": "100001", "name": name, "phase": "primary"},
            ),
        ):
            response = client.post(url, data={**data, "cluster_id": ""})
            page = response.get_data(as_text=True)
            assert response.status_code == 400, (url, name)
            assert "name must not start with =, +, - or @" in page, (url, name)
            assert name in html.unescape(page), (url, name)  # what was typed is kept
    with app.app_context():
        assert db.session.get_one(Cluster, world["A"]).name == "Cluster A"
        assert db.session.get_one(Setting, world["a1"]).name == "A One Primary"
        assert db.session.scalar(select(Setting).where(Setting.urn == "300201")) is None


def test_r6_statistics_csv_keeps_every_figure_exactly_as_the_json(
    app: Flask, hostile: None
) -> None:
    # The contract (docs/data-exchange.md): numbers written exactly as in the JSON.
    period = ["--from", "2011-04-01", "--to", "2011-06-30", "--as-at", "2012-06-30"]
    runner = app.test_cli_runner()
    as_json = json.loads(runner.invoke(args=["stats", *period, "--format", "json"]).stdout)
    as_csv = runner.invoke(args=["stats", *period, "--format", "csv"]).stdout
    rows = list(csv.reader(io.StringIO(as_csv)))
    assert rows[0] == ["measure", "value"]
    assert {m: v for m, v in rows[1:]} == {m: json.dumps(v) for m, v in as_json.items()}
    assert any(isinstance(v, float) for v in as_json.values())
