"""R10: people working at the same time queue for the database instead of getting a 500
("database is locked" on SQLite). Each test signs its people in first, then sends their
requests at the same moment from threads, each with its own connection, against a committed
database (tests/committed.py): a SQLite file, or PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import hashlib
import io
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import AuditAction, AuditEvent, GeneratedPack, PackStatus, PanelMeeting, Pupil
from sendtrack.services import imports, packs
from tests.clock import TODAY
from tests.conftest import client_for
from tests.world import World


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call on its own thread, released together; a call's exception (what a
    user would see as a 500) is returned in its place."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:  # reported by the test as what the user would see
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _statuses(results: list[Any]) -> list[Any]:
    return [r.status_code if hasattr(r, "status_code") else repr(r) for r in results]


def _child(world: World, surname: str) -> dict[str, object]:
    since = TODAY - timedelta(days=30)
    return {
        "legal_forename": "Queue",
        "legal_surname": surname,
        "date_of_birth": ["4", "5", "2018"],
        "sex": "F",
        "upn": "",
        "setting_id": str(world["a1"]),
        "sen_status": "K",
        "status_since": [str(since.day), str(since.month), str(since.year)],
        "primary_need": "SLCN",
    }


def test_r10_statistics_download_right_after_an_edit(committed: tuple[Flask, World]) -> None:
    app, world = committed
    officer = client_for(app, "officer")
    for attempt in range(3):
        edited = officer.post("/pupils/new", data=_child(world, f"Edited{attempt}"))
        assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
        download = officer.get("/statistics/download?format=csv")
        assert download.status_code == 200, download.get_data(as_text=True)[:2000]


def _member(_world: World, name: str) -> dict[str, object]:
    return {"name": name, "professional_role": "Psychologist", "user_id": "", "setting_id": ""}


# form -> (who posts it, its URL, the form's fields for a record named so)
FORMS: dict[str, tuple[str, str, Callable[[World, str], dict[str, object]]]] = {
    "child": ("senco", "/pupils/new", _child),
    "panel member": ("lead", "/panels/meetings/{meeting_a}/members/new", _member),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_r10_two_different_posts_to_one_form_at_once(
    committed: tuple[Flask, World], form: str
) -> None:
    app, world = committed
    role, url, fields = FORMS[form]
    url = url.format(meeting_a=world["meeting_a"])
    people = [client_for(app, role), client_for(app, role)]
    for round_ in range(3):
        results = _at_once(
            [
                lambda c=client, n=n, r=round_: c.post(url, data=fields(world, f"Together{r}x{n}"))
                for n, client in enumerate(people)
            ]
        )
        assert _statuses(results) == [302, 302]
    if form == "child":
        with app.app_context():
            added = db.session.scalar(
                select(func.count()).where(Pupil.legal_surname.like("Together%"))
            )
            db.session.remove()
        assert added == 6


def test_r10_three_pack_builds_at_once_give_one_version(
    committed: tuple[Flask, World],
) -> None:
    app, world = committed
    app.config["PACK_BUILDS_INLINE"] = False
    leads = [client_for(app, "lead") for _ in range(3)]
    before = _pack_ids(app, world)
    started = {t.name for t in threading.enumerate()}
    url = f"/packs/meetings/{world['meeting_a']}/build"

    def build(client: FlaskClient) -> Any:
        response = client.post(url, data={"identities": "named"})
        response.close()  # the build starts once the request has committed
        return response

    results = _at_once([lambda c=c: build(c) for c in leads])
    assert _statuses(results) == [302, 302, 302]
    for thread in threading.enumerate():
        if thread.name.startswith("pack-") and thread.name not in started:
            thread.join(timeout=120)
    shown = {uuid.UUID(r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]) for r in results}
    added = _pack_ids(app, world) - before
    assert len(added) == 1 and shown == added
    with app.app_context():
        pack = db.session.get(GeneratedPack, added.pop())
        assert pack is not None and pack.status is PackStatus.READY, pack and pack.error
        assert pack.heartbeat_at is not None  # its worker stamped it while building
        db.session.remove()


def _pack_ids(app: Flask, world: World) -> set[uuid.UUID]:
    with app.app_context():
        ids = set(
            db.session.scalars(
                select(GeneratedPack.id).where(GeneratedPack.meeting_id == world["meeting_a"])
            )
        )
        db.session.remove()
    return ids


# A file as large as runs in a few seconds here, in several batches (the limit is lowered
# so that 5,000 rows make four of them; a county's 100,000 make twenty at the real limit).
IMPORT_ROWS = 5000
IMPORT_BATCH_ROWS = 1250


def _children_file(count: int) -> bytes:
    lines = ["surname,forename,date_of_birth,sex,setting_urn,sen_status,primary_need"]
    lines += [f"Imported{n},Row,2017-0{1 + n % 9}-1{n % 10},F,100001,K,SLCN" for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


def test_r10_import_confirm_while_pages_are_read(
    committed: tuple[Flask, World], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, world = committed
    monkeypatch.setattr(imports, "BATCH_ROWS", IMPORT_BATCH_ROWS, raising=False)
    officer, senco = client_for(app, "officer"), client_for(app, "senco")
    data = _children_file(IMPORT_ROWS)
    uploaded = officer.post(
        "/admin/import", data={"kind": "pupils", "file": (io.BytesIO(data), "children.csv")}
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)[:2000]
    confirmed = threading.Event()

    def confirm() -> Any:
        try:
            return officer.post(
                uploaded.headers["Location"], data={"sha256": hashlib.sha256(data).hexdigest()}
            )
        finally:
            confirmed.set()

    def browse() -> list[Any]:
        seen = []
        while not confirmed.is_set():
            for url in (f"/pupils/{world['pupil_a']}", "/pupils/"):
                try:
                    seen.append(senco.get(url))
                except Exception as exc:  # reported by the test as what the user would see
                    seen.append(exc)
            confirmed.wait(0.05)  # a person reads a page, not a thousand a second
        return seen

    imported, pages = _at_once([confirm, browse])

    assert _statuses([imported]) == [302]
    assert pages and set(_statuses(pages)) == {200}
    with app.app_context():
        added = db.session.scalar(select(func.count()).where(Pupil.legal_surname.like("Imported%")))
        rows = select(func.min(AuditEvent.id), func.max(AuditEvent.id)).where(
            AuditEvent.summary.like("Imported (row %")
        )
        first, last = db.session.execute(rows).one()
        views_between = db.session.scalar(
            select(func.count()).where(
                AuditEvent.action == AuditAction.VIEW, AuditEvent.id.between(first, last)
            )
        )
        db.session.remove()
    assert added == IMPORT_ROWS
    assert views_between, "the pages' audit had to wait for the whole import"


def _queued_pack(world: World, *, minutes_ago: int) -> GeneratedPack:
    meeting = db.session.get(PanelMeeting, world["meeting_a"])
    assert meeting is not None
    requested = packs.request_build(None, meeting, False)
    assert not requested.reused
    pack = requested.pack
    pack.status = PackStatus.BUILDING
    pack.generated_at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    db.session.flush()
    return pack


def test_r10_a_build_whose_worker_died_is_rebuilt_not_reused(ctx: None, world: World) -> None:
    stuck = _queued_pack(world, minutes_ago=3)  # its worker died three minutes ago

    again = packs.request_build(None, stuck.meeting, False)

    assert not again.reused and again.pack.id != stuck.id
    assert again.pack.version_number == stuck.version_number + 1
    assert stuck.status is PackStatus.FAILED and stuck.error


def test_r10_a_build_whose_worker_still_beats_is_reused(ctx: None, world: World) -> None:
    building = _queued_pack(world, minutes_ago=30)  # a long build, alive a moment ago
    building.heartbeat_at = datetime.now(UTC) - timedelta(seconds=20)
    db.session.flush()

    again = packs.request_build(None, building.meeting, False)

    assert again.reused and again.pack.id == building.id
    assert building.status is PackStatus.BUILDING
