"""Run a queued pack build: inline (tests, CLI) or on a background thread (the web).

A background build is its own unit of work outside any request, so it commits its own
progress as it goes - the one place in the packs code that commits, because the page that
shows progress must see it before the build finishes."""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

import config as app_config
from sendtrack.extensions import db
from sendtrack.models import GeneratedPack, PackStatus, PanelMeeting
from sendtrack.services.packs import build, data, pseudonyms, snapshot
from sendtrack.services.packs.cache import PartCache

log = logging.getLogger(__name__)


class App(Protocol):
    """What a background build needs of the app that started it (the Flask app, passed by
    the view): a context of its own in the build's threads."""

    def app_context(self) -> AbstractContextManager[Any]: ...


def cache() -> PartCache:
    # The app's instance folder (create_app gives every app this one).
    return PartCache(app_config.INSTANCE_DIR / "pack-cache")


def _previous_pages(pack: GeneratedPack) -> dict[str, int]:
    previous = db.session.scalars(
        select(GeneratedPack.case_pages)
        .where(
            GeneratedPack.meeting_id == pack.meeting_id,
            GeneratedPack.status == PackStatus.READY,
            GeneratedPack.id != pack.id,
        )
        .order_by(GeneratedPack.version_number.desc())
        .limit(1)
    ).first()
    return dict(previous or {})


def execute(pack: GeneratedPack, save: Callable[[], None]) -> GeneratedPack:
    """Render `pack` from the current records; `save` makes progress visible."""
    meeting = db.session.get(PanelMeeting, pack.meeting_id)
    assert meeting is not None
    pack.status = PackStatus.BUILDING
    save()
    try:
        snap = snapshot(meeting, pack.pseudonymised)
        # The records may have changed since the request: the version says what it shows.
        pack.fingerprint = snap.fingerprint
        pack.case_count = len(snap.cases)
        pack.referral_ids, pack.pupil_ids = snap.referral_ids, snap.pupil_ids
        generated = pack.generated_at
        cover = {
            "version": pack.version_number,
            "pseudonymised": pack.pseudonymised,
            "generated_at": f"{generated.day} {generated:%B %Y at %H:%M} UTC",
            "generated_by": pack.generated_by_name or "",
            "fingerprint": snap.fingerprint,
        }
        if pack.pseudonymised:
            cover = snap.names.replaced(cover)  # who built it may share a child's name

        def progress(done: int, total: int) -> None:
            pack.progress_total, pack.progress_done = total, min(done, total)
            save()

        built = build.build(
            snap.meeting,
            snap.cases,
            cover,
            cache(),
            previous_pages=_previous_pages(pack),
            progress=progress,
        )
        if pack.pseudonymised:
            # The final text, as a reader gets it: a name left anywhere and it is not stored.
            pseudonyms.refuse_names(built.pdf, snap.names, f"pack version {pack.version_number}")
    except pseudonyms.NotIssued as refused:
        log.error("panel pack %s refused: %s", pack.id, refused.message)
        pack.status = PackStatus.FAILED
        pack.error = refused.message
        save()
        return pack
    except Exception as exc:  # a broken build must show as failed, not hang "in progress"
        log.exception("panel pack build failed")
        pack.status = PackStatus.FAILED
        pack.error = f"{type(exc).__name__}: {exc}"[:2000]
        save()
        raise
    pack.pdf = built.pdf
    pack.sha256 = hashlib.sha256(built.pdf).hexdigest()
    pack.size_bytes = len(built.pdf)
    pack.page_count = built.page_count
    pack.case_pages = built.case_pages
    pack.status = PackStatus.READY
    pack.finished_at = datetime.now(UTC)
    save()
    return pack


def run_inline(pack: GeneratedPack) -> GeneratedPack:
    return execute(pack, db.session.flush)


def _run_in_thread(app: App, pack_id: uuid.UUID) -> None:
    with app.app_context():
        try:
            pack = db.session.get(GeneratedPack, pack_id)
            if pack is None or pack.status is not PackStatus.QUEUED:
                return
            with _heartbeat(app, pack_id):
                execute(pack, db.session.commit)
        except Exception:  # the thread must not die silently
            log.exception("background pack build %s failed", pack_id)
            db.session.rollback()
            _stopped(pack_id)
        finally:
            db.session.remove()
            cache().prune()


# The worker stamps its version this often; packs.STALE_AFTER without a stamp means the
# worker died (a process killed mid-build leaves its version "building" for good otherwise).
HEARTBEAT_SECONDS = 10.0
_UNFINISHED = (PackStatus.QUEUED, PackStatus.BUILDING)


@contextmanager
def _heartbeat(app: App, pack_id: uuid.UUID) -> Iterator[None]:
    """Stamp the version now and every HEARTBEAT_SECONDS until the build ends, on a thread
    and connection of its own (rendering a part can take longer than the beat)."""
    stop = threading.Event()

    def beat() -> None:
        with app.app_context():
            while True:
                try:
                    with db.engine.begin() as connection:
                        connection.execute(
                            update(GeneratedPack)
                            .where(
                                GeneratedPack.id == pack_id, GeneratedPack.status.in_(_UNFINISHED)
                            )
                            .values(heartbeat_at=func.now())
                        )
                except SQLAlchemyError:  # a missed beat; the next one may get through
                    log.warning("pack %s heartbeat not recorded", pack_id, exc_info=True)
                if stop.wait(HEARTBEAT_SECONDS):
                    return

    ticker = threading.Thread(target=beat, name=f"pack-heartbeat-{pack_id}", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()


def _stopped(pack_id: uuid.UUID) -> None:
    """A build that broke where it could not record it (its own saves failed) is marked
    failed from a fresh transaction, so it never stays "building"."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(GeneratedPack)
                .where(GeneratedPack.id == pack_id, GeneratedPack.status.in_(_UNFINISHED))
                .values(status=PackStatus.FAILED, error="The build stopped: see the server log")
            )
    except SQLAlchemyError:  # the heartbeat has stopped too: it will show as stopped soon
        log.exception("pack %s could not be marked failed", pack_id)


def start_background(app: App, pack_id: uuid.UUID) -> threading.Thread:
    thread = threading.Thread(
        target=_run_in_thread, args=(app, pack_id), name=f"pack-{pack_id}", daemon=True
    )
    thread.start()
    return thread


__all__ = ["data", "execute", "run_inline", "start_background"]
