"""Render pack parts to PDF in worker processes.

WeasyPrint uses one core per document, so a pack is rendered as separate documents - the
cover and agenda, and one per case - on a bounded pool of processes. Workers get plain data
and render with a Jinja environment of their own (no Flask app, no database), and fetch
only the app's static files through sendtrack.pdf.StaticOnlyFetcher."""

from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

import config as app_config
from sendtrack.pdf import BASE_URL, STATIC_PREFIX, StaticOnlyFetcher
from sendtrack.wording import govuk_date, money

TEMPLATES = app_config.BASE_DIR / "templates"
STATIC = Path(__file__).resolve().parents[2] / "static"
# Everything a rendered part depends on besides its data: a change to any of these files
# changes every cache key, so a new template never serves an old cached page.
RENDER_INPUTS = [
    TEMPLATES / "pdf" / "pack" / "_cover.html",
    TEMPLATES / "pdf" / "pack" / "_case.html",
    TEMPLATES / "pdf" / "pack" / "case.html",
    TEMPLATES / "pdf" / "pack" / "front.html",
    STATIC / "css" / "pdf.css",
    STATIC / "css" / "pack.css",
]
RENDERER_VERSION = "2"  # 2: parts are tagged (structure.py joins their trees)


@cache
def template_fingerprint() -> str:
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    for path in RENDER_INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["govuk_date"] = govuk_date
    env.filters["money"] = money
    return env


def html_for(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


# The stylesheets of a pack's parts (case.html and front.html link none of their own).
PART_STYLESHEETS = ("css/pdf.css", "css/pack.css")


@cache
def _part_styles() -> tuple[Any, list[Any]]:
    """The parts' stylesheets, parsed once per worker with one font configuration shared by
    every part. Parsing them in each part took about 45 ms of a 4-page case's 270 ms
    (measured), a cost the whole-document baseline pays once."""
    fonts = FontConfiguration()
    fetcher = StaticOnlyFetcher(str(STATIC))
    sheets = [
        CSS(url=STATIC_PREFIX + name, url_fetcher=fetcher, font_config=fonts)
        for name in PART_STYLESHEETS
    ]
    return fonts, sheets


def render_html(html: str, *, tagged: bool = False, part: bool = False) -> tuple[bytes, int]:
    """PDF bytes and page count of one HTML document; `tagged` adds the structure tree
    screen readers use (a pack's parts are tagged, and the merge joins their trees); a
    `part` of a pack is styled with PART_STYLESHEETS."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(str(STATIC)))
    if part:
        fonts, sheets = _part_styles()
        rendered = document.render(font_config=fonts, stylesheets=sheets)
    else:
        rendered = document.render()
    pdf: bytes = rendered.write_pdf(pdf_tags=tagged)
    return pdf, len(rendered.pages)


def render_template(
    template: str, context: dict[str, Any], *, tagged: bool = False, part: bool = False
) -> tuple[bytes, int]:
    return render_html(html_for(template, context), tagged=tagged, part=part)


def render_case(case: dict[str, Any], number: int) -> tuple[bytes, int]:
    title = f"Item {number}: {case['child']['name']}"
    return render_template(
        "pdf/pack/case.html",
        {"case": case, "number": number, "pdf_title": title},
        tagged=True,
        part=True,
    )


def render_front(context: dict[str, Any]) -> tuple[bytes, int]:
    return render_template("pdf/pack/front.html", context, tagged=True, part=True)


def _warm() -> None:
    # Load the templates and parse the stylesheets once per worker, not in the first job.
    environment()
    _part_styles()


def _started() -> int:
    return os.getpid()


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def worker_count() -> int:
    configured = os.environ.get("SENDTRACK_PACK_WORKERS")
    if configured and configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(4, os.cpu_count() or 1))


def pool() -> ProcessPoolExecutor:
    """One bounded pool per process, started on first use and reused by every build.

    Workers come from a fork server: forking the web process itself (threads, open
    database connections) is unsafe, and a fresh interpreter per pack would spend a second
    importing WeasyPrint."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["sendtrack.services.packs.render"])
            _pool = ProcessPoolExecutor(
                max_workers=worker_count(), mp_context=context, initializer=_warm
            )
            # Every worker now, not one per job as jobs arrive: a build would otherwise
            # render its first cases on one worker while the next is still starting.
            for _ in range(worker_count()):
                _pool.submit(_started)
        return _pool


def submit_case(case: dict[str, Any], number: int) -> Future[tuple[bytes, int]]:
    return pool().submit(render_case, case, number)


def submit_front(context: dict[str, Any]) -> Future[tuple[bytes, int]]:
    return pool().submit(render_front, context)


@atexit.register
def _shutdown() -> None:
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
