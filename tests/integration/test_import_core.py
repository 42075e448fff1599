"""Imports of clusters, settings and pupils: all-or-nothing, row errors, idempotent."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import Cluster, ClusterBudget, Pupil, SenStatus, Setting
from sendtrack.services.imports import run_import

CLUSTERS = "name,financial_year,delegated_budget\nImport East,2025-26,45000\nImport West,,\n"
SETTINGS = (
    "urn,name,phase,cluster\n"
    "300001,East Primary,primary,Import East\n"
    "300002,East Nursery,early_years,Import East\n"
    "300003,West High,secondary,Import West\n"
)


def _upn(serial: int) -> str:
    from stdnum.gb import upn

    body = f"936300125{serial % 1000:03d}"
    return str(upn.calc_check_digit(body)) + body


def pupils_csv(bad_check_letter: bool = False) -> str:
    first = _upn(25001)
    if bad_check_letter:
        first = ("B" if first[0] != "B" else "C") + first[1:]
    return (
        "\ufeffupn,surname,forename,date_of_birth,sex,setting_urn,sen_status,sen_status_start,"
        "primary_need,secondary_need,looked_after,left_date\n"
        f"{first},Importa,Ada,2016-05-01,F,300001,K,2024-09-10,SLCN,SEMH,N,\n"
        f"{_upn(25002)},Importb,Ben,2015-11-20,M,300001,E,2023-01-05,ASD,,Y,\n"
        ",Importc,Cai,2021-02-02,U,300002,K,2025-01-15,NSA,,N,\n"
    )


def _invoke(app: Flask, tmp_path: Path, kind: str, text: str, *extra: str) -> Result:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(
        args=["import", kind, str(path), *extra], catch_exceptions=False
    )


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_bad_upn_rejects_the_whole_file_then_fixed_file_imports_once(
    app: Flask, tmp_path: Path
) -> None:
    assert _invoke(app, tmp_path, "clusters", CLUSTERS).exit_code == 0
    assert _invoke(app, tmp_path, "settings", SETTINGS).exit_code == 0
    before = _count(app, Pupil)

    bad = _invoke(app, tmp_path, "pupils", pupils_csv(bad_check_letter=True))
    assert bad.exit_code != 0
    assert "row 2, column upn:" in bad.output
    assert "Nothing was imported" in bad.output
    assert _count(app, Pupil) == before

    good = _invoke(app, tmp_path, "pupils", pupils_csv())
    assert good.exit_code == 0, good.output
    assert "3 were created" in good.output
    assert _count(app, Pupil) == before + 3

    again = _invoke(app, tmp_path, "pupils", pupils_csv())
    assert again.exit_code == 0
    assert "0 were created, 0 were updated, 3 unchanged" in again.output
    assert _count(app, Pupil) == before + 3

    with app.app_context():
        ben = db.session.scalar(select(Pupil).where(Pupil.legal_surname == "Importb"))
        assert ben is not None and ben.sen_status is SenStatus.EHC_PLAN and ben.looked_after
        assert [n.code.value for n in ben.needs] == ["ASD"]
        assert len(ben.status_history) == 1


def test_dry_run_writes_nothing(app: Flask, tmp_path: Path) -> None:
    before = _count(app, Cluster)
    result = _invoke(app, tmp_path, "clusters", CLUSTERS, "--dry-run")
    assert result.exit_code == 0 and "2 would be created" in result.output
    assert _count(app, Cluster) == before


def test_every_problem_is_reported_with_row_and_column(app: Flask, tmp_path: Path) -> None:
    text = (
        "urn,name,phase,cluster\n"
        "12345,Short URN,primary,\n"
        "300009,,primary,\n"
        "300010,Bad Phase,college,\n"
        "300011,Lost,primary,No Such Cluster\n"
        "300011,Twice,primary,\n"
    )
    result = _invoke(app, tmp_path, "settings", text)
    assert result.exit_code != 0
    for expected in (
        "row 2, column urn: '12345' must be 6 digits",
        "row 3, column name: is required",
        "row 4, column phase: 'college' is not one of",
        "row 5, column cluster: 'No Such Cluster' is not a known cluster",
        "row 6, column urn: '300011' appears more than once",
    ):
        assert expected in result.output
    with app.app_context():
        assert db.session.scalar(select(Setting).where(Setting.urn == "300010")) is None


def test_changed_budget_updates_and_status_change_keeps_history(ctx: None) -> None:
    run_import("clusters", CLUSTERS.encode(), actor=None)
    run_import("settings", SETTINGS.encode(), actor=None)
    run_import("pupils", pupils_csv().encode(), actor=None)
    changed = CLUSTERS.replace("45000", "50000")
    result = run_import("clusters", changed.encode(), actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    budget = db.session.scalar(
        select(ClusterBudget).join(Cluster).where(Cluster.name == "Import East")
    )
    assert budget is not None and str(budget.allocation) == "50000.00"
    moved = pupils_csv().replace(",K,2024-09-10,SLCN", ",E,2025-03-01,SLCN")
    result = run_import("pupils", moved.encode(), actor=None)
    assert result.updated == 1
    ada = db.session.scalar(select(Pupil).where(Pupil.legal_surname == "Importa"))
    assert ada is not None
    assert [c.status.value for c in ada.status_history] == ["K", "E"]


def test_unreadable_files_are_refused(ctx: None) -> None:
    import pytest

    from sendtrack.services.imports import ImportFileError

    with pytest.raises(ImportFileError, match="UTF-8"):
        run_import("clusters", b"name\n\xff\xfe\n", actor=None)
    with pytest.raises(ImportFileError, match="missing the column"):
        run_import("settings", b"urn,name\n", actor=None)
    with pytest.raises(ImportFileError, match="Unknown kind"):
        run_import("nonsense", b"a\n", actor=None)
