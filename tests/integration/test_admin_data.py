"""CSV import through the upload page with its preview; the restricted flag and the
area-wide child search; the subject access PDF."""

from __future__ import annotations

import io
import uuid

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, Cluster, ImportUpload, Pupil
from tests.conftest import sign_in
from tests.world import EMAILS, World

GOOD = b"name,financial_year,delegated_budget\nUpload East,2026-27,45000\nUpload West,,\n"
BAD = b"name,financial_year,delegated_budget\nUpload East,2026-28,45000\nUpload West,,-3\n"


def _upload(client, data: bytes, kind: str = "clusters"):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/import",
        data={"kind": kind, "file": (io.BytesIO(data), "clusters.csv")},
        content_type="multipart/form-data",
    )


def _clusters(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Cluster)) or 0


def test_upload_preview_then_confirm_imports_exactly_that_file(app: Flask, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    page = client.get("/admin/import").get_data(as_text=True)
    for kind in ("Clusters", "Schools and settings", "Children", "Reception transition funding"):
        assert kind in page
    before = _clusters(app)
    response = _upload(client, GOOD)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    text = preview.get_data(as_text=True)
    assert "The file is ready to import" in text and "Confirm import" in text
    assert _clusters(app) == before, "the preview wrote nothing"
    with app.app_context():
        stored = db.session.scalar(select(ImportUpload).order_by(ImportUpload.created_at.desc()))
        assert stored is not None and stored.data == GOOD
        digest = stored.sha256
    wrong = client.post(response.headers["Location"], data={"sha256": "0" * 64})
    assert wrong.status_code == 400 and _clusters(app) == before
    done = client.post(response.headers["Location"], data={"sha256": digest})
    assert done.status_code == 302
    assert "Imported clusters.csv" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert _clusters(app) == before + 2
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.IMPORT)
        ).all()
        assert any("clusters.csv" in (e.summary or "") for e in events)
    # The same upload cannot be applied twice; the same file again changes nothing.
    assert client.get(response.headers["Location"]).status_code == 404
    again = client.get(_upload(client, GOOD).headers["Location"]).get_data(as_text=True)
    assert "importing it changes nothing" in again


def test_preview_lists_every_bad_row_and_nothing_can_be_confirmed(app: Flask, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    location = _upload(client, BAD).headers["Location"]
    text = client.get(location).get_data(as_text=True)
    assert "Nothing can be imported: 3 problems found in 2 rows" in text
    assert "row 2, column financial_year:" in text
    assert "row 3, column delegated_budget:" in text
    assert "Confirm import" not in text
    with app.app_context():
        digest = db.session.scalar(
            select(ImportUpload.sha256).order_by(ImportUpload.created_at.desc())
        )
    assert client.post(location, data={"sha256": digest}).status_code == 400
    unreadable = client.get(_upload(client, b"\xff\xfe\x00bad").headers["Location"])
    assert "The file must be a CSV saved as UTF-8" in unreadable.get_data(as_text=True)
    missing = client.post("/admin/import", data={"kind": "clusters"})
    assert missing.status_code == 400 and "Select a CSV file" in missing.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused_clearly(app: Flask, as_user) -> None:  # type: ignore[no-untyped-def]
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    client = as_user("officer")
    # A small limit for the test: a 20MB body would be spooled to a temporary file.
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    try:
        response = _upload(client, b"name\n" + b"x" * (150 * 1024))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 413
    assert "Files must be smaller than 100KB" in response.get_data(as_text=True)


def test_uploads_are_for_area_wide_users_only(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("officer").get(f"/admin/import/{uuid.uuid4()}").status_code == 404
    other = as_user("officer").get(f"/admin/import/{world['upload_a']}")
    assert "clusters-a.csv" in other.get_data(as_text=True)


def test_officer_restricts_and_unrestricts_a_child(app: Flask, world: World) -> None:
    senco = app.test_client()
    sign_in(senco, EMAILS["senco"])
    officer = app.test_client()
    sign_in(officer, EMAILS["officer"])
    url = f"/admin/children/{world['pupil_a']}/restriction"
    assert "Restrict this record" in officer.get(url).get_data(as_text=True)
    no_reason = officer.post(url, data={"reason": " "})
    assert no_reason.status_code == 400 and "Enter the reason" in no_reason.get_data(as_text=True)
    with app.app_context():
        version = db.session.get(Pupil, world["pupil_a"]).version  # type: ignore[union-attr]
    stale = officer.post(url, data={"reason": "Safeguarding", "version": str(version - 1)})
    assert "changed by someone else" in stale.get_data(as_text=True)
    done = officer.post(url, data={"reason": "Safeguarding advice", "version": str(version)})
    assert done.status_code == 302
    assert "only LA officers and administrators can see it" in officer.get(
        done.headers["Location"]
    ).get_data(as_text=True)
    assert senco.get(f"/rtf/children/{world['pupil_a']}").status_code == 404
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.object_type == "pupil_restriction", AuditEvent.action == "update")
            .order_by(AuditEvent.id.desc())
        )
        assert event is not None and event.changes == {"is_restricted": [False, True]}
        assert "Safeguarding advice" in (event.summary or "")
    page = officer.get(url).get_data(as_text=True)
    assert "Remove the restriction" in page and "Safeguarding advice" in page
    officer.post(url, data={"reason": "Risk has passed"})
    assert senco.get(f"/rtf/children/{world['pupil_a']}").status_code == 200


def test_child_search_forgives_case_and_spaces(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    by_upn = client.get("/admin/children?q=v936+1001+17001").get_data(as_text=True)
    assert "Alphason" in by_upn and "Betason" not in by_upn
    by_name = client.get("/admin/children?q=test+ALPHA").get_data(as_text=True)
    assert "Alphason" in by_name
    everyone = client.get("/admin/children").get_data(as_text=True)
    assert "Hiddenly" in everyone and "Restricted" in everyone and "Betason" in everyone
    assert f"/subject-access/{world['pupil_a']}.pdf" in everyone
    assert "No children match" in client.get("/admin/children?q=100%25").get_data(as_text=True)


def test_subject_access_pdf_has_the_record_and_who_accessed_it(
    app: Flask, world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user("officer")
    client.get(f"/admin/children/{world['pupil_a']}/restriction")
    response = client.get(f"/subject-access/{world['pupil_a']}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    for expected in (
        "OFFICIAL-SENSITIVE",
        "Alphason",
        "V936100117001",
        "SLCN",
        "REF-TEST-A",
        "Who accessed this record",
        "officer@test.example",
    ):
        assert expected in text, expected
    assert "Betason" not in text
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.EXPORT, AuditEvent.pupil_id == world["pupil_a"]
            )
        )
        assert event is not None and event.summary == "Subject access export (PDF)"
