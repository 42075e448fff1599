"""A 16-case panel pack, rendered once for the module: agenda page references, page
numbers, names, metadata, and the stored version's SHA-256.

Sixteen cases are enough for an agenda that runs over two pages (about 13 rows a page),
more than the builder's first guess, so the agenda is rendered again with the real page
numbers: the path this module is here to check. (It had 30 cases, three agenda pages, and
took twice as long to render.) Pages are read back in pypdf's plain mode; only the agenda,
whose page numbers sit at the end of a table row, needs the slower layout mode."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from pypdf import PdfReader

from tests import world_packs
from tests.clock import frozen
from tests.world import World

CASES = 16
AGENDA_PAGES = 6  # cover and agenda are within these


@dataclass
class Rendered:
    pdf: bytes
    sha256: str
    page_count: int
    version: int
    references: list[str]
    names: list[str]


@pytest.fixture(scope="module")
def rendered(app: Flask) -> Iterator[Rendered]:
    """Build once in a transaction of its own, rolled back afterwards like a test's."""
    from sendtrack.extensions import db
    from sendtrack.models import PanelMeeting
    from sendtrack.services import packs
    from sendtrack.services.packs import jobs

    world: World = app.config["WORLD"]
    # Module-scoped, so set up before the per-test clock moves: move it here too.
    with app.test_request_context(), frozen():
        engines = db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection  # type: ignore[assignment]
        db.session.remove()
        try:
            # meeting_a already has referral_a (Test Alphason) at position 1.
            ids = world_packs.add_cases(
                world["meeting_a"], world["a1"], world["A"], CASES - 1, cycles=1
            )
            meeting = db.session.get(PanelMeeting, world["meeting_a"])
            assert meeting is not None
            request = packs.request_build(None, meeting, pseudonymised=False)
            pack = jobs.run_inline(request.pack)
            assert pack.pdf is not None and pack.sha256 is not None and pack.page_count
            prefix = f"REF-PACK-{world['meeting_a'].hex[:6]}"
            references = ["REF-TEST-A"] + [f"{prefix}-{i:03d}" for i in range(len(ids))]
            names = ["Test Alphason"] + [
                " ".join(world_packs.child_name(i)) for i in ids_range(ids)
            ]
            result = Rendered(
                pack.pdf, pack.sha256, pack.page_count, pack.version_number, references, names
            )
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            engines[None] = engine
    yield result


@pytest.fixture(scope="module")
def pages(rendered: Rendered) -> list[str]:
    reader = PdfReader(io.BytesIO(rendered.pdf))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def agenda(rendered: Rendered) -> dict[str, int]:
    """Reference -> the page the agenda says that case starts on."""
    reader = PdfReader(io.BytesIO(rendered.pdf))
    front = [page.extract_text(extraction_mode="layout") for page in reader.pages[:AGENDA_PAGES]]
    return _agenda_pages(front, rendered.references)


def ids_range(ids: list[object]) -> range:
    return range(len(ids))


def _agenda_pages(pages: list[str], references: list[str]) -> dict[str, int]:
    found = {}
    for text in pages:
        for line in text.splitlines():
            for ref in references:
                match = re.search(re.escape(ref) + r"\b.*?(\d+)\s*$", line)
                if match and ref not in found:
                    found[ref] = int(match.group(1))
    return found


def test_agenda_says_the_page_each_case_starts_on(
    rendered: Rendered, pages: list[str], agenda: dict[str, int]
) -> None:
    assert sorted(agenda) == sorted(rendered.references)
    assert min(agenda.values()) >= 4, "a cover and an agenda of two pages or more"
    starts = sorted(agenda.values())
    assert starts == sorted(set(starts)), "two cases cannot start on the same page"
    for number, (ref, name) in enumerate(zip(rendered.references, rendered.names, strict=True), 1):
        page = agenda[ref]
        text = pages[page - 1]
        heading = f"Item {number}: {name}"
        assert heading in text, f"{ref} should start on page {page}"
        # The case's first page: its heading is not on the page before.
        assert f"Item {number}: " not in pages[page - 2], f"{ref} starts before page {page}"


def test_every_page_is_numbered_and_marked(rendered: Rendered, pages: list[str]) -> None:
    total = len(pages)
    assert total == rendered.page_count
    assert total > CASES
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text, f"page {number}"
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"header and footer marking, page {number}"


def test_every_child_is_named_with_their_sections(rendered: Rendered, pages: list[str]) -> None:
    text = "\n".join(pages)
    for name in rendered.names:
        assert name in text
    for heading in (
        "Needs and SEN status",
        "Request to the panel",
        "Assess, plan, do, review",
        "Previous panel decisions and awards",
        "The child's views",
        "Parents' or carers' views",
        "Professionals involved",
    ):
        assert text.count(heading) >= CASES, heading
    assert "V936100117001" in text  # Test Alphason's UPN, in the named pack
    assert "£6,000" in text and "above it" in text  # 3 provisions at £2,300-£2,500 a year


def test_cover_metadata_and_stored_hash(rendered: Rendered, pages: list[str]) -> None:
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert hashlib.sha256(rendered.pdf).hexdigest() == rendered.sha256
    assert reader.metadata is not None
    assert reader.metadata.title == (
        f"Panel pack: {'Cluster A'} panel, {_meeting_date(pages)} (version {rendered.version})"
    )
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    cover = pages[0]
    assert "Panel pack" in cover and "Cluster A cluster panel" in cover
    assert f"Version {rendered.version}" in cover
    assert "Chair Person" in cover and "Town Hall" in cover
    assert len(reader.outline) == CASES + 1


def _meeting_date(pages: list[str]) -> str:
    match = re.search(r"Panel pack: Cluster A panel, (\d+ \w+ \d{4})", pages[0])
    assert match, pages[0][:300]
    return match.group(1)
