"""The register page: counts, search, filters, sorting, paging, exports, and a fixed number
of SQL queries however many children the setting has."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import AuditEvent, Setting, User
from sendtrack.services.pupils import register
from tests.clock import TODAY
from tests.querycount import count_queries
from tests.register_data import bulk_setting
from tests.world import World


def _register(client: FlaskClient, world: World, **args: str) -> str:
    response = client.get("/pupils/", query_string={"setting": str(world["a1"]), **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_senco_sees_own_children_and_counts(as_user, world: World) -> None:  # type: ignore[no-untyped-def]
    html = _register(as_user("senco"), world)
    assert "SEN support register" in html and "A One Primary" in html
    assert "Alphason" in html and "Quietley" in html
    assert "Betason" not in html  # b1's child
    assert "Hiddenly" not in html  # restricted
    assert 'id="register-counts"' in html


def test_search_forgives_case_and_spaces_in_upn(as_user, world: World) -> None:  # type: ignore[no-untyped-def]
    client = as_user("senco")
    html = _register(client, world, q=" v936 1001 17001 ")
    assert "Alphason" in html and "Quietley" not in html
    html = _register(client, world, q="quiet")
    assert "Quietley" in html and "Alphason" not in html


def test_filters_and_empty_result(as_user, world: World) -> None:  # type: ignore[no-untyped-def]
    client = as_user("senco")
    html = _register(client, world, review="due")
    assert "Alphason" in html and "Quietley" not in html  # pupil_a's review is in 7 days
    assert "Due soon" in html
    html = _register(client, world, need="ASD")
    assert "No children match" in html
    html = _register(client, world, need="SLCN", status="K", sort="review")
    assert "Alphason" in html
    # Nonsense in the query string is ignored, never a 500.
    html = _register(client, world, year="999999999999", page="-3", sort="x", status="Z")
    assert "Alphason" in html


def test_year_group_filter_uses_override(as_user, world: World, app: Flask) -> None:  # type: ignore[no-untyped-def]
    from sendtrack.models import Pupil
    from sendtrack.school_year import year_group

    with app.app_context():
        pupil = db.session.get(Pupil, world["pupil_a_quiet"])
        assert pupil is not None
        natural = year_group(pupil.date_of_birth, TODAY)
        pupil.year_group_override = natural - 1
        pupil.year_group_override_reason = "Taught with the year below"
        db.session.commit()
    client = as_user("senco")
    html = _register(client, world, year=str(natural - 1))
    assert "Quietley" in html and "Alphason" not in html
    html = _register(client, world, year=str(natural))
    assert "Alphason" in html and "Quietley" not in html


def test_senco_with_several_settings_chooses(as_user, world: World) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    html = client.get("/pupils/").get_data(as_text=True)
    assert "Choose the school or setting" in html and "B One Primary" in html
    html = client.get("/pupils/", query_string={"setting": str(world["b1"])}).get_data(as_text=True)
    assert "Betason" in html


def test_csv_and_xlsx_exports_are_audited(as_user, world: World, app: Flask) -> None:  # type: ignore[no-untyped-def]
    client = as_user("senco")
    response = client.get(f"/pupils/settings/{world['a1']}/export/csv?q=alpha")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "OFFICIAL-SENSITIVE"
    assert rows[1][:3] == ["UPN", "Legal surname", "Legal forename"]
    assert [r[1] for r in rows[2:]] == ["Alphason"]
    assert rows[2][-1] == "225.00"
    response = client.get(f"/pupils/settings/{world['a1']}/export/xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    surnames = {row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert {"Alphason", "Quietley"} <= surnames and "Betason" not in surnames
    assert client.get(f"/pupils/settings/{world['b1']}/export/csv").status_code == 404
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "register", AuditEvent.action == "export"
            )
        ).all()
        assert len(events) == 2 and "csv" in (events[0].summary or "")


def _queries_for(officer: User, setting_id: object, **filters: object) -> int:
    setting = db.session.get(Setting, setting_id)
    assert setting is not None
    f = register.RegisterFilter(setting_id=setting.id, **filters)  # type: ignore[arg-type]
    register.register_page(officer, setting, f)  # warm up: the user's memberships load once
    with count_queries() as statements:
        found = register.register_page(officer, setting, f)
        [n.code for r in found.rows for n in r.pupil.needs]
        [r.pupil.setting.name for r in found.rows]
    assert found.rows, "the page should show children"
    return len(statements)


def test_register_uses_a_fixed_number_of_queries(ctx: None, world: World) -> None:
    cluster = world["A"]
    small = bulk_setting("Small Primary", "300200", cluster, 200)
    large = bulk_setting("Large Primary", "302000", cluster, 2000)
    officer = db.session.get(User, world["officer"])
    assert officer is not None
    for filters in ({}, {"sort": "cost", "page": 3}, {"review": "overdue", "query": "child1"}):
        assert _queries_for(officer, small, **filters) == _queries_for(officer, large, **filters)
    assert _queries_for(officer, large) <= 6
