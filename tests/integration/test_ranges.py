"""The ranges framework through its pages: an officer edits the draft, publishes it as
version 2 and starts version 3's draft; version 1's rows never change; everyone signed in
reads the guide in effect, filtered and searched, and downloads it as a PDF; bad input is
refused with GOV.UK messages."""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    FrameworkStatus,
    RangesArea,
    RangesDescriptor,
    RangesFramework,
    User,
)
from sendtrack.services.errors import DomainError
from sendtrack.services.ranges import frameworks
from tests.clock import TODAY
from tests.conftest import sign_in
from tests.world import EMAILS, World


def client_for(app: Flask, key: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, EMAILS[key])
    return client


def _date(field: str, day: date) -> dict[str, list[str]]:
    return {field: [str(day.day), str(day.month), str(day.year)]}


def _version(app: Flask, key: str = "ranges_draft") -> str:
    with app.app_context():
        framework = db.session.get(RangesFramework, app.config["WORLD"][key])
        assert framework is not None
        return str(framework.version)


def _pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def _wordings(app: Flask, framework_key: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(RangesDescriptor.wording)
                .join(RangesArea, RangesArea.id == RangesDescriptor.area_id)
                .where(RangesArea.framework_id == app.config["WORLD"][framework_key])
                .order_by(RangesDescriptor.wording)
            )
        )


def test_officer_edits_publishes_and_starts_the_next_draft(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    v1_words = _wordings(app, "ranges_v1")
    area, level = world["ranges_draft_area_a"], world["ranges_draft_level_b"]
    cell = f"/ranges/draft/areas/{area}/levels/{level}"
    response = officer.post(
        cell,
        data={
            "version": _version(app),
            "descriptors": "Rarely starts a conversation\n\n  Needs words  repeated  \n",
        },
    )
    assert response.status_code == 302
    response = officer.post(
        f"{cell}/provision/new",
        data={
            "version": _version(app),
            "description": "Language group",
            "staff_role": "Teaching assistant",
            "group_size": "3",
            "minutes_per_week": "60",
            "weeks": "30",
        },
    )
    assert response.status_code == 302
    response = officer.post(
        "/ranges/draft/levels/new",
        data={"version": _version(app), "name": "Specialist", "usually_next": "consider_ehcna"},
    )
    assert response.status_code == 302
    # A level with no descriptor cannot be published.
    response = officer.post(
        "/ranges/draft/publish", data={"version": _version(app), **_date("effective_from", TODAY)}
    )
    assert response.status_code == 400
    assert "Add at least one descriptor at Specialist" in response.get_data(as_text=True)
    with app.app_context():
        draft = frameworks.the_draft()
        specialist = draft.levels[-1]
        assert (specialist.rank, specialist.name) == (3, "Specialist")
        specialist_id = specialist.id
    officer.post(
        f"/ranges/draft/areas/{area}/levels/{specialist_id}",
        data={"version": _version(app), "descriptors": "Has very little spoken language"},
    )
    response = officer.post(
        "/ranges/draft/publish", data={"version": _version(app), **_date("effective_from", TODAY)}
    )
    assert response.status_code == 302
    with app.app_context():
        published = db.session.get(RangesFramework, world["ranges_draft"])
        assert published is not None
        assert (published.status, published.number) == (FrameworkStatus.PUBLISHED, 2)
        assert frameworks.current() is published
    # Version 1 kept its words; version 2 has the new ones, spaces tidied.
    assert _wordings(app, "ranges_v1") == v1_words
    v2_words = _wordings(app, "ranges_draft")
    assert "Needs words repeated" in v2_words and "Rarely starts a conversation" in v2_words
    assert "Communication and interaction: needs regular help" not in v2_words
    # Everyone reads version 2 now, with the new item costed: £20 x 1 hour x 30 weeks / 3.
    page = client_for(app, "senco").get("/ranges/").get_data(as_text=True)
    assert "Version 2" in page and "Rarely starts a conversation" in page
    assert "£200.00" in page
    # A published version is never edited, even by a stale form.
    response = officer.get(cell)
    assert response.status_code == 404
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == EMAILS["officer"])).one()
        framework = db.session.get(RangesFramework, world["ranges_draft"])
        assert framework is not None
        try:
            frameworks.save_area(
                user, framework, name="New", need_codes=[], version=framework.version
            )
        except DomainError as exc:
            assert "cannot be changed" in exc.message
        else:
            raise AssertionError("a published version was changed")
    # The next draft starts as a copy of version 2.
    response = officer.post("/ranges/draft/start", data={})
    assert response.status_code == 302 and response.headers["Location"].endswith("/ranges/draft")
    with app.app_context():
        draft = frameworks.the_draft()
        assert draft.based_on_id == world["ranges_draft"]
        assert [lv.name for lv in draft.levels] == ["Universal", "Targeted", "Specialist"]
        copied = sorted(d.wording for a in draft.areas for d in a.descriptors)
    assert copied == v2_words
    # A second draft is refused while one exists.
    response = officer.post("/ranges/draft/start", data={}, follow_redirects=True)
    assert "There is already a draft" in response.get_data(as_text=True)


def test_publishing_refuses_a_date_before_the_version_in_effect(app: Flask) -> None:
    officer = client_for(app, "officer")
    response = officer.post("/ranges/draft/publish", data={"version": _version(app)})
    assert response.status_code == 400
    assert "Enter the date it takes effect" in response.get_data(as_text=True)
    early = TODAY - timedelta(days=200)
    response = officer.post(
        "/ranges/draft/publish", data={"version": _version(app), **_date("effective_from", early)}
    )
    assert response.status_code == 400
    assert "on or after version 1" in response.get_data(as_text=True)


def test_a_future_version_waits_for_its_date(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    later = TODAY + timedelta(days=30)
    response = officer.post(
        "/ranges/draft/publish", data={"version": _version(app), **_date("effective_from", later)}
    )
    assert response.status_code == 302
    with app.app_context():
        current = frameworks.current()
        assert current is not None and current.id == world["ranges_v1"]
        later_one = frameworks.current(later)
        assert later_one is not None and later_one.number == 2
    page = officer.get("/ranges/versions").get_data(as_text=True)
    assert "Not yet in effect" in page and "In effect" in page


def test_draft_forms_refuse_bad_input_keeping_what_was_typed(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    response = officer.post(
        "/ranges/draft/areas/new",
        data={"version": _version(app), "name": "Social, emotional and MENTAL health"},
    )
    assert response.status_code == 400
    assert "There is already an area called" in response.get_data(as_text=True)
    response = officer.post(
        "/ranges/draft/areas/new",
        data={"version": _version(app), "name": "Physical", "need_codes": ["SEMH"]},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "already in Social, emotional and mental health" in page and 'value="Physical"' in page
    area, level = world["ranges_draft_area_a"], world["ranges_draft_level_a"]
    response = officer.post(
        f"/ranges/draft/areas/{area}/levels/{level}/provision/new",
        data={"version": _version(app), "description": "Group", "group_size": "0", "weeks": "x"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Group size must be between 1 and 40" in page
    assert "Number of weeks must be a whole number" in page
    response = officer.post(
        f"/ranges/draft/areas/{area}/levels/{level}",
        data={"version": _version(app), "descriptors": "x" * 1001},
    )
    assert response.status_code == 400
    assert "Descriptor 1 is too long" in response.get_data(as_text=True)
    response = officer.post(
        "/ranges/draft/levels/new", data={"version": _version(app), "name": "Higher"}
    )
    assert response.status_code == 400
    assert "Choose what usually comes next" in response.get_data(as_text=True)
    # A stale version is refused, not silently applied.
    response = officer.post(
        f"/ranges/draft/areas/{area}",
        data={"version": str(int(_version(app)) - 1 or 99), "name": "Renamed"},
    )
    assert response.status_code in (400, 409)
    assert "changed by someone else" in response.get_data(as_text=True)


def test_removing_expected_provision_needs_the_page_version(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    url = f"/ranges/draft/provision/{world['ranges_item_a']}/remove"
    assert officer.post(url, data={}).status_code == 400
    response = officer.post(url, data={"version": _version(app)})
    assert response.status_code == 302
    assert officer.get(url).status_code == 404


def test_the_guide_filters_searches_and_downloads(app: Flask, world: World) -> None:
    senco = client_for(app, "senco")
    page = senco.get("/ranges/").get_data(as_text=True)
    assert "Testshire ranges" in page and "(draft)" not in page
    assert "Social, emotional and mental health: needs regular help" in page
    filtered = senco.get(
        f"/ranges/?area={world['ranges_area_a']}&level={world['ranges_level_b']}"
    ).get_data(as_text=True)
    assert "Communication and interaction: needs regular help" in filtered
    assert "needs a little help" not in filtered
    assert "Social, emotional and mental health: needs" not in filtered
    searched = senco.get("/ranges/?q=TIMETABLE").get_data(as_text=True)
    assert "visual timetable" in searched and "small-group sessions" not in searched
    nothing = senco.get("/ranges/?q=zzzz").get_data(as_text=True)
    assert "Nothing in the guide matches" in nothing
    # A filter value that is not an id is ignored, never a 500.
    assert senco.get("/ranges/?area=not-an-id&level=%00").status_code in (200, 400)
    response = senco.get(f"/ranges/guide.pdf?area={world['ranges_area_b']}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "Testshire ranges" in text and "Version 1" in text
    assert "Social, emotional and mental health: small-group sessions" in text
    assert "Communication and interaction: visual" not in text
    # The group's cost: £20 an hour x 1.5 hours x 30 weeks / 4 = £225.
    assert "£225.00" in text
    # The guide is the council's published document and names no child: OFFICIAL, not the
    # OFFICIAL-SENSITIVE of a child's record or a panel pack.
    assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text


def test_officers_alone_see_the_draft_links(app: Flask) -> None:
    assert "Versions and the draft" not in client_for(app, "senco").get("/ranges/").get_data(
        as_text=True
    )
    assert "Versions and the draft" in client_for(app, "officer").get("/ranges/").get_data(
        as_text=True
    )
