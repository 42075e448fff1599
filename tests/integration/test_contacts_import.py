"""`flask import contacts FILE [--dry-run]`: the columns of data-exchange.md, all-or-nothing
with every problem reported by row and column, idempotent on `reference`, a contact without
a child valid, and no avoided.* figure moved by importing contacts about the children behind
them."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import Contact, ContactChannel, ImportUpload, NeedCode, Pupil, SenStatus
from sendtrack.services import statistics
from sendtrack.services.imports import run_import
from tests.clock import TODAY
from tests.integration.test_statistics import AS_AT, P_FROM, P_TO, Builder, build_avoided
from tests.world import World

HEADER = (
    "reference,date,setting_urn,channel,need,upn,surname,forename,date_of_birth,summary,minutes\n"
)
GOOD = HEADER + (
    "CON-1,2026-09-14,100001,phone,SLCN,V936100117001,,,,Speech: what next?,15\n"
    "CON-2,2026-10-02,100002,Drop_In,,,Newkid,Nia,2018-03-09,Settling in,\n"
    "CON-3,2026-10-20,200001,email,,,,,,Exam access arrangements,5\n"
)


def _invoke(app: Flask, tmp_path: Path, text: str, *extra: str) -> Result:
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(
        args=["import", "contacts", str(path), *extra], catch_exceptions=False
    )


def _imported(app: Flask) -> dict[str, Contact]:
    with app.app_context():
        rows = {
            c.reference: c
            for c in db.session.scalars(select(Contact).where(Contact.reference.is_not(None)))
        }
        db.session.expunge_all()
        return rows


def test_import_creates_contacts_once(app: Flask, world: World, tmp_path: Path) -> None:
    dry = _invoke(app, tmp_path, GOOD, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert _imported(app) == {}
    first = _invoke(app, tmp_path, GOOD)
    assert first.exit_code == 0, first.output
    found = _imported(app)
    assert set(found) == {"CON-1", "CON-2", "CON-3"}
    one, two, three = found["CON-1"], found["CON-2"], found["CON-3"]
    assert one.pupil_id == world["pupil_a"] and one.need is NeedCode.SLCN and one.minutes == 15
    assert one.setting_id == world["a1"] and one.channel is ContactChannel.PHONE
    assert one.contact_date == date(2026, 9, 14) and one.question == "Speech: what next?"
    assert two.channel is ContactChannel.DROP_IN and two.setting_id == world["a2"]
    assert three.pupil_id is None and three.setting_id == world["b1"]
    with app.app_context():
        child = db.session.get(Pupil, two.pupil_id)
        assert child is not None and child.legal_surname == "Newkid"
        assert child.sen_status is SenStatus.NONE and child.setting_id == world["a2"]
        db.session.remove()
    again = _invoke(app, tmp_path, GOOD)
    assert again.exit_code == 0, again.output
    assert "3 unchanged" in again.output
    assert set(_imported(app)) == {"CON-1", "CON-2", "CON-3"}
    changed = _invoke(app, tmp_path, GOOD.replace("Exam access arrangements", "Exams"))
    assert "1 were updated, 2 unchanged" in changed.output
    assert _imported(app)["CON-3"].question == "Exams"


def test_every_problem_is_reported_and_nothing_is_written(
    app: Flask, world: World, tmp_path: Path
) -> None:
    future = date(TODAY.year + 1, 1, 1).isoformat()
    bad = HEADER + (
        "CON-9,2026-09-14,999999,phone,,,,,,Unknown setting,\n"
        "CON-9,2026-09-14,100001,fax,,,,,,Duplicate reference and a bad channel,\n"
        f"CON-10,{future},100001,phone,XYZ,,,,,Future date and bad need,2000\n"
        "CON-11,2026-09-14,100001,phone,,A936999999999,,,,Unknown UPN alone,\n"
        "CON-12,2026-09-14,100001,phone,,,Halfname,,,Half a child,\n"
        "CON-13,2026-09-14,100001,phone,,,,,,,\n"
    )
    result = _invoke(app, tmp_path, bad)
    assert result.exit_code != 0
    for expected in (
        "row 2, column setting_urn",
        "row 3, column reference",
        "row 3, column channel",
        "row 4, column date",
        "row 4, column need",
        "row 4, column minutes",
        "row 5, column upn",
        "row 6, column forename",
        "row 6, column date_of_birth",
        "row 7, column summary",
    ):
        assert expected in result.output, (expected, result.output)
    assert _imported(app) == {}


def test_importing_contacts_leaves_every_avoided_figure_unchanged(ctx: None, world: World) -> None:
    builder = Builder(world)
    build_avoided(builder)
    db.session.flush()
    before = statistics.compute(P_FROM, P_TO, AS_AT)
    avoided_before = {k: v for k, v in before.items() if k.startswith("avoided.")}
    assert sum(v for k, v in avoided_before.items() if k != "avoided.rate") > 0
    # A contact about every child behind those figures, before and inside the period, and
    # one about no child: were contacts episodes, the children's first episodes would move.
    lines = [HEADER.strip()]
    for n, child in enumerate(builder.made.values()):
        for m, on in enumerate((date(2012, 1, 10), date(2012, 7, 1))):
            lines.append(
                f"HIST-{n}-{m},{on.isoformat()},100001,visit,,,{child.legal_surname},"
                f"{child.legal_forename},{child.date_of_birth.isoformat()},Advice,30"
            )
    lines.append("HIST-NONE,2012-05-05,100001,training,,,,,,Network meeting,60")
    result = run_import("contacts", "\n".join(lines).encode(), actor=None)
    assert result.errors == [] and result.created == 2 * len(builder.made) + 1
    db.session.flush()
    after = statistics.compute(P_FROM, P_TO, AS_AT)
    assert {k: v for k, v in after.items() if k.startswith("avoided.")} == avoided_before
    assert after["contacts.total"] == len(builder.made) + 1
    assert after["contacts.children"] == len(builder.made)
    with_contacts = db.session.scalar(
        select(func.count(func.distinct(Contact.pupil_id))).where(Contact.reference.like("HIST-%"))
    )
    assert with_contacts == len(builder.made)  # matched, not created anew


def test_the_upload_page_previews_then_imports_contacts(
    app: Flask, world: World, as_user: Any
) -> None:
    client = as_user("officer")
    assert "Advice and support contacts" in client.get("/admin/import").get_data(as_text=True)
    response = client.post(
        "/admin/import",
        data={"kind": "contacts", "file": (io.BytesIO(GOOD.encode()), "contacts.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file is ready to import" in preview
    assert _imported(app) == {}
    with app.app_context():
        digest = db.session.scalar(
            select(ImportUpload.sha256).order_by(ImportUpload.created_at.desc())
        )
        db.session.remove()
    done = client.post(response.headers["Location"], data={"sha256": digest})
    assert done.status_code == 302
    assert set(_imported(app)) == {"CON-1", "CON-2", "CON-3"}
