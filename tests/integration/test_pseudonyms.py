"""Pseudonymised documents hold (issue 19, R3) and packs built before an agenda change are
marked superseded (R11). The PDFs are read back with poppler's pdftotext, as a panel member's
reader would show them."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    GeneratedPack,
    PackStatus,
    PanelMeeting,
    Pupil,
    Referral,
    User,
)
from sendtrack.services import packs
from sendtrack.services.packs import pseudonyms
from tests import world_packs
from tests.world import World

CHILD = ("Finley", "Kowalczyk")


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _meeting(world: World) -> PanelMeeting:
    meeting = db.session.get(PanelMeeting, world["meeting_a"])
    assert meeting is not None
    return meeting


def _finley(world: World) -> AgendaItem:
    """Name the world's child on meeting A Finley Kowalczyk (preferred forename Finn)."""
    pupil = world.get(Pupil, "pupil_a")
    pupil.legal_forename, pupil.legal_surname = CHILD
    pupil.preferred_forename = "Finn"
    item = db.session.scalars(
        select(AgendaItem).where(
            AgendaItem.meeting_id == world["meeting_a"],
            AgendaItem.referral_id == world["referral_a"],
        )
    ).one()
    db.session.flush()
    return item


def _leaks(text: str) -> list[str]:
    flat = " ".join(text.split()).lower()
    return [n for n in ("finley", "kowalczyk", "finn", "amelia", "ashworth") if n in flat]


def test_r3_pseudonymised_pack_replaces_names_in_conflicts(ctx: None, world: World) -> None:
    item = _finley(world)
    item.conflicts_declared = "Mrs Okafor teaches Finley Kowalczyk; FINN's aunt is on the panel"
    # A second child on the same pack, named in the first child's free text.
    world_packs.add_cases(world["meeting_a"], world["a1"], world["A"], 1, cycles=1)
    referral = world.get(Referral, "referral_a")
    referral.reason = "Finley's needs overlap with Amelia Ashworth's; kowalczyk family agree."
    referral.professionals_involved = "Dr Kowalczyk-Smith (no relation)"
    pack = world_packs.build_pack(world, pseudonymised=True)
    assert pack.status is PackStatus.READY, pack.error
    text = _text(pack.pdf or b"")
    assert _leaks(text) == []
    flat = " ".join(text.split())
    assert "Mrs Okafor teaches F.K.;" in flat
    assert "F.K.'s aunt" in flat
    assert "F.K.'s needs overlap with A.A.'s" in flat


def test_r3_decision_record_pseudonymised_rationale(
    app: Flask, client: FlaskClient, world: World, as_user: Any
) -> None:
    with app.app_context():
        item = _finley(world)
        item.conflicts_declared = "Mrs Okafor teaches Finley Kowalczyk"
        decision = world_packs.decide(world["referral_a"], world["meeting_a"])
        decision.rationale = "Finley Kowalczyk has made progress; Finn's parents agree."
        decision.conditions = "Kowalczyk to be reviewed in school"
        decision.actions[0].description = "Send Finley's report to the EP"
        _meeting(world).pseudonymised_pack = True
        db.session.commit()
    as_user("panel")
    record = client.get(f"/packs/meetings/{world['meeting_a']}/decision-record.pdf")
    assert record.status_code == 200
    text = _text(record.data)
    assert _leaks(text) == []
    flat = " ".join(text.split())
    assert "F.K. has made progress; F.K.'s parents agree." in flat
    assert "Mrs Okafor teaches F.K." in flat
    assert "Send F.K.'s report" in flat


def test_r3_pack_with_name_left_in_is_refused(
    ctx: None, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = _finley(world)
    item.conflicts_declared = "Mrs Okafor teaches Finley Kowalczyk"
    # A path the replacement does not cover: the checker must still find the name.
    monkeypatch.setattr(pseudonyms.Pseudonyms, "text", lambda self, value, own=None: value)
    before = db.session.scalar(select(func.count()).select_from(GeneratedPack))
    pack = world_packs.build_pack(world, pseudonymised=True)
    assert pack.status is PackStatus.FAILED
    assert pack.pdf is None and pack.sha256 is None
    assert "not stored" in (pack.error or "") and "Finley" not in (pack.error or "")
    stored = db.session.scalar(
        select(func.count())
        .select_from(GeneratedPack)
        .where(GeneratedPack.pdf.is_not(None), GeneratedPack.meeting_id == world["meeting_a"])
    )
    assert stored == 1  # only the world's stand-in version 1
    assert db.session.scalar(select(func.count()).select_from(GeneratedPack)) == before + 1


def test_r3_refused_pack_shows_why_on_the_pack_page(
    app: Flask, client: FlaskClient, world: World, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        _finley(world).conflicts_declared = "Mrs Okafor teaches Finley Kowalczyk"
        db.session.commit()
    monkeypatch.setattr(pseudonyms.Pseudonyms, "text", lambda self, value, own=None: value)
    as_user("lead")
    built = client.post(
        f"/packs/meetings/{world['meeting_a']}/build", data={"identities": "pseudonymised"}
    )
    assert built.status_code == 302
    page = client.get(built.headers["Location"]).get_data(as_text=True)
    assert "The pack could not be built" in page
    assert "still named a child" in page
    assert "Kowalczyk" not in page
    assert "Download the pack" not in page


def test_r3_decision_record_with_name_left_in_is_refused(
    app: Flask, client: FlaskClient, world: World, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        _finley(world).conflicts_declared = "Mrs Okafor teaches Finley Kowalczyk"
        _meeting(world).pseudonymised_pack = True
        db.session.commit()
    monkeypatch.setattr(pseudonyms.Pseudonyms, "text", lambda self, value, own=None: value)
    as_user("panel")
    record = client.get(f"/packs/meetings/{world['meeting_a']}/decision-record.pdf")
    assert record.status_code == 409
    assert record.mimetype == "text/html"
    page = record.get_data(as_text=True)
    assert "still named a child" in page and "Kowalczyk" not in page


def test_r3_names_are_replaced_whole_words_only(ctx: None) -> None:
    child = pseudonyms.Child("F.K.", ("Ann", "Lee", "Ann-Marie", None))
    names = pseudonyms.Pseudonyms([child])
    assert names.text("Annual review with Ann, Ann-Marie and ANN LEE's leeway.") == (
        "Annual review with F.K., F.K. and F.K.'s leeway."
    )
    assert names.text("Ann Lee.") == "F.K."
    may = pseudonyms.Pseudonyms([pseudonyms.Child("M.J.", ("May", "Jones", None, None))])
    assert may.text("Panel, 21 May 2026: May's mum met Mrs Jones in May.") == (
        "Panel, 21 May 2026: M.J.'s mum met Mrs M.J. in M.J."
    )


def test_r3_checker_reads_names_broken_over_lines(ctx: None) -> None:
    child = pseudonyms.Child("F.K.", ("Finley", "Kowalczyk", None, None))
    names = pseudonyms.Pseudonyms([child])
    assert names.found_in("Mrs Okafor teaches Kowal-\nczyk and Fin\u00adley")
    assert names.found_in("Mrs Okafor teaches \ufb01nley")  # the "fi" ligature
    assert names.found_in("Mrs Okafor teaches F.K. on 12 May") == []


def _remove_from_agenda(world: World, referral_id: Any) -> None:
    item = db.session.scalars(
        select(AgendaItem).where(
            AgendaItem.meeting_id == world["meeting_a"], AgendaItem.referral_id == referral_id
        )
    ).one()
    db.session.delete(item)
    db.session.flush()


def test_r11_pack_built_before_agenda_change_is_superseded(
    app: Flask, client: FlaskClient, world: World, as_user: Any
) -> None:
    with app.app_context():
        old = world_packs.build_pack(world, pseudonymised=False)
        old_id = old.id
        assert old.referral_ids == [str(world["referral_a"])]
        current = packs.summary_for(world.get(User, "lead"), _meeting(world))
        assert not any(v["superseded"] for v in current["versions"] if v["id"] == old_id)
        world_packs.add_cases(world["meeting_a"], world["a1"], world["A"], 1, cycles=1)
        db.session.commit()
    as_user("lead")
    meeting_page = client.get(f"/packs/meetings/{world['meeting_a']}/").get_data(as_text=True)
    assert "Superseded" in meeting_page
    assert "built before the agenda changed" in meeting_page
    show = client.get(f"/packs/{old_id}/").get_data(as_text=True)
    assert "Superseded" in show and "govuk-warning-text" in show
    # Only a case added since: the old pack names no child who has left the agenda.
    assert client.get(f"/packs/{old_id}/download").status_code == 200


def test_r11_superseded_pack_naming_removed_child_officers_only(
    app: Flask, client: FlaskClient, world: World, as_user: Any
) -> None:
    with app.app_context():
        [extra] = world_packs.add_cases(world["meeting_a"], world["a1"], world["A"], 1, cycles=1)
        old_id = world_packs.build_pack(world, pseudonymised=False).id
        _remove_from_agenda(world, extra)
        db.session.commit()
    for role in ("lead", "panel"):
        as_user(role)
        assert client.get(f"/packs/{old_id}/download").status_code == 404, role
        show = client.get(f"/packs/{old_id}/").get_data(as_text=True)
        assert "names a child who is no longer on the agenda" in show
        assert "Download the pack" not in show
        meeting_page = client.get(f"/packs/meetings/{world['meeting_a']}/").get_data(as_text=True)
        assert f"/packs/{old_id}/download" not in meeting_page
        client.get("/sign-out")
    for role in ("officer", "admin"):
        as_user(role)
        assert client.get(f"/packs/{old_id}/download").status_code == 200, role
        client.get("/sign-out")
    # Building again makes a current version everyone on the panel can read.
    as_user("lead")
    built = client.post(f"/packs/meetings/{world['meeting_a']}/build", data={"identities": "named"})
    new_id = built.headers["Location"].rstrip("/").split("/")[-1]
    assert new_id != str(old_id)
    client.get("/sign-out")
    as_user("panel")
    assert client.get(f"/packs/{new_id}/download").status_code == 200


def test_r3_panel_pack_command_refuses_a_pack_naming_a_child(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    with app.app_context():
        _finley(world).conflicts_declared = "Mrs Okafor teaches Finley Kowalczyk"
        on = _meeting(world).meeting_date.isoformat()
        db.session.commit()
    monkeypatch.setattr(pseudonyms.Pseudonyms, "text", lambda self, value, own=None: value)
    out = tmp_path / "pack.pdf"
    args = ["panel-pack", "--cluster", "Cluster A", "--date", on, "--pseudonymised"]
    result = app.test_cli_runner().invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 1
    assert "still named a child (F.K., page" in result.output
    assert not out.exists()
