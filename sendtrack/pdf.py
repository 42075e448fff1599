"""Documents as PDF: a Jinja template rendered by WeasyPrint.

The template is fed plain values (dicts, strings, dates), never ORM objects, so rendering
cannot reach the database. WeasyPrint may fetch only the app's own static files: no file:
URLs, no network, no data: URLs, so nothing in a child's record can make the server read a
local file or call out."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A made-up origin: relative links in a PDF template resolve against it, and the fetcher
# serves the app's static folder under /static/ and refuses everything else.
BASE_URL = "https://sendtrack.invalid/"
STATIC_PREFIX = BASE_URL + "static/"

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
# A document that names no one and is published to schools (the ranges guide).
PUBLISHED_MARKING = "OFFICIAL"


class StaticOnlyFetcher(URLFetcher):
    """Serve `https://sendtrack.invalid/static/...` from the static folder; refuse the rest."""

    def __init__(self, static_folder: str) -> None:
        super().__init__(allowed_protocols={"https"}, allow_redirects=False)
        self.static_root = Path(static_folder).resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_PREFIX):
            raise ValueError(f"PDFs may only load the app's own static files, not {url[:80]}")
        relative = unquote(urlsplit(url).path)[len("/static/") :]
        path = (self.static_root / relative).resolve()
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise ValueError(f"No such static file: {relative[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    title: str,
    *,
    marking: str = PROTECTIVE_MARKING,
) -> bytes:
    """Render `template_name` with `context` to PDF bytes under a protective marking:
    OFFICIAL-SENSITIVE unless the caller says the document is published (OFFICIAL)."""
    html = render_template(
        template_name,
        **context,
        pdf_title=title,
        protective_marking=marking,
    )
    # Tagged (a structure tree for screen readers): these are single documents. A panel
    # pack is merged from separately rendered parts and merging drops the tags
    # (docs/packs.md).
    return html_to_pdf(html, tagged=True)


def html_to_pdf(html: str, *, tagged: bool = False) -> bytes:
    """PDF bytes of an HTML document that may load only the app's static files: every PDF
    the app writes goes through here (or, for pack parts, through the same fetcher)."""
    static_folder = current_app.static_folder or ""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(static_folder))
    pdf = document.write_pdf(pdf_tags=tagged)
    if pdf is None:  # only when writing to a target, which this never does
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
