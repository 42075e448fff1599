"""Real-browser journeys: the app served on 127.0.0.1 by a threaded werkzeug server, on its
own database, driven by Debian's Chromium through Playwright.

Why a database of its own: the rest of the suite runs each test inside a rolled-back outer
transaction on the shared "world" database, which a server thread cannot join. The e2e
session instead migrates a fresh database (a SQLite file, or a throwaway PostgreSQL database
when TEST_DATABASE_URL is set), seeds the demo local authority into it once, and lets the
server commit as it does in production. Journeys create the records they change, so the
order they run in does not matter.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext
from werkzeug.serving import make_server

from tests.clock import frozen
from tests.conftest import _database_url, _drop_database
from tests.e2e.journey import (
    DEMO_PASSWORD,
    SCREENSHOTS,
    Journey,
    TitleRegistry,
)

CHROMIUM = "/usr/bin/chromium"
# Headless, and no calls out of this closed network (tech notes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class LiveServer:
    url: str
    app: Flask


@pytest.fixture(scope="session")
def e2e_app() -> Iterator[Flask]:
    from flask_migrate import upgrade

    from sendtrack import create_app, demo
    from sendtrack.extensions import db

    with tempfile.TemporaryDirectory(prefix="sendtrack-e2e-") as tmp:
        url, pg_name = _database_url(Path(tmp))
        try:
            app = create_app(
                "testing",
                SQLALCHEMY_DATABASE_URI=url,
                # A real browser posts real forms: check CSRF tokens as production does.
                WTF_CSRF_ENABLED=True,
                PACK_DIR=Path(tmp) / "packs",
                BACKUP_DIR=Path(tmp) / "backups",
                DEMO_PASSWORD=DEMO_PASSWORD,
            )
            # Session-scoped, so set up before the per-test clock moves: seed at TODAY too.
            with app.app_context(), frozen():
                upgrade()
                demo.seed(DEMO_PASSWORD)
                db.session.commit()
                db.session.remove()
            yield app
            with app.app_context():
                db.engine.dispose()
        finally:
            if pg_name:
                _drop_database(pg_name)


@pytest.fixture(scope="session")
def live_server(e2e_app: Flask) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, e2e_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=e2e_app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium package)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(
    browser_context_args: dict[str, Any], live_server: LiveServer
) -> dict[str, Any]:
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": DESKTOP,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "accept_downloads": True,
    }


@pytest.fixture(scope="session")
def titles() -> Iterator[TitleRegistry]:
    """Every page title seen in the session, to prove that each says where you are. At the
    end the pages checked are listed in test-artifacts/pages-checked.txt (title and path),
    for the accessibility statement's list of pages tested."""
    registry = TitleRegistry()
    yield registry
    lines = sorted(
        f"{title}\t{path}" for title, paths in registry.paths_by_title.items() for path in paths
    )
    out = SCREENSHOTS.parent / "pages-checked.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def journey(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    titles: TitleRegistry,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., Journey]]:
    """journey("senco") opens a fresh browser (its own cookies) signed in as that demo
    account; journey() opens one signed out. Each page it visits is checked (axe, title,
    headings); at the end every page that loaded must have been checked and no script,
    CSP or asset error may have happened."""
    opened: list[Journey] = []

    def _open(account: str | None = None, *, keyboard: bool = False) -> Journey:
        context = new_context()
        j = Journey(context.new_page(), titles, name=request.node.name, keyboard=keyboard)
        opened.append(j)
        if account:
            j.sign_in(account)
        return j

    yield _open
    for j in opened:
        j.finish()
