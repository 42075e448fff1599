"""A Common Transfer File for a demo school through the upload page's reconciliation: the
file is generated from the school's register as sendtrack holds it (ctf_out's fragments),
with one child's status changed, one child left out and one new child; the officer ticks
only the new child, and exactly that is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element, SubElement, tostring

import pytest
from defusedxml import ElementTree
from sqlalchemy import select
from stdnum.gb import upn as upn_number

from sendtrack.extensions import db
from sendtrack.models import Pupil, SenStatus, Setting
from sendtrack.services.pupils import ctf_out
from tests.clock import TODAY
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e

SCHOOL = "Harbour View Primary School"
NEW_UPN = upn_number.calc_check_digit("936001825777") + "936001825777"


def _generated_file(live_server: LiveServer) -> tuple[bytes, str, str]:
    """The school's CTF, and the names of the changed and the left-out children."""
    with live_server.app.app_context():
        school = db.session.scalar(select(Setting).where(Setting.name == SCHOOL))
        assert school is not None
        children = db.session.scalars(
            select(Pupil)
            .where(
                Pupil.setting_id == school.id,
                Pupil.left_date.is_(None),
                Pupil.sen_status != SenStatus.NONE,
            )
            .order_by(Pupil.sen_status.desc(), Pupil.legal_surname, Pupil.legal_forename)
        ).all()
        # SEN support (K) sorts before EHC plan (E): the first two are on SEN support.
        assert len(children) >= 3 and children[1].sen_status is SenStatus.SEN_SUPPORT
        fragments = [
            ElementTree.fromstring(ctf_out.fragment(c, "936", datetime.now(UTC))) for c in children
        ]
        changed, left_out = children[0].full_name, children[1].full_name
        db.session.remove()
    root = fragments[0]
    pupils = root.find("CTFpupilData")
    assert pupils is not None
    first = pupils.find("Pupil")
    assert first is not None
    # The school's MIS says the first child now has an EHC plan.
    sen = SubElement(first.find("SENhistory"), "SEN")  # type: ignore[arg-type]
    SubElement(sen, "StartDate").text = (TODAY - timedelta(days=3)).isoformat()
    SubElement(sen, "SENprovision").text = "E"
    for fragment in fragments[2:]:
        pupils.append(fragment.find("CTFpupilData/Pupil"))  # type: ignore[arg-type]
    new = SubElement(pupils, "Pupil")
    for name, value in (
        ("UPN", NEW_UPN),
        ("Surname", "Okafor"),
        ("Forename", "Zara"),
        ("DOB", "2019-02-11"),
        ("Sex", "F"),
    ):
        SubElement(new, name).text = value
    history = SubElement(new, "SENhistory")
    entry: Element = SubElement(history, "SEN")
    SubElement(entry, "StartDate").text = "2025-10-01"
    SubElement(entry, "SENprovision").text = "K"
    return tostring(root, encoding="utf-8", xml_declaration=True), changed, left_out


def test_officer_reconciles_a_schools_ctf(journey, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    data, changed, left_out = _generated_file(live_server)
    officer = journey("officer")
    officer.goto("/admin/import")
    officer.choose("SEN from a school's Common Transfer File (XML)")
    officer.page.get_by_label("CSV file").set_input_files(
        {"name": "harbour-view.xml", "mimeType": "application/xml", "buffer": data}
    )
    officer.press("Check the file", expect_status=200)
    assert officer.heading() == "Check the import of harbour-view.xml"
    text = officer.text()
    assert "New to sendtrack (1)" in text and "Zara Okafor" in text
    assert "SEN status changed (1)" in text and changed in text
    assert "On the register, not in the file (1)" in text and left_out in text
    officer.screenshot("ctf-reconciliation")
    # Accept only the new child: untick the status change; the missing child stays unticked.
    officer.page.get_by_role("checkbox", name=changed, exact=True).uncheck()
    officer.press("Apply the ticked changes", expect_status=200)
    assert "Imported harbour-view.xml" in officer.success_banner()
    with live_server.app.app_context():
        zara = db.session.scalar(select(Pupil).where(Pupil.upn == NEW_UPN))
        assert zara is not None and zara.setting.name == SCHOOL
        assert zara.sen_status is SenStatus.SEN_SUPPORT
        # The status change and the missing child were left as they were.
        for name in (changed, left_out):
            child = next(
                p
                for p in db.session.scalars(
                    select(Pupil).where(Pupil.setting_id == zara.setting_id)
                )
                if p.full_name == name
            )
            assert child.sen_status is SenStatus.SEN_SUPPORT and child.left_date is None
        db.session.remove()
