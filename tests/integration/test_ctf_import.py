"""Common Transfer File import (issue 27): the SEN parts of a school's CTF, matched to the
school by its header and to children by UPN then name and date of birth, reconciled, and
only the accepted differences written. tests/data/ctf_testbrook.xml is the sample file
(invented children)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    AuditEvent,
    NeedCode,
    Phase,
    Pupil,
    SenStatus,
    SenStatusChange,
    Setting,
    Sex,
)
from sendtrack.services.imports import ImportFileError, ctf, run_import
from sendtrack.services.pupils import records as pupils
from tests.clock import TODAY

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ctf_testbrook.xml"


def sample(**replace: str) -> bytes:
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    return text.encode("utf-8")


def _school() -> Setting:
    school = Setting(
        urn="300001", estab_number="3001", name="Testbrook Primary School", phase=Phase.PRIMARY
    )
    db.session.add(school)
    db.session.flush()

    def child(
        surname: str,
        forename: str,
        dob: date,
        upn: str | None,
        needs: list[NeedCode],
        status: SenStatus = SenStatus.SEN_SUPPORT,
    ) -> None:
        pupils.create_pupil(
            None,
            pupils.PupilDetails(
                legal_surname=surname,
                legal_forename=forename,
                date_of_birth=dob,
                sex=Sex.FEMALE,
                setting_id=school.id,
                upn=upn,
            ),
            sen_status=status,
            status_since=date(2025, 1, 13),
            needs=needs,
        )

    # Matched by UPN: needs differ (SEMH -> SEMH, SLCN).
    child("Brown", "Isla", date(2018, 7, 8), "T936300121004", [NeedCode.SEMH])
    # Matched by name and date of birth (no UPN in sendtrack): K -> E.
    child("Hall", "George", date(2018, 4, 19), None, [NeedCode.SPLD])
    # On the register, not in the file.
    child("Cole", "Freya", date(2018, 9, 1), None, [NeedCode.MLD])
    db.session.flush()
    return school


def _by(kind: str, found: ctf.Reconciliation) -> list[ctf.Difference]:
    return [d for d in found.differences if d.kind == kind]


def _pupil(surname: str) -> Pupil | None:
    return db.session.scalar(select(Pupil).where(Pupil.legal_surname == surname))


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_reading_the_sample(ctx: None) -> None:
    file, problems = ctf.read(SAMPLE.read_bytes())
    assert problems == []
    assert (file.la, file.estab, file.urn) == ("936", "3001", "300001")
    assert file.generated == date(2026, 11, 16)
    assert [p.surname for p in file.pupils] == ["Hart", "Price", "Singh", "Brown", "Hall"]
    price = file.pupils[1]
    assert [(e.start, e.provision) for e in price.history] == [
        (date(2024, 1, 15), SenStatus.SEN_SUPPORT),
        (date(2026, 3, 2), SenStatus.EHC_PLAN),
    ]
    assert price.current == ctf.SenEntry(date(2026, 3, 2), SenStatus.EHC_PLAN)
    assert file.pupils[0].needs == [NeedCode.SLCN, NeedCode.ASD]


def test_reconciliation_lists_each_kind_of_difference(ctx: None) -> None:
    _school()
    file, _ = ctf.read(SAMPLE.read_bytes())
    found = ctf.reconcile(file)
    assert found.setting.urn == "300001"
    assert [d.child for d in _by(ctf.NEW, found)] == [
        "Amelia Hart (A936300121001)",
        "Oliver Price (P936300121002)",
    ]
    assert [(d.child, d.before, d.after) for d in _by(ctf.STATUS, found)] == [
        ("George Hall", "SEN support from 13 January 2025", "EHC plan from 5 October 2026")
    ]
    assert [(d.child, d.before, d.after) for d in _by(ctf.NEEDS, found)] == [
        (
            "Isla Brown",
            "1. Social, emotional and mental health",
            "1. Social, emotional and mental health, 2. Speech, language and communication needs",
        )
    ]
    assert [d.child for d in _by(ctf.MISSING, found)] == ["Freya Cole"]
    assert found.not_on_register == 1  # Noah Singh: no SEN, not added to the register
    assert found.unchanged == 0


def test_accepting_some_writes_exactly_those_then_the_rest_then_nothing(ctx: None) -> None:
    school = _school()
    data = SAMPLE.read_bytes()
    file, _ = ctf.read(data)
    found = ctf.reconcile(file)
    hart = _by(ctf.NEW, found)[0].key
    hall = _by(ctf.STATUS, found)[0].key
    pupils_before = _count(Pupil)

    result = run_import("ctf", data, actor=None, accepted={hart, hall})
    assert result.ok and (result.created, result.updated) == (1, 1)
    assert _count(Pupil) == pupils_before + 1
    amelia = _pupil("Hart")
    assert amelia is not None and amelia.setting_id == school.id
    assert (amelia.sen_status, amelia.sen_status_since) == (
        SenStatus.SEN_SUPPORT,
        date(2025, 9, 10),
    )
    assert [n.code for n in amelia.needs] == [NeedCode.SLCN, NeedCode.ASD]
    assert amelia.upn == "A936300121001" and amelia.sex is Sex.FEMALE
    george = _pupil("Hall")
    assert george is not None
    assert (george.sen_status, george.sen_status_since) == (SenStatus.EHC_PLAN, date(2026, 10, 5))
    # Left as they were: Price not created, Brown's needs, Cole still on the register.
    assert _pupil("Price") is None
    isla = _pupil("Brown")
    assert isla is not None and [n.code for n in isla.needs] == [NeedCode.SEMH]
    freya = _pupil("Cole")
    assert freya is not None and freya.left_date is None
    summaries = db.session.scalars(
        select(AuditEvent.summary).where(AuditEvent.pupil_id.in_([amelia.id, george.id]))
    ).all()
    assert any("From a Common Transfer File" in (s or "") for s in summaries)
    assert (
        db.session.scalar(
            select(func.count()).where(
                AuditEvent.action == AuditAction.IMPORT, AuditEvent.object_type == "import:ctf"
            )
        )
        == 1
    )

    again = ctf.reconcile(ctf.read(data)[0])
    assert sorted(d.kind for d in again.differences) == [ctf.MISSING, ctf.NEEDS, ctf.NEW]
    assert again.unchanged == 2  # Amelia and George now match the file

    run_import("ctf", data, actor=None, accepted=again.keys())
    assert _pupil("Price") is not None
    price = _pupil("Price")
    assert price is not None
    history = db.session.scalars(
        select(SenStatusChange.status, SenStatusChange.start_date)
        .where(SenStatusChange.pupil_id == price.id)
        .order_by(SenStatusChange.start_date)
    ).all()
    assert [
        tuple(h)
        for h in db.session.execute(
            select(SenStatusChange.status, SenStatusChange.start_date)
            .where(SenStatusChange.pupil_id == price.id)
            .order_by(SenStatusChange.start_date)
        )
    ] == [(SenStatus.SEN_SUPPORT, date(2024, 1, 15)), (SenStatus.EHC_PLAN, date(2026, 3, 2))]
    assert len(history) == 2
    freya = _pupil("Cole")
    assert freya is not None and freya.left_date == date(2026, 11, 16)

    final = ctf.reconcile(ctf.read(data)[0])
    assert final.differences == []
    assert final.unchanged == 4


def test_a_difference_the_preview_did_not_show_is_refused(ctx: None) -> None:
    _school()
    with pytest.raises(ctf.DomainError, match="register changed"):
        run_import("ctf", SAMPLE.read_bytes(), actor=None, accepted={"status:not-a-child"})


def test_school_matched_by_la_and_establishment_without_urn(ctx: None) -> None:
    school = _school()
    file, _ = ctf.read(sample(**{"<URN>300001</URN>": ""}))
    assert file.urn is None
    assert ctf.reconcile(file).setting.id == school.id


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (
            {"<URN>300001</URN>": "<URN>999999</URN>", "<LEA>936</LEA>": "<LEA>123</LEA>"},
            "another local authority (LA 123",
        ),
        (
            {
                "<URN>300001</URN>": "<URN>999999</URN>",
                "<Estab>3001</Estab>": "<Estab>9999</Estab>",
            },
            "a school sendtrack does not know (999999",
        ),
    ],
)
def test_file_for_another_school_is_refused_with_nothing_written(
    ctx: None, replace: dict[str, str], message: str
) -> None:
    _school()
    before = _count(Pupil), _count(AuditEvent)
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(")):
        run_import("ctf", sample(**replace), actor=None)
    assert (_count(Pupil), _count(AuditEvent)) == before


def test_bad_upn_check_letter_refuses_the_whole_file(ctx: None) -> None:
    _school()
    before = _count(Pupil)
    result = run_import("ctf", sample(**{"A936300121001": "B936300121001"}), actor=None)
    assert not result.ok
    assert [str(e) for e in result.errors] == [
        "row 1, column UPN: 'B936300121001' is not a valid UPN (check letter or format)"
    ]
    assert _count(Pupil) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
            b'<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
            b"<CTfile><Header><SchoolName>&lol9;</SchoolName></Header></CTfile>",
            "declares a DTD or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<CTfile><Header><SourceSchool><SchoolName>&e;</SchoolName></SourceSchool>"
            b"</Header></CTfile>",
            "declares a DTD or entities",
        ),
        (b"upn,surname\nA1,B\n", "not readable XML"),
        (b"<Other/>", "not a Common Transfer File"),
        (b"<CTfile><Header/></CTfile>", "no Header/SourceSchool"),
        (b"<CTfile>" + b" " * (ctf.MAX_CTF_BYTES + 1) + b"</CTfile>", "smaller than 20MB"),
    ],
    ids=["billion-laughs", "external-entity", "csv", "other-xml", "no-school", "huge"],
)
def test_hostile_and_malformed_files_are_refused(ctx: None, data: bytes, message: str) -> None:
    before = _count(Pupil), _count(AuditEvent)
    with pytest.raises(ImportFileError, match=message):
        run_import("ctf", data, actor=None)
    assert (_count(Pupil), _count(AuditEvent)) == before


def test_future_start_date_and_unknown_need_are_problems(ctx: None) -> None:
    _school()
    future = (TODAY + timedelta(days=3)).isoformat()
    result = run_import(
        "ctf",
        sample(
            **{
                "2025-09-10": future,
                "<SENtype>ASD</SENtype><SENtypeRank>2": "<SENtype>XYZ</SENtype><SENtypeRank>2",
            }
        ),
        actor=None,
    )
    assert [str(e) for e in result.errors] == [
        f"row 1, column SENhistory/SEN/StartDate: {future} is in the future",
        "row 1, column SENneeds/SENneed/SENtype: 'XYZ' is not a census need code",
    ]


def test_command_line_dry_run_then_import(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        _school()
        db.session.commit()
    path = tmp_path / "testbrook.xml"
    path.write_bytes(SAMPLE.read_bytes())
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import", "ctf", str(path), "--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0, dry.output
    assert "Testbrook Primary School" in dry.output
    assert "new   Amelia Hart (A936300121001)" in dry.output
    assert "missing Freya Cole" in dry.output
    with app.app_context():
        assert _pupil("Hart") is None
    done = runner.invoke(args=["import", "ctf", str(path)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "2 were created, 2 were updated" in done.output
    with app.app_context():
        assert _pupil("Hart") is not None
        freya = _pupil("Cole")
        # Taking a child off the register is a person's decision: the command leaves it.
        assert freya is not None and freya.left_date is None
    again = runner.invoke(args=["import", "ctf", str(path), "--dry-run"], catch_exceptions=False)
    assert "new   " not in again.output and "missing Freya Cole" in again.output


def _upload(client, data: bytes):  # type: ignore[no-untyped-def]
    response = client.post(
        "/admin/import",
        data={"kind": "ctf", "file": (io.BytesIO(data), "testbrook.xml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.headers["Location"]


def test_upload_page_previews_the_reconciliation_and_applies_the_ticked(
    app: Flask, as_user
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        _school()
        db.session.commit()
    client = as_user("officer")
    preview = _upload(client, SAMPLE.read_bytes())
    page = client.get(preview)
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text[:3000]
    assert "Testbrook Primary School: compared with Testbrook Primary School" in text
    for words in (
        "New to sendtrack (2)",
        "SEN status changed (1)",
        "Needs changed (1)",
        "On the register, not in the file (1)",
        "Amelia Hart (A936300121001)",
        "sendtrack: SEN support from 13 January 2025. The file: EHC plan from 5 October 2026.",
    ):
        assert words in text, words
    keys = re.findall(r'name="accept" type="checkbox" value="([^"]+)"( checked)?', text)
    assert len(keys) == 5
    # Missing children are not ticked unless someone decides so.
    assert [k for k, ticked in keys if not ticked] == [
        k for k, _ in keys if k.startswith("missing:")
    ]
    sha = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', text)
    assert sha is not None
    hart = next(k for k, _ in keys if k.startswith("new:A936"))
    done = client.post(preview, data={"sha256": sha.group(1), "accept": [hart]})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    with app.app_context():
        assert _pupil("Hart") is not None and _pupil("Price") is None
        george = _pupil("Hall")
        assert george is not None and george.sen_status is SenStatus.SEN_SUPPORT
    # The same file again: what was left is still offered; what was accepted is not.
    again = client.get(_upload(client, SAMPLE.read_bytes())).get_data(as_text=True)
    assert "New to sendtrack (1)" in again and "Amelia Hart" not in again


def test_upload_page_shows_a_refused_file(app: Flask, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    preview = _upload(client, sample(**{"<URN>300001</URN>": "<URN>999999</URN>"}))
    page = client.get(preview)
    text = page.get_data(as_text=True)
    assert "The file cannot be imported" in text
    assert "a school sendtrack does not know (999999" in text
    assert "Apply the ticked changes" not in text


def test_a_senco_cannot_reach_the_upload_page(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("senco").get("/admin/import").status_code == 403


def test_settings_import_sets_the_establishment_number_ctf_files_use(ctx: None) -> None:
    result = run_import(
        "settings",
        b"urn,name,phase,estab_number\n300002,Estabville Primary,primary,3002\n",
        actor=None,
    )
    assert result.ok and result.created == 1
    bad = run_import(
        "settings", b"urn,name,phase,estab_number\n300003,Bad Estab,primary,30A\n", actor=None
    )
    assert [str(e) for e in bad.errors] == ["row 2, column estab_number: '30A' must be 4 digits"]
    # A file without the number keeps the one held.
    again = run_import(
        "settings", b"urn,name,phase\n300002,Estabville Primary,primary\n", actor=None
    )
    assert again.unchanged == 1
    school = db.session.scalar(select(Setting).where(Setting.urn == "300002"))
    assert school is not None and school.estab_number == "3002"
    file, _ = ctf.read(
        sample(**{"<URN>300001</URN>": "", "<Estab>3001</Estab>": "<Estab>3002</Estab>"})
    )
    assert ctf.reconcile(file).setting.id == school.id
