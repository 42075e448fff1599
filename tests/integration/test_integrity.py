"""Issue 19, R8-R10: a form opened before someone else saved the record is refused rather
than overwriting it (R8); the same create form posted twice makes one record and the second
post is shown the first's record (R9); and a save that loses a race is a message, never a
500 (R10)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AnnualReview,
    ApdrCycle,
    ApdrOutcome,
    Cluster,
    EhcnaRequest,
    PanelAction,
    PanelMeeting,
    PanelMember,
    Provision,
    Pupil,
    Referral,
    Role,
    RtfApplication,
    RtfBand,
    Setting,
    TimescaleException,
    UnitRate,
    User,
)
from tests.clock import TODAY
from tests.conftest import client_for, day
from tests.integration.panels_helpers import referral_form, version_in
from tests.integration.test_rtf import application_form
from tests.world import World, child_form

STALE = "This record was changed by someone else"


def token_in(page: str) -> str:
    """The form's submission token ("" on a form without one, as before issue 19)."""
    match = re.search(r'name="submission"[^>]*value="([^"]+)"', page)
    return match.group(1) if match else ""


def maybe_version(page: str) -> str:
    """The form's version, or nothing for a form without one (as before issue 19)."""
    match = re.search(r'name="version"[^>]*value="(\d+)"', page)
    return match.group(1) if match else ""


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


# --- R8: lost updates -------------------------------------------------------------------


def _user_form(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Lee Lead",
        "senco_urns": "",
        "lead_clusters": [str(world["A"])],
        "panel_clusters": [],
    }
    data.update(changes)
    return data


def test_r8_user_form_opened_earlier_cannot_restore_revoked_role(app: Flask, world: World) -> None:
    first, second = client_for(app, "admin"), client_for(app, "admin")
    lead_id = world["lead"]
    url = f"/admin/users/{lead_id}/edit"
    opened = first.get(url).get_data(as_text=True)
    stale_version = maybe_version(opened)
    # The second administrator revokes the lead role (leaving a panel seat).
    revoked = second.post(
        url,
        data=_user_form(
            world,
            lead_clusters=[],
            panel_clusters=[str(world["A"])],
            version=maybe_version(second.get(url).get_data(as_text=True)),
        ),
    )
    assert revoked.status_code == 302
    # The first, from the form opened before, saves the name: the old role must not return.
    response = first.post(url, data=_user_form(world, name="Lee Q Lead", version=stale_version))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert STALE in html and 'value="Lee Q Lead"' in html
    with app.app_context():
        user = db.session.get(User, lead_id)
        assert user is not None and user.roles == {Role.PANEL_MEMBER} and user.name == "Lee Lead"


def test_r8_user_status_confirmed_twice_does_not_undo_itself(app: Flask, world: World) -> None:
    first, second = client_for(app, "admin"), client_for(app, "admin")
    url = f"/admin/users/{world['senco_a2']}/status"
    page = first.get(url).get_data(as_text=True)
    assert second.post(url, data={"version": maybe_version(page)}).status_code == 302
    response = first.post(url, data={"version": maybe_version(page)})
    assert response.status_code == 400 and STALE in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, world["senco_a2"])
        assert user is not None and user.is_active is False


def test_r8_review_notes_stale(app: Flask, world: World) -> None:
    first, second = client_for(app, "officer"), client_for(app, "officer")
    url = f"/ehcna/reviews/{world['review_a']}"
    opened = first.get(url).get_data(as_text=True)
    meeting = day(TODAY - timedelta(days=3))
    form = {"meeting_date": meeting, "decision": "", "decision_date": ["", "", ""]}
    saved = second.post(
        url,
        data={**form, "notes": "Mum asked for speech therapy", "version": maybe_version(opened)},
    )
    assert saved.status_code == 302
    response = first.post(
        url,
        data={**form, "notes": "Plan working well", "version": maybe_version(opened)},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and STALE in html and "Plan working well" in html
    with app.app_context():
        review = db.session.get(AnnualReview, world["review_a"])
        assert review is not None and review.notes == "Mum asked for speech therapy"


def _referral_a_item(app: Flask, world: World) -> Any:
    """The id of referral_a's item on meeting A, by name: the meeting has more than one, and
    the lead may not see every one (a restricted child's), so an unordered first() would
    pass by luck."""
    with app.app_context():
        return db.session.scalars(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == world["meeting_a"],
                AgendaItem.referral_id == world["referral_a"],
            )
        ).one()


def test_r8_conflicts_stale(app: Flask, world: World) -> None:
    first, second = client_for(app, "lead"), client_for(app, "lead")
    item_id = _referral_a_item(app, world)
    url = f"/panels/meetings/{world['meeting_a']}/conflicts"
    opened = first.get(f"{url}?item={item_id}").get_data(as_text=True)
    saved = second.post(
        url,
        data={
            "item_id": str(item_id),
            "conflicts_declared": "The EP assessed this child",
            "version": maybe_version(opened),
        },
    )
    assert saved.status_code == 302
    response = first.post(
        url,
        data={
            "item_id": str(item_id),
            "conflicts_declared": "None",
            "version": maybe_version(opened),
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and STALE in html and ">None</textarea>" in html
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        assert item is not None and item.conflicts_declared == "The EP assessed this child"


@pytest.mark.parametrize(
    ("account", "url", "data"),
    [
        ("officer", "/admin/clusters/{A}/edit", {"name": "Cluster A", "quorum": "4"}),
        ("officer", "/admin/clusters/{A}/status", {}),
        (
            "officer",
            "/admin/settings/{a2}/edit",
            {"urn": "100002", "name": "A2", "phase": "primary", "cluster_id": "{A}"},
        ),
        ("officer", "/admin/settings/{a2}/status", {}),
        (
            "officer",
            "/admin/unit-rates/{unit_rate_a}/edit",
            {"staff_role": "TA", "hourly_rate": "2"},
        ),
        ("officer", "/admin/unit-rates/{unit_rate_a}/status", {}),
        (
            "senco",
            "/pupils/{pupil_a_quiet}/status",
            {"status": "N", "start_date": day(TODAY), "reason": "Caught up"},
        ),
    ],
)
def test_r8_every_edit_form_refuses_a_stale_version(
    app: Flask, world: World, account: str, url: str, data: dict[str, Any]
) -> None:
    """A form opened at version v is refused once someone else has saved the record."""
    names = {k: str(v) for k, v in world.ids.items()}
    url = url.format(**names)
    data = {k: v.format(**names) if isinstance(v, str) else v for k, v in data.items()}
    client = client_for(app, account)
    version = maybe_version(client.get(url).get_data(as_text=True))
    stale = str(int(version or "1") - 1)
    response = client.post(url, data={**data, "version": stale})
    assert response.status_code == 400, response.get_data(as_text=True)[:2000]
    assert STALE in response.get_data(as_text=True)


# --- R9: double submit --------------------------------------------------------------------


def _post_twice(client: FlaskClient, url: str, data: dict[str, Any]) -> tuple[Any, Any]:
    token = token_in(client.get(url).get_data(as_text=True))
    first = client.post(url, data={**data, "submission": token})
    second = client.post(url, data={**data, "submission": token})
    return first, second


def _posted_twice_makes_one(
    app: Flask, client: FlaskClient, url: str, data: dict[str, Any], model: Any
) -> Any:
    """Post the form twice with one submission token: one record, both sent to it."""
    before = count(app, model)
    first, second = _post_twice(client, url, data)
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert count(app, model) == before + 1
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    return second


def test_r9_double_post_creates_one_child(app: Flask, world: World) -> None:
    senco = client_for(app, "senco")
    data = child_form(world, legal_surname="Twice")
    second = _posted_twice_makes_one(app, senco, "/pupils/new", data, Pupil)
    assert "Tilly Twice" in senco.get(second.headers["Location"]).get_data(as_text=True)


def test_r9_double_post_creates_one_referral(app: Flask, world: World) -> None:
    url = f"/children/{world['pupil_a_quiet']}/referrals/new"
    _posted_twice_makes_one(app, client_for(app, "senco"), url, referral_form(), Referral)


def test_r9_double_post_creates_one_action(app: Flask, world: World) -> None:
    url = f"/panels/decisions/{world['decision_a']}/actions/new"
    data = {"description": "Phone the parents", "owner": "Lead", "due_date": day(TODAY)}
    _posted_twice_makes_one(app, client_for(app, "lead"), url, data, PanelAction)


def test_r9_double_post_creates_one_member(app: Flask, world: World) -> None:
    url = f"/panels/meetings/{world['meeting_a']}/members/new"
    data = {"name": "Dr Ede", "professional_role": "EP", "user_id": "", "setting_id": ""}
    _posted_twice_makes_one(app, client_for(app, "lead"), url, data, PanelMember)


CreateCase = tuple[str, str, Callable[[World], dict[str, Any]], Any]

CREATE_FORMS: list[CreateCase] = [
    ("senco", "/pupils/new", lambda w: child_form(w, legal_surname="Twice"), Pupil),
    ("senco", "/children/{pupil_a_quiet}/referrals/new", lambda w: referral_form(), Referral),
    ("senco", "/pupils/{pupil_a_quiet}/cycles/new", lambda w: {}, ApdrCycle),
    (
        "senco",
        "/pupils/cycles/{cycle_a}/outcomes/new",
        lambda w: {"description": "Reads 50 words", "success_criteria": "Weekly check"},
        ApdrOutcome,
    ),
    (
        "senco",
        "/pupils/cycles/{cycle_a}/provisions/new",
        lambda w: {
            "description": "Reading group",
            "provision_type": "Other",
            "frequency": "Weekly",
            "group_size": "3",
            "delivered_by": "",
            "minutes_per_week": "60",
            "weeks": "10",
            "manual_cost": "100",
        },
        Provision,
    ),
    (
        "senco",
        "/children/{pupil_a_quiet}/ehcna/new",
        lambda w: {"received_date": day(TODAY), "request_source": "setting"},
        EhcnaRequest,
    ),
    (
        "officer",
        "/ehcna/{request_a}/exceptions/new",
        lambda w: {"ground": "absence", "reason": "Away", "start_date": day(TODAY)},
        TimescaleException,
    ),
    ("ey_senco", "/rtf/apply", application_form, RtfApplication),
    ("officer", "/rtf/bands", lambda w: {"name": "High", "amount": "6000"}, RtfBand),
    (
        "lead",
        "/panels/meetings/new",
        lambda w: {
            "cluster_id": str(w["A"]),
            "meeting_date": day(TODAY + timedelta(days=30)),
            "start_time": "9:30am",
            "location": "Teachers' Centre",
            "online_link": "",
            "chair_name": "Lee Lead",
            "co_chair_name": "",
        },
        PanelMeeting,
    ),
    (
        "lead",
        "/panels/meetings/{meeting_a}/members/new",
        lambda w: {"name": "Dr Ede", "professional_role": "EP", "user_id": "", "setting_id": ""},
        PanelMember,
    ),
    (
        "lead",
        "/panels/decisions/{decision_a}/actions/new",
        lambda w: {"description": "Call", "owner": "Lead", "due_date": day(TODAY)},
        PanelAction,
    ),
    ("officer", "/admin/clusters/new", lambda w: {"name": "North Hills", "quorum": "4"}, Cluster),
    (
        "officer",
        "/admin/settings/new",
        lambda w: {"urn": "300999", "name": "New Nursery", "phase": "early_years"},
        Setting,
    ),
    (
        "officer",
        "/admin/unit-rates",
        lambda w: {"staff_role": "Tutor", "hourly_rate": "41"},
        UnitRate,
    ),
    (
        "admin",
        "/admin/users/new",
        lambda w: {
            "name": "Nia Jones",
            "email": "nia.jones@test.example",
            "password": "correct horse battery staple 9",
            "senco_urns": "100001",
        },
        User,
    ),
]


@pytest.mark.parametrize(
    ("account", "url", "form", "model"), CREATE_FORMS, ids=[c[1] for c in CREATE_FORMS]
)
def test_r9_every_create_form_posted_twice_makes_one_record(
    app: Flask,
    world: World,
    account: str,
    url: str,
    form: Callable[[World], dict[str, Any]],
    model: Any,
) -> None:
    url = url.format(**{k: str(v) for k, v in world.ids.items()})
    client = client_for(app, account)
    page = client.get(url).get_data(as_text=True)
    data = form(world)
    data["version"] = maybe_version(page)
    before = count(app, model)
    token = token_in(page)
    first = client.post(url, data={**data, "submission": token})
    assert first.status_code == 302, first.get_data(as_text=True)[:3000]
    second = client.post(url, data={**data, "submission": token})
    assert count(app, model) == before + 1
    assert second.status_code == 302, second.get_data(as_text=True)[:3000]
    assert second.headers["Location"] == first.headers["Location"]
    assert token, "no submission token on the form"


def _at_once(clients: list[FlaskClient], url: str, data: dict[str, Any]) -> list[Any]:
    """Each client posts `data` to `url`, all released at the same moment."""
    start = threading.Barrier(len(clients))
    responses: list[Any] = [None] * len(clients)

    def post(i: int) -> None:
        start.wait()
        responses[i] = clients[i].post(url, data=data)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_r9_concurrent_double_post_one_child_postgres(committed: tuple[Flask, World]) -> None:
    """Two identical posts at the same moment (a double click on a slow page) against an
    app that really commits: one child, and both responses go to it. Runs on the database
    the suite runs on (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""
    app, world = committed
    clients = [client_for(app, "senco"), client_for(app, "senco")]
    for n in range(3):
        surname = f"Racer{n}"
        token = token_in(clients[0].get("/pupils/new").get_data(as_text=True))
        assert token
        data = child_form(world, legal_surname=surname, submission=token)
        responses = _at_once(clients, "/pupils/new", data)
        assert [r.status_code for r in responses] == [302, 302], [
            r.get_data(as_text=True)[:1000] for r in responses
        ]
        assert responses[0].headers["Location"] == responses[1].headers["Location"]
        with app.app_context():
            made = db.session.scalar(
                select(func.count()).select_from(Pupil).where(Pupil.legal_surname == surname)
            )
            db.session.remove()
        assert made == 1


# --- R10: a lost race is a message, not a 500 -------------------------------------------


def test_r10_stale_data_error_not_500(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else saves the cycle between this request's read and its write: the flush's
    version check fails (SQLAlchemy's StaleDataError, what PostgreSQL gave as a 500 on
    outcomes/new); the form says so and keeps what was typed."""
    from sendtrack.services.pupils import apdr

    real = apdr.save_outcome

    def racing(user: Any, cycle: Any, *args: Any, **kw: Any) -> Any:
        db.session.execute(
            update(ApdrCycle)
            .where(ApdrCycle.id == cycle.id)
            .values(version=ApdrCycle.version + 1)
            .execution_options(synchronize_session=False)
        )
        return real(user, cycle, *args, **kw)

    monkeypatch.setattr(apdr, "save_outcome", racing)
    senco = client_for(app, "senco")
    url = f"/pupils/cycles/{world['cycle_a']}/outcomes/new"
    before = count(app, ApdrOutcome)
    version = version_in(senco.get(url).get_data(as_text=True))
    response = senco.post(url, data={"version": version, "description": "Reads 50 words"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert STALE in html and "Reads 50 words" in html
    assert count(app, ApdrOutcome) == before


def test_r10_stale_data_error_without_a_form_is_a_409_page(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anywhere a lost race is not caught by a form, the person is told what happened and
    what to do (409), not "Sorry, there is a problem with the service"."""
    from sqlalchemy.orm.exc import StaleDataError

    from sendtrack.services.panels import meetings

    def lost_race(*_args: Any, **_kw: Any) -> None:
        raise StaleDataError("UPDATE statement on table 'agenda_item' expected to update 1 row")

    monkeypatch.setattr(meetings, "move_item", lost_race)
    lead = client_for(app, "lead")
    item_id = _referral_a_item(app, world)
    response = lead.post(
        f"/panels/meetings/{world['meeting_a']}/agenda/move",
        data={"item_id": str(item_id), "direction": "down"},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This record was changed by someone else" in html and "reload the page" in html


def test_r9_tokens_older_than_a_day_are_purged_by_retention(app: Flask, world: World) -> None:
    from datetime import UTC, datetime

    from sendtrack.models import Submission
    from sendtrack.services import retention

    senco = client_for(app, "senco")
    first, _second = _post_twice(senco, "/pupils/new", child_form(world, legal_surname="Twice"))
    assert first.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
        db.session.execute(
            update(Submission).values(created_at=datetime.now(UTC) - timedelta(days=2))
        )
        retention.apply(retention.RetentionRules())
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_r10_simultaneous_outcome_posts_are_not_500(committed: tuple[Flask, World]) -> None:
    """outcomes/new posted twice at once gave a 500 StaleDataError on PostgreSQL: the same
    form (one token) now makes one outcome, and two different forms opened at the same
    version save one and tell the other person the cycle changed."""
    app, world = committed
    clients = [client_for(app, "senco"), client_for(app, "senco")]
    url = f"/pupils/cycles/{world['cycle_a']}/outcomes/new"

    def outcomes() -> int:
        with app.app_context():
            made = db.session.scalar(
                select(func.count())
                .select_from(ApdrOutcome)
                .where(ApdrOutcome.cycle_id == world["cycle_a"])
            )
            db.session.remove()
        return made or 0

    before = outcomes()
    page = clients[0].get(url).get_data(as_text=True)
    data = {"version": version_in(page), "description": "Reads 50 words"}
    same_form = _at_once(clients, url, {**data, "submission": token_in(page)})
    assert [r.status_code for r in same_form] == [302, 302]
    assert outcomes() == before + 1

    page = clients[0].get(url).get_data(as_text=True)
    data = {"version": version_in(page), "description": "Writes a sentence"}
    two_forms = _at_once(clients, url, data)
    assert sorted(r.status_code for r in two_forms) == [302, 400]
    refused = next(r for r in two_forms if r.status_code == 400).get_data(as_text=True)
    assert STALE in refused and "Writes a sentence" in refused
    assert outcomes() == before + 2


@pytest.mark.parametrize(
    ("account", "url", "data"),
    [
        (
            "lead",
            "/panels/meetings/{meeting_a}/edit",
            {
                "cluster_id": "{A}",
                "meeting_date": day(TODAY + timedelta(days=40)),
                "start_time": "9:30am",
                "location": "Teachers' Centre",
                "chair_name": "Lee Lead",
            },
        ),
        ("senco", "/pupils/cycles/{cycle_a}/outcomes/new", {"description": "Reads 50 words"}),
        ("officer", "/admin/clusters/{A}/edit", {"name": "Cluster A", "quorum": "3"}),
    ],
)
def test_r8_a_version_that_is_not_a_number_is_not_an_error(
    app: Flask, world: World, account: str, url: str, data: dict[str, Any]
) -> None:
    """'²' is a digit to Python's str.isdigit but not to int(): a hand-edited version is
    ignored or refused like a stale one, never a 500."""
    names = {k: str(v) for k, v in world.ids.items()}
    url = url.format(**names)
    data = {k: v.format(**names) if isinstance(v, str) else v for k, v in data.items()}
    response = client_for(app, account).post(url, data={**data, "version": "²"})
    assert response.status_code in (302, 400), response.get_data(as_text=True)[:2000]
