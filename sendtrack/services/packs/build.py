"""Build a pack from plain data: render cases in parallel (or take them from the cache),
render the cover and agenda with the page each case starts on, merge, number the pages.

No database here, so the benchmark and the CLI drive exactly what the web build runs."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from typing import Any

from sendtrack.services.packs import merge, render
from sendtrack.services.packs.cache import PartCache, case_key

Progress = Callable[[int, int], None]


@dataclass
class BuiltPack:
    pdf: bytes
    page_count: int
    case_pages: dict[str, int]
    rendered_cases: int
    front_renders: int
    starts: dict[str, int] = field(default_factory=dict)


def fingerprint(meeting: dict[str, Any], cases: list[dict[str, Any]], pseudonymised: bool) -> str:
    """Same agenda, same case data, same templates -> same fingerprint -> same version."""
    payload = json.dumps(
        {
            "meeting": meeting,
            "cases": cases,
            "pseudonymised": pseudonymised,
            "templates": render.template_fingerprint(),
        },
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _starts(front_pages: int, cases: list[dict[str, Any]], pages: dict[str, int]) -> dict[str, int]:
    starts, next_page = {}, front_pages + 1
    for case in cases:
        starts[case["referral_id"]] = next_page
        next_page += pages[case["referral_id"]]
    return starts


# What a case section usually takes (profile, cycles, decisions, views): only a first
# guess for the agenda's page numbers, which are always rendered from the real counts.
TYPICAL_CASE_PAGES = 4


def _front_guess(case_count: int) -> int:
    # A cover page, then about 20 agenda rows a page; corrected after the first render.
    return 1 + max(1, math.ceil(case_count / 20))


def build(
    meeting: dict[str, Any],
    cases: list[dict[str, Any]],
    pack: dict[str, Any],
    cache: PartCache,
    *,
    previous_pages: dict[str, int] | None = None,
    progress: Progress | None = None,
) -> BuiltPack:
    """`pack` is what the cover says about this version (number, fingerprint, generated)."""
    templates = render.template_fingerprint()
    report = progress or (lambda done, total: None)
    previous = dict(previous_pages or {})
    parts: dict[str, bytes] = {}
    pages: dict[str, int] = {}
    to_render: list[tuple[int, dict[str, Any], str]] = []
    for number, case in enumerate(cases, start=1):
        key = case_key(case, number, templates)
        cached = cache.get(key)
        if cached is not None:
            parts[case["referral_id"]], pages[case["referral_id"]] = cached
        else:
            to_render.append((number, case, key))
    total = len(to_render) + 2
    report(0, total)

    def front_context(front_pages: int, case_pages: dict[str, int]) -> dict[str, Any]:
        return {
            "meeting": meeting,
            "cases": cases,
            "pack": pack,
            "pages": _starts(front_pages, cases, case_pages),
            "target_counters": False,
            "pdf_title": f"Panel pack: {meeting['title']}",
        }

    # The agenda renders first, alongside the changed cases, with their page counts guessed
    # from the last build or, on a first build, a typical case's. When the guess was right
    # it is the agenda; otherwise it has told how many pages the agenda takes, so the one
    # render at the end, with the real page numbers, comes out right first time.
    guess = {
        c["referral_id"]: pages.get(
            c["referral_id"], previous.get(c["referral_id"], TYPICAL_CASE_PAGES)
        )
        for c in cases
    }
    front_guess = int(previous.get("__front__", _front_guess(len(cases))))
    early = render.submit_front(front_context(front_guess, guess))
    pending: dict[Future[tuple[bytes, int]], tuple[str, str]] = {
        render.submit_case(case, number): (case["referral_id"], key)
        for number, case, key in to_render
    }

    merger = merge.Merger()
    merged = 0

    def merge_ready() -> None:
        # Cases go into the pack in agenda order, each once every case before it is ready.
        nonlocal merged
        while merged < len(cases) and cases[merged]["referral_id"] in parts:
            merger.add(parts[cases[merged]["referral_id"]])
            merged += 1

    merge_ready()  # the cached cases before the first changed one, while the workers render
    done = 0
    for future in as_completed(pending):
        rid, key = pending[future]
        pdf, count = future.result()
        cache.put(key, pdf, count)
        parts[rid], pages[rid] = pdf, count
        done += 1
        merge_ready()
        report(done, total)

    early_pdf, front_pages = early.result()
    front_renders = 1
    right_first_time = front_pages == front_guess and guess == pages
    front_pdf: bytes | None = early_pdf if right_first_time else None
    for _ in range(3):
        if front_pdf is not None:
            break
        # In a worker, where WeasyPrint is already loaded.
        pdf, rendered_pages = render.submit_front(front_context(front_pages, pages)).result()
        front_renders += 1
        if rendered_pages == front_pages:
            front_pdf = pdf
        front_pages = rendered_pages
    assert front_pdf is not None, "the agenda's length did not settle"
    report(done + 1, total)

    starts = _starts(front_pages, cases, pages)
    bookmarks = [merge.Bookmark("Cover and agenda", 0)] + [
        merge.Bookmark(f"Item {n}: {c['child']['name']}", starts[c["referral_id"]] - 1)
        for n, c in enumerate(cases, start=1)
    ]
    pdf, page_count = merger.finish(
        front_pdf,
        title=f"Panel pack: {meeting['title']} (version {pack['version']})",
        author=meeting["council_name"],
        subject="OFFICIAL-SENSITIVE panel pack",
        bookmarks=bookmarks,
    )
    report(total, total)
    return BuiltPack(
        pdf=pdf,
        page_count=page_count,
        case_pages={**pages, "__front__": front_pages},
        rendered_cases=len(to_render),
        front_renders=front_renders,
        starts=starts,
    )


def build_whole(
    meeting: dict[str, Any], cases: list[dict[str, Any]], pack: dict[str, Any]
) -> bytes:
    """The whole pack as one WeasyPrint document in this process: the benchmark baseline."""
    html = render.html_for(
        "pdf/pack/whole.html",
        {
            "meeting": meeting,
            "cases": cases,
            "pack": pack,
            "pages": {},
            "target_counters": True,
            "pdf_title": f"Panel pack: {meeting['title']}",
        },
    )
    pdf, _ = render.render_html(html, tagged=True)  # tagged, like the merged pack
    return pdf
