"""The web's own pack build path: queued by the request, built on a background thread that
commits its progress, then shown and downloaded (the rest of the suite builds inline)."""

from __future__ import annotations

import threading
import uuid

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import GeneratedPack, PackStatus
from tests.conftest import PASSWORD
from tests.world import EMAILS, World


def test_a_pack_built_in_the_background_becomes_ready(committed: tuple[Flask, World]) -> None:
    app, world = committed
    app.config["PACK_BUILDS_INLINE"] = False
    client = app.test_client()
    signed = client.post("/sign-in", data={"email": EMAILS["lead"], "password": PASSWORD})
    assert signed.status_code == 302
    started = {t.name for t in threading.enumerate()}

    response = client.post(
        f"/packs/meetings/{world['meeting_a']}/build", data={"identities": "named"}
    )
    assert response.status_code == 302
    pack_id = uuid.UUID(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    response.close()  # the build starts once the request has committed the queued version
    threads = [
        t for t in threading.enumerate() if t.name == f"pack-{pack_id}" and t.name not in started
    ]
    assert len(threads) == 1, "the build should run on its own thread"
    threads[0].join(timeout=120)
    assert not threads[0].is_alive()

    with app.app_context():
        pack = db.session.scalar(select(GeneratedPack).where(GeneratedPack.id == pack_id))
        assert pack is not None
        assert pack.status is PackStatus.READY, pack.error
        assert pack.pdf is not None and pack.pdf.startswith(b"%PDF")
        assert pack.progress_total and pack.progress_done == pack.progress_total
        sha = pack.sha256
        db.session.remove()
    page = client.get(f"/packs/{pack_id}/").get_data(as_text=True)
    assert sha in page
    download = client.get(f"/packs/{pack_id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
