"""Administration screens: clusters and budgets, settings, users and roles, unit rates, the
LA's settings. Every change is audited with old -> new values."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditEvent,
    Cluster,
    ClusterBudget,
    LocalAuthority,
    Phase,
    Role,
    Setting,
    UnitRate,
    User,
)
from tests.conftest import PASSWORD, sign_in
from tests.world import EMAILS, World


def _last_event(app: Flask, object_type: str) -> AuditEvent:
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type)
            .order_by(AuditEvent.id.desc())
        )
        assert event is not None
        db.session.expunge(event)
        return event


def test_officer_creates_edits_budgets_and_deactivates_a_cluster(app: Flask, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    page = client.get("/admin/clusters")
    assert page.status_code == 200 and "Cluster A" in page.get_data(as_text=True)
    response = client.post("/admin/clusters/new", data={"name": "  North   Hills ", "quorum": "4"})
    assert response.status_code == 302
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.name == "North Hills"))
        assert cluster is not None and cluster.quorum == 4
        cluster_id = cluster.id
    assert _last_event(app, "cluster").changes["name"] == [None, "North Hills"]

    duplicate = client.post("/admin/clusters/new", data={"name": "cluster a", "quorum": "3"})
    assert duplicate.status_code == 400
    assert "A cluster with this name already exists" in duplicate.get_data(as_text=True)
    bad_quorum = client.post("/admin/clusters/new", data={"name": "X", "quorum": "-1"})
    assert "Quorum must be a whole number from 1 to 50" in bad_quorum.get_data(as_text=True)

    client.post(f"/admin/clusters/{cluster_id}/edit", data={"name": "North Hills", "quorum": "5"})
    assert _last_event(app, "cluster").changes == {"quorum": [4, 5]}

    budget = client.post(
        f"/admin/clusters/{cluster_id}/budget",
        data={"financial_year": "2026-27", "allocation": "£45,000"},
    )
    assert budget.status_code == 302
    client.post(
        f"/admin/clusters/{cluster_id}/budget",
        data={"financial_year": "2026-27", "allocation": "50000.50"},
    )
    assert _last_event(app, "cluster_budget").changes == {"allocation": ["45000.00", "50000.50"]}
    wrong_year = client.post(
        f"/admin/clusters/{cluster_id}/budget",
        data={"financial_year": "2026-28", "allocation": "1"},
    )
    assert wrong_year.status_code == 400
    assert "Enter the financial year as YYYY-YY" in wrong_year.get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(
            select(ClusterBudget).where(ClusterBudget.cluster_id == cluster_id)
        ).all()
        assert [(b.financial_year, b.allocation) for b in rows] == [
            ("2026-27", Decimal("50000.50"))
        ]

    shown = client.get(f"/admin/clusters/{cluster_id}").get_data(as_text=True)
    assert "£50,000.50" in shown and "2026-27" in shown
    assert client.post(f"/admin/clusters/{cluster_id}/status").status_code == 302
    assert _last_event(app, "cluster").changes == {"is_active": [True, False]}
    assert "Deactivated" in client.get("/admin/clusters").get_data(as_text=True)


def test_settings_need_a_unique_six_digit_urn(app: Flask, world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    data = {"urn": "12345", "name": "New Nursery", "phase": "early_years", "cluster_id": ""}
    assert "Enter a URN of 6 digits" in client.post("/admin/settings/new", data=data).get_data(
        as_text=True
    )
    taken = client.post("/admin/settings/new", data={**data, "urn": "100001"})
    assert "A setting with this URN already exists" in taken.get_data(as_text=True)
    made = client.post(
        "/admin/settings/new", data={**data, "urn": "300 999", "cluster_id": str(world["A"])}
    )
    assert made.status_code == 302
    with app.app_context():
        setting = db.session.scalar(select(Setting).where(Setting.urn == "300999"))
        assert setting is not None and setting.cluster_id == world["A"]
    found = client.get("/admin/settings?q=new+nurs&phase=early_years").get_data(as_text=True)
    assert "New Nursery" in found and "A One Primary" not in found
    client.post(
        f"/admin/settings/{world['a1']}/edit",
        data={"urn": "100001", "name": "A One Academy", "phase": "primary", "cluster_id": ""},
    )
    changes = _last_event(app, "setting").changes
    assert changes["name"] == ["A One Primary", "A One Academy"]
    assert changes["cluster_id"] == [str(world["A"]), None]


def test_admin_creates_a_user_with_several_roles(app: Flask, world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    data = {
        "name": "Nia Jones",
        "email": "Nia.Jones@test.example",
        "password": "short",
        "senco_urns": "100001, 100002",
        "panel_clusters": [str(world["B"])],
    }
    weak = client.post("/admin/users/new", data=data)
    assert weak.status_code == 400
    assert "Password must be 12 characters or more" in weak.get_data(as_text=True)
    common = client.post("/admin/users/new", data={**data, "password": "password1234"})
    assert "Password is too common" in common.get_data(as_text=True)
    unknown = client.post(
        "/admin/users/new", data={**data, "password": PASSWORD, "senco_urns": "999999"}
    )
    assert "No school or setting has the URN 999999" in unknown.get_data(as_text=True)
    assert client.post("/admin/users/new", data={**data, "password": PASSWORD}).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nia.jones@test.example"))
        assert user is not None
        assert user.roles == {Role.SENCO, Role.PANEL_MEMBER}
        assert user.setting_ids == {world["a1"], world["a2"]}
    listed = client.get("/admin/users?q=NIA&role=panel_member").get_data(as_text=True)
    assert "nia.jones@test.example" in listed and EMAILS["senco"] not in listed
    fresh = app.test_client()
    sign_in(fresh, "nia.jones@test.example")
    assert fresh.get("/home").status_code == 200


def test_deactivating_a_user_ends_their_sessions_at_once(app: Flask, world: World) -> None:
    senco = app.test_client()
    sign_in(senco, EMAILS["senco"])
    assert senco.get("/home").status_code == 200
    admin = app.test_client()
    sign_in(admin, EMAILS["admin"])
    assert admin.post(f"/admin/users/{world['senco']}/status").status_code == 302
    assert _last_event(app, "user").changes == {"is_active": [True, False]}
    assert "/sign-in" in senco.get("/home").headers["Location"]
    refused = senco.post("/sign-in", data={"email": EMAILS["senco"], "password": PASSWORD})
    assert refused.status_code == 400
    # Not yourself: an administrator cannot lock themselves out.
    own = admin.post(f"/admin/users/{world['admin']}/status")
    assert own.status_code == 400
    assert "You cannot deactivate your own account" in own.get_data(as_text=True)


def test_password_reset_follows_the_rules_and_signs_the_person_out(
    app: Flask, world: World
) -> None:
    senco = app.test_client()
    sign_in(senco, EMAILS["senco"])
    admin = app.test_client()
    sign_in(admin, EMAILS["admin"])
    url = f"/admin/users/{world['senco']}/password"
    assert "12 characters or more" in admin.post(url, data={"password": "abc"}).get_data(
        as_text=True
    )
    assert admin.post(url, data={"password": "a new long passphrase"}).status_code == 302
    event = _last_event(app, "user")
    assert "Password reset" in (event.summary or "")
    assert "passphrase" not in str(event.changes)
    assert senco.get("/home").status_code == 302
    sign_in(app.test_client(), EMAILS["senco"], "a new long passphrase")


def test_editing_roles_is_audited_and_admins_keep_their_own(
    app: Flask, world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    client.post(
        f"/admin/users/{world['lead']}/edit",
        data={"name": "Lead A", "lead_clusters": [str(world["A"]), str(world["B"])]},
    )
    with app.app_context():
        lead = db.session.get(User, world["lead"])
        assert lead is not None and lead.cluster_ids == {world["A"], world["B"]}
    assert "roles" in _last_event(app, "user").changes
    own = client.post(
        f"/admin/users/{world['admin']}/edit", data={"name": "Admin", "area_roles": ["la_officer"]}
    )
    assert "You cannot remove your own administrator role" in own.get_data(as_text=True)
    none = client.post(f"/admin/users/{world['lead']}/edit", data={"name": "Lead A"})
    assert "Give the person at least one role" in none.get_data(as_text=True)


def test_officers_cannot_manage_users(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    assert client.get("/admin/users").status_code == 403
    assert "Users</a>" not in client.get("/admin/").get_data(as_text=True)


def test_unit_rates_and_local_authority_settings(app: Flask, world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    made = client.post("/admin/unit-rates", data={"staff_role": "Teacher", "hourly_rate": "41.5"})
    assert made.status_code == 302
    again = client.post("/admin/unit-rates", data={"staff_role": "teacher", "hourly_rate": "1"})
    assert "There is already a rate for this staff role" in again.get_data(as_text=True)
    rate_id = world["unit_rate_a"]
    client.post(
        f"/admin/unit-rates/{rate_id}/edit",
        data={"staff_role": "Speech and language therapist", "hourly_rate": "62.00"},
    )
    assert _last_event(app, "unit_rate").changes == {"hourly_rate": ["30.00", "62.00"]}
    client.post(f"/admin/unit-rates/{rate_id}/status")
    with app.app_context():
        rate = db.session.get(UnitRate, rate_id)
        assert rate is not None and not rate.is_active

    form = client.get("/admin/local-authority").get_data(as_text=True)
    assert "Testshire County Council" in form
    bad = client.post(
        "/admin/local-authority",
        data={
            "name": "Testshire",
            "follow_up_window_months": "0",
            "suppression_threshold": "5",
            "notional_sen_threshold": "6000",
        },
    )
    assert "The follow-up window must be a whole number of months from 1 to 60" in bad.get_data(
        as_text=True
    )
    good = client.post(
        "/admin/local-authority",
        data={
            "name": "Testshire County Council",
            "la_code": "936",
            "follow_up_window_months": "18",
            "suppression_threshold": "10",
            "notional_sen_threshold": "6000",
        },
    )
    assert good.status_code == 302
    with app.app_context():
        la = db.session.scalar(select(LocalAuthority))
        assert la is not None and la.follow_up_window_months == 18
    changes = _last_event(app, "local_authority").changes
    assert changes == {"follow_up_window_months": [12, 18], "suppression_threshold": [5, 10]}


def test_admin_lists_page_with_the_shared_links_keeping_the_search(app: Flask, as_user) -> None:  # type: ignore[no-untyped-def]
    """70 matching settings at 25 a page: three pages, each link keeps the search, and the
    last page holds the rest."""
    with app.app_context():
        db.session.add_all(
            Setting(urn=f"98{n:04d}", name=f"Pagerfield School {n:02d}", phase=Phase.PRIMARY)
            for n in range(70)
        )
        db.session.commit()
    client = as_user("officer")
    first = client.get("/admin/settings?q=Pagerfield").get_data(as_text=True)
    assert "govuk-pagination" in first
    assert 'href="/admin/settings?q=Pagerfield&amp;page=2"' in first
    assert 'href="/admin/settings?q=Pagerfield&amp;page=3"' in first
    assert "page=4" not in first
    last = client.get("/admin/settings?q=Pagerfield&page=3").get_data(as_text=True)
    assert last.count("Pagerfield School") == 70 - 2 * 25
    assert 'href="/admin/settings?q=Pagerfield&amp;page=2"' in last  # previous
    one = client.get("/admin/settings?q=Pagerfield+School+07").get_data(as_text=True)
    assert "govuk-pagination" not in one
