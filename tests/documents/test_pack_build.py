"""The pack build's scheduling: how many times the agenda is rendered, which cases are
rendered again, and that the agenda's page numbers are the merged file's."""

from __future__ import annotations

import copy
import io
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import IndirectObject

from bench.packs import demo_case, demo_meeting
from sendtrack.services.packs import build, merge, render
from sendtrack.services.packs.cache import PartCache

MEETING_DATE = date(2027, 3, 12)


def _pack(version: int) -> dict[str, object]:
    return {
        "version": version,
        "pseudonymised": False,
        "generated_at": "12 March 2027 at 9:00am",
        "generated_by": "Test",
        "fingerprint": f"f{version}",
    }


def test_first_build_renders_the_agenda_twice_at_most_and_numbers_it_right(
    tmp_path: Path,
) -> None:
    meeting = demo_meeting(MEETING_DATE)
    cases = [demo_case(i, MEETING_DATE) for i in range(1, 6)]
    built = build.build(meeting, cases, _pack(1), PartCache(tmp_path))
    # The early agenda only learns its length; the one at the end has the real numbers.
    assert built.front_renders <= 2
    assert built.rendered_cases == len(cases)
    front = built.case_pages["__front__"]
    assert built.page_count == front + sum(built.case_pages[c["referral_id"]] for c in cases)
    next_page = front + 1
    reader = PdfReader(io.BytesIO(built.pdf))
    for case in cases:
        assert built.starts[case["referral_id"]] == next_page
        first_page = reader.pages[next_page - 1].extract_text()
        assert case["child"]["name"] in first_page
        next_page += built.case_pages[case["referral_id"]]


def test_rebuild_renders_the_changed_case_and_the_agenda_once(tmp_path: Path) -> None:
    meeting = demo_meeting(MEETING_DATE)
    cases = [demo_case(i, MEETING_DATE) for i in range(1, 6)]
    cache = PartCache(tmp_path)
    first = build.build(meeting, cases, _pack(1), cache)
    changed = copy.deepcopy(cases)
    changed[2]["request"]["reason"] += " Updated after the school's review."
    again = build.build(meeting, changed, _pack(2), cache, previous_pages=first.case_pages)
    assert again.rendered_cases == 1
    # Same page counts as last time: the agenda rendered alongside the case is the one used.
    assert again.front_renders == 1
    assert again.starts == first.starts
    assert "Updated after the school's review." in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(again.pdf)).pages
    )


def test_cache_keeps_the_page_count_and_treats_a_damaged_entry_as_missing(
    tmp_path: Path,
) -> None:
    cache = PartCache(tmp_path)
    assert cache.get("ab" * 32) is None
    cache.put("ab" * 32, b"%PDF-1.7 part", 4)
    assert cache.get("ab" * 32) == (b"%PDF-1.7 part", 4)
    damaged = next(tmp_path.glob("*/*.part"))
    damaged.write_bytes(b"%PDF-1.7 no header")
    assert cache.get("ab" * 32) is None
    old_format = tmp_path / "cd" / ("cd" * 32 + ".pdf")
    old_format.parent.mkdir()
    old_format.write_bytes(b"%PDF")
    assert cache.get("cd" * 32) is None  # an entry of the first format is re-rendered
    for path in (damaged, old_format):
        os.utime(path, (0, 0))
    assert cache.prune() == 2
    assert not list(tmp_path.glob("*/*"))


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_merger_takes_the_cases_first_and_puts_the_front_before_them() -> None:
    case_one, pages_one = render.render_case(demo_case(1, MEETING_DATE), 1)
    case_two, pages_two = render.render_case(demo_case(2, MEETING_DATE), 2)
    front, front_pages = render.render_front(
        {
            "meeting": demo_meeting(MEETING_DATE),
            "cases": [],
            "pack": _pack(1),
            "pages": {},
            "target_counters": False,
            "pdf_title": "Front",
        }
    )
    total = front_pages + pages_one + pages_two
    merger = merge.Merger()
    merger.add(case_one)
    merger.add(case_two)
    pdf, count = merger.finish(
        front, title="Pack", author="Council", subject="s", bookmarks=[merge.Bookmark("x", 0)]
    )
    assert count == total
    texts = _pages_text(pdf)
    assert len(texts) == total
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
    assert "Northbrook" in texts[0]  # the front comes first
    assert demo_case(1, MEETING_DATE)["child"]["name"] in texts[front_pages]
    assert demo_case(2, MEETING_DATE)["child"]["name"] in texts[front_pages + pages_one]


def test_parts_are_styled_by_the_stylesheets_parsed_once_per_worker() -> None:
    # The parts link no stylesheet of their own: the running header (OFFICIAL-SENSITIVE,
    # from pdf.css's page rules) is there only if the parsed stylesheets were applied.
    html = render.html_for(
        "pdf/pack/case.html",
        {"case": demo_case(1, MEETING_DATE), "number": 1, "pdf_title": "Item 1"},
    )
    assert "stylesheet" not in html
    styled, _ = render.render_html(html, part=True)
    bare, _ = render.render_html(html)
    assert all("OFFICIAL-SENSITIVE" in text for text in _pages_text(styled))
    assert not any("OFFICIAL-SENSITIVE" in text for text in _pages_text(bare))


def test_the_pool_starts_every_worker_at_once() -> None:
    pool = render.pool()
    assert len(pool._processes) == render.worker_count()


def _marked_content(reader: PdfReader) -> dict[int, set[int]]:
    """Page index -> the marked-content ids its content streams use."""
    found = {}
    for index, page in enumerate(reader.pages):
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        found[index] = {int(m) for m in re.findall(rb"/MCID\s+(\d+)", data)}
    return found


def _tree_content(reader: PdfReader) -> tuple[dict[int, dict[int, int]], list[int]]:
    """Walk the structure tree: page index -> {marked-content id: id of the element holding
    it}, checking every element's /P on the way; and the pages in reading order."""
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    held: dict[int, dict[int, int]] = {}
    order: list[int] = []

    def walk(ref: Any, parent_idnum: int) -> None:
        element = ref.get_object()
        assert element.raw_get("/P").idnum == parent_idnum  # each points at its parent
        page = element.raw_get("/Pg") if "/Pg" in element else None
        kids = element.raw_get("/K") if "/K" in element else None
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                assert page is not None
                index = page_index[page.idnum]
                held.setdefault(index, {})[kid] = ref.idnum
                order.append(index)
            elif isinstance(kid, IndirectObject) and kid.get_object().get("/Type") in (
                None,
                "/StructElem",
            ):
                walk(kid, ref.idnum)
            elif kid.get_object().get("/Type") == "/MCR":
                mcr = kid.get_object()
                index = page_index[(mcr.raw_get("/Pg") if "/Pg" in mcr else page).idnum]
                held.setdefault(index, {})[int(mcr["/MCID"])] = ref.idnum
                order.append(index)

    root_ref = reader.trailer["/Root"].raw_get("/StructTreeRoot")
    for element in root_ref.get_object()["/K"]:
        walk(element, root_ref.idnum)
    return held, order


def test_the_merged_pack_is_one_tagged_document_in_reading_order(tmp_path: Path) -> None:
    meeting = demo_meeting(MEETING_DATE)
    cases = [demo_case(i, MEETING_DATE) for i in range(1, 4)]
    built = build.build(meeting, cases, _pack(1), PartCache(tmp_path))
    reader = PdfReader(io.BytesIO(built.pdf))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    held, order = _tree_content(reader)
    used = _marked_content(reader)
    parent_tree = catalog["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    entries = {int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree), 2)}
    keys = []
    for index, page in enumerate(reader.pages):
        # Every page's content is in the tree (WeasyPrint leaves its running header out
        # of the tree in a single document too), and the parent tree maps the page's ids
        # back to the elements holding them.
        assert held.get(index) and set(held[index]) <= used[index], index
        key = int(page["/StructParents"])
        keys.append(key)
        parents = entries[key].get_object()
        for mcid, element_idnum in held[index].items():
            assert parents[mcid].idnum == element_idnum
    assert len(set(keys)) == len(keys)  # numbered on from part to part, none shared
    assert order == sorted(order)  # the tree reads the pages front to back


def test_a_cluster_named_with_or_without_the_word_gets_one_cluster_panel() -> None:
    from sendtrack.services.packs.data import panel_name

    assert panel_name("Northbrook") == "Northbrook cluster panel"
    assert panel_name("Northbrook cluster") == "Northbrook cluster panel"
    assert panel_name("Riverside Cluster") == "Riverside Cluster panel"
