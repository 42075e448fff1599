"""A child's SEN history and needs as a Common Transfer File fragment (issue 27): the
download, its audit event, its elements, and that it re-imports into a fresh database as
the same history and needs."""

from __future__ import annotations

from datetime import date, timedelta

from defusedxml import ElementTree
from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    LocalAuthority,
    Phase,
    Pupil,
    SenStatusChange,
    Setting,
)
from sendtrack.services.imports import ctf, run_import
from tests.clock import TODAY
from tests.world import World


def _history(pupil_id: object) -> list[tuple[str, date]]:
    return [
        (status.value, start)
        for status, start in db.session.execute(
            select(SenStatusChange.status, SenStatusChange.start_date)
            .where(SenStatusChange.pupil_id == pupil_id)
            .order_by(SenStatusChange.start_date, SenStatusChange.recorded_at)
        )
    ]


def test_download_is_a_ctf_fragment_and_audited(app: Flask, world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("senco")
    response = client.get(f"/pupils/{world['pupil_a']}/ctf.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=936EEEE_CTF_MMMMMMM_001.xml"
    )
    root = ElementTree.fromstring(response.data)
    assert root.tag == "CTfile"
    assert root.findtext("Header/DocumentQualifier") == "partial"
    assert root.findtext("Header/SourceSchool/LEA") == "936"
    assert root.findtext("Header/SourceSchool/URN") == "100001"
    assert root.findtext("Header/DestSchool/LEA") == "MMM"
    pupil = root.find("CTFpupilData/Pupil")
    assert pupil is not None
    assert [pupil.findtext(n) for n in ("UPN", "Surname", "Forename", "DOB", "Sex")] == [
        "V936100117001",
        "Alphason",
        "Test",
        "2017-03-14",
        "F",
    ]
    assert [
        (s.findtext("StartDate"), s.findtext("SENprovision"))
        for s in pupil.findall("SENhistory/SEN")
    ] == [((TODAY - timedelta(days=200)).isoformat(), "K")]
    assert [
        (n.findtext("SENtype"), n.findtext("SENtypeRank"))
        for n in pupil.findall("SENhistory/SENneeds/SENneed")
    ] == [("SLCN", "1"), ("SEMH", "2")]
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.EXPORT, AuditEvent.pupil_id == world["pupil_a"]
            )
        )
        assert event is not None and "Common Transfer File" in (event.summary or "")


def test_another_schools_senco_gets_404(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("senco_b").get(f"/pupils/{world['pupil_a']}/ctf.xml").status_code == 404


def test_exported_fragment_reimports_into_a_fresh_database(
    app: Flask,
    world: World,
    migrated: Flask,
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    data = as_user("senco").get(f"/pupils/{world['pupil_a']}/ctf.xml").data
    with app.app_context():
        original = db.session.get(Pupil, world["pupil_a"])
        assert original is not None
        expected_history = _history(original.id)
        expected_needs = [n.code for n in original.needs]
        expected = (original.upn, original.legal_surname, original.date_of_birth, original.sex)
    with migrated.app_context():
        db.session.add(LocalAuthority(name="Receiving council", la_code="936"))
        db.session.add(Setting(urn="100001", name="A One Primary", phase=Phase.PRIMARY))
        db.session.commit()
        file, problems = ctf.read(data)
        assert problems == []
        found = ctf.reconcile(file)
        assert [d.kind for d in found.differences] == [ctf.NEW]
        result = run_import("ctf", data, actor=None, accepted=found.keys())
        db.session.commit()
        assert result.ok and result.created == 1
        child = db.session.scalar(select(Pupil))
        assert child is not None
        assert (child.upn, child.legal_surname, child.date_of_birth, child.sex) == expected
        assert _history(child.id) == expected_history
        assert [n.code for n in child.needs] == expected_needs
        assert ctf.reconcile(ctf.read(data)[0]).differences == []
