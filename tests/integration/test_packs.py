"""Panel packs: pseudonymising, hostile text, versioning, the web pages, downloads and their
audit, scoping, decision records, outcome letters and the command."""

from __future__ import annotations

import hashlib
import io
import subprocess

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    GeneratedPack,
    PackStatus,
    PanelMeeting,
    PanelMember,
    Pupil,
    Referral,
)
from sendtrack.services import packs
from sendtrack.services.packs import jobs
from tests import world_packs
from tests.world import World

HOSTILE = (
    "<script>alert('x')</script> <b>bold</b> <img src=\"file:///etc/passwd\"> "
    + "Supercalifragilistic" * 15
    + ' 😀🎒 مرحبا بالعالم שלום & "quotes" {{ 7*7 }}'
)


def _text(pdf: bytes) -> str:
    return "\n".join(
        p.extract_text(extraction_mode="layout") for p in PdfReader(io.BytesIO(pdf)).pages
    ).replace("\x00", "")  # pypdf leaves the high bytes of two-byte glyph codes


def _meeting(world: World, key: str = "meeting_a") -> PanelMeeting:
    meeting = db.session.get(PanelMeeting, world[key])
    assert meeting is not None
    return meeting


def test_pseudonymised_pack_has_initials_only(ctx: None, world: World) -> None:
    referral = world.get(Referral, "referral_a")
    referral.reason = "Test Alphason struggles at lunchtime; Alphason's mum agrees."
    referral.child_views = "Test says: I like Lego."
    world_packs.add_cases(world["meeting_a"], world["a1"], world["A"], 2, cycles=1)
    pack = world_packs.build_pack(world, pseudonymised=True)
    text = _text(pack.pdf or b"")
    pupil = world.get(Pupil, "pupil_a")
    assert "T.A." in text and "A.A." in text  # Test Alphason, Amelia Ashworth
    for leaked in ("Alphason", "Amelia", "Ashworth", "Oliver", "Brennan", "V936100117001"):
        assert leaked not in text, leaked
    for dob in (pupil.date_of_birth.isoformat(), f"{pupil.date_of_birth:%B %Y}", "born "):
        assert dob not in text, dob
    assert "UPN" not in text
    assert "years" in text and "month" in text  # age in years and months instead
    assert "pseudonymised" in text
    assert pack.pseudonymised is True
    assert _meeting(world).pseudonymised_pack is True


def test_hostile_text_is_escaped_and_wrapped(ctx: None, world: World) -> None:
    referral = world.get(Referral, "referral_a")
    referral.reason = HOSTILE
    referral.parent_views = HOSTILE
    referral.professionals_involved = "\n".join([HOSTILE] * 3)
    db.session.add(
        PanelMember(
            meeting_id=world["meeting_a"], name="<b>Dr</b> Evil", professional_role=HOSTILE[:120]
        )
    )
    pack = world_packs.build_pack(world)
    assert pack.status is PackStatus.READY
    reader = PdfReader(io.BytesIO(pack.pdf or b""))
    # pdftotext (poppler) reads the right-to-left text in logical order; pypdf does not.
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pack.pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "<script>alert('x')</script>" in text  # printed as text, not run or dropped
    assert '<img src="file:///etc/passwd">' in text
    assert "<b>Dr</b> Evil" in text
    assert "{{ 7*7 }}" in text  # not evaluated as a template
    for word in ("مرحبا", "بالعالم", "שלום"):
        assert word in text  # right-to-left text kept
    # The 300-letter word is broken over lines, so no line runs off the page.
    assert ("Supercalifragilistic" * 15) not in text.replace("\n", "#")
    assert "Supercalifragilistic" * 15 in text.replace("\n", "")
    width = float(reader.pages[0].mediabox.width)
    for page in reader.pages:
        assert float(page.mediabox.width) == width  # A4 throughout, nothing widened


def test_same_data_reuses_the_version_and_changes_make_new_ones(ctx: None, world: World) -> None:
    first = world_packs.build_pack(world)
    assert first.version_number == 2  # the world has a version 1
    assert first.sha256 == hashlib.sha256(first.pdf or b"").hexdigest()
    assert first.size_bytes == len(first.pdf or b"")
    again = packs.request_build(None, _meeting(world), False)
    assert again.reused and again.pack.id == first.id

    world_packs.add_cases(world["meeting_a"], world["a1"], world["A"], 1, cycles=1)
    changed_agenda = world_packs.build_pack(world)
    assert changed_agenda.version_number == 3
    assert changed_agenda.fingerprint != first.fingerprint

    world.get(Referral, "referral_a").reason = "Updated after the school's review"
    changed_case = world_packs.build_pack(world)
    assert changed_case.version_number == 4
    assert "Updated after the school's review" in _text(changed_case.pdf or b"")

    named_again = packs.request_build(None, _meeting(world), True)
    assert not named_again.reused  # pseudonymising is a different pack
    assert named_again.pack.version_number == 5


def test_progress_is_reported_until_done(ctx: None, world: World) -> None:
    request = packs.request_build(None, _meeting(world), False)
    seen: list[tuple[str, int, int]] = []

    def save() -> None:
        pack = request.pack
        seen.append((pack.status.value, pack.progress_done, pack.progress_total))
        db.session.flush()

    jobs.execute(request.pack, save)
    assert seen[0][0] == "building"
    assert seen[-1][0] == "ready" and seen[-1][1] == seen[-1][2] > 0
    dones = [done for _, done, _ in seen]
    assert dones == sorted(dones)


def test_lead_builds_from_the_web_and_panel_member_downloads(
    app: Flask, client: FlaskClient, world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    as_user("lead")
    page = client.get(f"/packs/meetings/{world['meeting_a']}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Build the pack" in html and "Pack versions" in html
    refused = client.post(f"/packs/meetings/{world['meeting_a']}/build", data={})
    assert refused.status_code == 400
    assert "Choose whether the pack shows children" in refused.get_data(as_text=True)

    built = client.post(f"/packs/meetings/{world['meeting_a']}/build", data={"identities": "named"})
    assert built.status_code == 302
    shown = client.get(built.headers["Location"], follow_redirects=True)
    html = shown.get_data(as_text=True)
    assert "Panel pack version 2" in html and "is ready" in html
    assert 'http-equiv="refresh"' not in html  # finished: no more refreshing
    with app.app_context():
        pack = db.session.scalars(
            select(GeneratedPack).where(GeneratedPack.version_number == 2)
        ).one()
        pack_id, sha = pack.id, pack.sha256
    assert sha is not None and sha in html

    same = client.post(f"/packs/meetings/{world['meeting_a']}/build", data={"identities": "named"})
    assert "still current" in client.get(same.headers["Location"]).get_data(as_text=True)

    client.get("/sign-out")
    as_user("panel")
    assert "Build the pack" not in client.get(f"/packs/meetings/{world['meeting_a']}/").get_data(
        as_text=True
    )
    assert client.post(f"/packs/meetings/{world['meeting_a']}/build").status_code == 403
    download = client.get(f"/packs/{pack_id}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert hashlib.sha256(download.data).hexdigest() == sha
    assert download.headers["Cache-Control"] == "no-store"
    assert _tagged(download.data)  # one structure tree joined from the parts' trees
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.DOWNLOAD, AuditEvent.object_id == str(pack_id)
            )
        ).all()
        assert len(events) == 1 and events[0].user_email == "panel.a@test.example"


def test_progress_page_refreshes_itself_without_script(
    app: Flask, client: FlaskClient, world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        pack = GeneratedPack(
            meeting_id=world["meeting_a"],
            version_number=7,
            fingerprint="f" * 64,
            status=PackStatus.BUILDING,
            progress_done=3,
            progress_total=12,
        )
        db.session.add(pack)
        db.session.commit()
        pack_id = pack.id
    as_user("lead")
    html = client.get(f"/packs/{pack_id}/").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "3 of 12 steps done" in html
    assert "<script>" not in html  # only <script src=...> files: the CSP forbids inline
    assert client.get(f"/packs/{pack_id}/download").status_code == 404


def test_packs_are_scoped_to_the_cluster(client: FlaskClient, world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    as_user("lead_b")
    assert client.get(f"/packs/meetings/{world['meeting_a']}/").status_code == 404
    assert client.get(f"/packs/{world['pack_a']}/download").status_code == 404
    assert client.get(f"/packs/{world['pack_b']}/download").status_code == 200


def _tagged(pdf: bytes) -> bool:
    """A structure tree and the catalogue's mark that the document is tagged."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    return "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])


def test_decision_record_and_outcome_letters(
    app: Flask, client: FlaskClient, world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    as_user("senco")
    none_yet = client.get(f"/packs/referrals/{world['referral_a']}/outcome-letter.pdf")
    assert none_yet.status_code == 200
    assert "There is no outcome letter yet" in none_yet.get_data(as_text=True)
    with app.app_context():
        world_packs.decide(world["referral_a"], world["meeting_a"], amount="1800")
        db.session.commit()
    letter = client.get(f"/packs/referrals/{world['referral_a']}/outcome-letter.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    text = _text(letter.data)
    assert "A One Primary" in text and "Test Alphason" in text
    assert "Advice and resources" in text and "£1,800.00" in text
    assert "Share the speech and language therapy report" in text
    assert _tagged(letter.data)
    assert (
        client.get(f"/packs/referrals/{world['referral_b']}/outcome-letter.pdf").status_code == 404
    )
    client.get("/sign-out")
    as_user("senco_a2")
    assert (
        client.get(f"/packs/referrals/{world['referral_a']}/outcome-letter.pdf").status_code == 404
    )
    client.get("/sign-out")

    as_user("panel")
    record = client.get(f"/packs/meetings/{world['meeting_a']}/decision-record.pdf")
    assert record.status_code == 200
    text = _text(record.data)
    assert "Decision record" in text and "REF-TEST-A" in text
    assert "Strong evidence of a graduated approach" in text and "1 of 1 cases decided" in text
    assert _tagged(record.data)
    with app.app_context():
        kinds = {
            e.object_type
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.DOWNLOAD)
            )
        }
        assert {"referral", "panel_meeting"} <= kinds


def test_panel_pack_command(app: Flask, world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        meeting = _meeting(world)
        on = meeting.meeting_date.isoformat()
    out = tmp_path / "pack.pdf"
    runner = app.test_cli_runner()
    args = ["panel-pack", "--cluster", "Cluster A", "--date", on, "--out", str(out)]
    result = runner.invoke(args=[*args, "--pseudonymised"])
    assert result.exit_code == 0, result.output
    assert "version 2 (new)" in result.output
    assert "T.A." in _text(out.read_bytes()) and "Alphason" not in _text(out.read_bytes())
    again = runner.invoke(args=[*args, "--pseudonymised"])
    assert "version 2 (unchanged, reused)" in again.output
    missing = runner.invoke(
        args=["panel-pack", "--cluster", "Nowhere", "--date", on, "--out", str(out)]
    )
    assert missing.exit_code == 1 and "No Nowhere panel meeting" in missing.output
    bad = runner.invoke(
        args=["panel-pack", "--cluster", "Cluster A", "--date", "31/12/2026", "--out", str(out)]
    )
    assert bad.exit_code == 2
