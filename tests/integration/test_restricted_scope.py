"""Issue 19, R1 and R2: a restricted child stays hidden in documents as on pages, and an
outcome letter is scoped like its referral.

The world's restricted child (Test Hiddenly, a1) has a referral on meeting_a's agenda, a
decided referral on meeting_past_a's with a confirmed decision, and a stored pack of
meeting_past_a that includes that case (tests/world_restricted.py). The unscheduled decided
referral (Uma Offagenda, a1) was never on an agenda."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import AgendaItem, PanelMeeting, User
from sendtrack.school_year import financial_year_of
from sendtrack.services.packs import data
from sendtrack.services.panels import meetings
from tests.clock import TODAY
from tests.conftest import sign_in
from tests.world import EMAILS, World

HIDDEN = "Hiddenly"
SCOPED = ("senco", "lead", "panel")
AREA_WIDE = ("officer", "admin")


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\x00", "")


@pytest.fixture
def clients(app: Flask) -> Iterator[dict[str, FlaskClient]]:
    signed_in = {}
    for key in (*SCOPED, *AREA_WIDE):
        client = app.test_client()
        sign_in(client, EMAILS[key])
        signed_in[key] = client
    yield signed_in


def test_r1_outcome_letter_of_restricted_child_is_404(
    clients: dict[str, FlaskClient], world: World
) -> None:
    url = f"/packs/referrals/{world['referral_restricted_decided']}/outcome-letter.pdf"
    for key in SCOPED:
        assert clients[key].get(url).status_code == 404, key
    letter = clients["officer"].get(url)
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    assert HIDDEN in _pdf_text(letter.data)


def test_r1_meeting_page_hides_restricted_child(
    clients: dict[str, FlaskClient], world: World
) -> None:
    for meeting in ("meeting_a", "meeting_past_a"):
        url = f"/panels/meetings/{world[meeting]}"
        for key in ("lead", "panel"):
            page = clients[key].get(url)
            assert page.status_code == 200, (key, meeting)
            text = page.get_data(as_text=True)
            assert HIDDEN not in text and "REF-TEST-REFERRAL-RESTRICTED" not in text, (key, meeting)
        officer = clients["officer"].get(url).get_data(as_text=True)
        assert HIDDEN in officer, meeting


def test_r1_decision_record_hides_restricted_child(
    clients: dict[str, FlaskClient], world: World
) -> None:
    url = f"/packs/meetings/{world['meeting_past_a']}/decision-record.pdf"
    for key in ("lead", "panel"):
        record = clients[key].get(url)
        assert record.status_code == 200, key
        text = _pdf_text(record.data)
        assert "Alphason" in text and HIDDEN not in text, key
    assert HIDDEN in _pdf_text(clients["officer"].get(url).data)


def test_r1_stored_pack_naming_restricted_child_is_404(
    clients: dict[str, FlaskClient], world: World
) -> None:
    pack = world["pack_restricted"]
    for key in ("lead", "panel"):
        assert clients[key].get(f"/packs/{pack}/").status_code == 404, key
        assert clients[key].get(f"/packs/{pack}/download").status_code == 404, key
        listing = clients[key].get(f"/packs/meetings/{world['meeting_past_a']}/")
        assert str(pack) not in listing.get_data(as_text=True), key
    assert clients["officer"].get(f"/packs/{pack}/download").status_code == 200
    listing = clients["officer"].get(f"/packs/meetings/{world['meeting_past_a']}/")
    assert str(pack) in listing.get_data(as_text=True)


def test_r1_new_pack_leaves_out_restricted_child(
    clients: dict[str, FlaskClient], world: World
) -> None:
    lead = clients["lead"]
    built = lead.post(f"/packs/meetings/{world['meeting_a']}/build", data={"identities": "named"})
    assert built.status_code == 302, built.get_data(as_text=True)[:500]
    show = built.headers["Location"]
    download = lead.get(show.rstrip("/") + "/download")
    assert download.status_code == 200
    text = _pdf_text(download.data)
    assert "Alphason" in text and HIDDEN not in text
    # Left out of every pack, whoever builds it: the officer's build is the same version.
    again = clients["officer"].post(
        f"/packs/meetings/{world['meeting_a']}/build", data={"identities": "named"}
    )
    assert again.headers["Location"] == show


def test_r1_pack_case_data_leaves_out_restricted_child(ctx: None, world: World) -> None:
    meeting = db.session.get(PanelMeeting, world["meeting_a"])
    assert meeting is not None
    names = [case["child"]["name"] for case in data.case_data(meeting, False)]
    assert names and not any(HIDDEN in name for name in names)


def test_r1_meeting_counts_leave_out_restricted_child(ctx: None, world: World) -> None:
    def count(key: str) -> int:
        user = db.session.get(User, world[key])
        assert user is not None
        listed = meetings.list_meetings(user)
        upcoming = meetings.upcoming_meetings(user)
        assert (
            listed.agenda_counts[world["meeting_a"]] == upcoming.agenda_counts[world["meeting_a"]]
        )
        return listed.agenda_counts[world["meeting_a"]]

    assert count("lead") == count("panel") == 1
    assert count("officer") == 2


def test_r2_panel_member_cannot_fetch_letter_of_unscheduled_referral(
    clients: dict[str, FlaskClient], world: World
) -> None:
    referral = world["referral_unscheduled"]
    letter = f"/packs/referrals/{referral}/outcome-letter.pdf"
    assert clients["panel"].get(letter).status_code == 404
    assert clients["panel"].get(f"/referrals/{referral}").status_code == 404
    for key in ("senco", "lead", "officer"):
        found = clients[key].get(letter)
        assert found.status_code == 200 and "Offagenda" in _pdf_text(found.data), key
        assert clients[key].get(f"/referrals/{referral}").status_code == 200, key


def test_r1_cluster_budget_lists_no_award_of_restricted_child(
    clients: dict[str, FlaskClient], world: World
) -> None:
    year = financial_year_of(TODAY - timedelta(days=21))  # the world's past meeting
    url = f"/panels/budgets/{world['A']}?year={year}"
    restricted = "REF-TEST-REFERRAL-RESTRICTED-DECIDED"
    page = clients["lead"].get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "REF-TEST-DA" in text and restricted not in text
    assert restricted in clients["officer"].get(url).get_data(as_text=True)


def test_r1_lead_cannot_open_or_change_restricted_childs_agenda_item(
    app: Flask, clients: dict[str, FlaskClient], world: World
) -> None:
    with app.app_context():
        item = db.session.scalars(
            select(AgendaItem).where(AgendaItem.referral_id == world["referral_restricted"])
        ).one()
        item_id = str(item.id)
    url = f"/panels/meetings/{world['meeting_a']}"
    lead = clients["lead"]
    conflicts = lead.get(f"{url}/conflicts?item={item_id}")
    assert conflicts.status_code == 302 and HIDDEN not in conflicts.get_data(as_text=True)
    lead.post(f"{url}/conflicts", data={"item_id": item_id, "conflicts_declared": "Knows them"})
    lead.post(f"{url}/agenda/remove", data={"item_id": item_id})
    with app.app_context():
        kept = db.session.get(AgendaItem, uuid.UUID(item_id))
        assert kept is not None and kept.conflicts_declared is None
    assert HIDDEN in clients["officer"].get(url).get_data(as_text=True)


def test_r1_pack_page_lists_no_letter_of_restricted_child(
    clients: dict[str, FlaskClient], world: World
) -> None:
    for meeting in ("meeting_a", "meeting_past_a"):
        url = f"/packs/meetings/{world[meeting]}/"
        for key in ("lead", "panel"):
            page = clients[key].get(url).get_data(as_text=True)
            assert "REF-TEST-A" in page or "REF-TEST-DA" in page, (key, meeting)
            assert "REF-TEST-REFERRAL-RESTRICTED" not in page, (key, meeting)
            assert "1 case on the agenda" in page, (key, meeting)
        officer = clients["officer"].get(url).get_data(as_text=True)
        assert "REF-TEST-REFERRAL-RESTRICTED" in officer and "2 cases" in officer
