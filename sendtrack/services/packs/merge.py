"""Merge rendered parts into one PDF and stamp "Page X of Y" on every page.

Page numbers are stamped on the merged file rather than rendered by each part, because a
part's numbers depend on every part before it: rendering them in would make one changed
case re-render the whole pack. The stamp is a few bytes of PDF text per page in a standard
font, marked as a pagination artifact so that it is not read as body text."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

# Helvetica advance widths (1/1000 em) for the characters the footer uses.
_WIDTHS = {"P": 667, "a": 556, "g": 556, "e": 556, " ": 278, "o": 556, "f": 278}
FOOTER_SIZE = 9.0
RIGHT_MARGIN_PT = 18 / 25.4 * 72
FOOTER_BASELINE_PT = 46.5


@dataclass(frozen=True)
class Bookmark:
    title: str
    page_index: int


def footer_text(page: int, pages: int) -> str:
    return f"Page {page} of {pages}"


def _text_width(text: str) -> float:
    return sum(_WIDTHS.get(ch, 556) for ch in text) * FOOTER_SIZE / 1000


def _stamp_stream(text: str, page_width: float) -> bytes:
    x = page_width - RIGHT_MARGIN_PT - _text_width(text)
    return (
        b"Q\nq /Artifact <</Type /Pagination /Subtype /Footer>> BDC "
        b"BT /SendtrackFooter %.2f Tf 0.043 0.047 0.047 rg %.2f %.2f Td (%s) Tj ET EMC Q\n"
        % (FOOTER_SIZE, x, FOOTER_BASELINE_PT, text.encode("ascii"))
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Parsing the parts makes tens of thousands of small objects, which set off the cyclic
    garbage collector's full passes: every other merge of 30 cases took 0.25 s instead of
    0.1 s (measured). Reference counting frees nearly all of them; the collector runs again
    afterwards for the rest."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Merger:
    """A pack put together as its parts arrive: the cases in agenda order with `add`, each as
    soon as it and every case before it are ready (so most of the merging happens while
    workers still render), then the cover and agenda, and the page numbers, in `finish`.
    Use it inside `collector_paused()`."""

    def __init__(self) -> None:
        self._writer = PdfWriter()
        self.total = 0

    def add(self, part: bytes) -> None:
        for page in PdfReader(io.BytesIO(part)).pages:
            self._writer.add_page(page)

    def _stamp(self, page: PageObject, number: int) -> None:
        # WeasyPrint shares one resources dictionary between a part's pages: change it in
        # place through its reference, so it is still written once.
        if NameObject("/Resources") not in page:
            page[NameObject("/Resources")] = DictionaryObject()
        resources = page[NameObject("/Resources")].get_object()
        assert isinstance(resources, DictionaryObject)
        if NameObject("/Font") not in resources:
            resources[NameObject("/Font")] = DictionaryObject()
        fonts = resources[NameObject("/Font")].get_object()
        assert isinstance(fonts, DictionaryObject)
        fonts[NameObject("/SendtrackFooter")] = self._font
        stamp = DecodedStreamObject()
        stamp.set_data(_stamp_stream(footer_text(number, self.total), float(page.mediabox.width)))
        contents = page.get(NameObject("/Contents"))
        existing = contents.get_object() if contents is not None else ArrayObject()
        streams = list(existing) if isinstance(existing, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject(
            [self._opening, *streams, self._writer._add_object(stamp)]
        )

    def finish(
        self,
        front: bytes,
        *,
        title: str,
        author: str,
        subject: str,
        bookmarks: list[Bookmark],
        language: str = "en-GB",
    ) -> tuple[bytes, int]:
        """The whole pack, `front` before the cases, every page numbered."""
        writer = self._writer
        for index, page in enumerate(PdfReader(io.BytesIO(front)).pages):
            writer.insert_page(page, index)
        self.total = len(writer.pages)
        self._font = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/Helvetica"),
                    NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                }
            )
        )
        opening = DecodedStreamObject()
        opening.set_data(b"q\n")
        self._opening = writer._add_object(opening)
        for number, page in enumerate(writer.pages, start=1):
            self._stamp(page, number)
        for bookmark in bookmarks:
            writer.add_outline_item(title=bookmark.title, page_number=bookmark.page_index)
        writer.add_metadata(
            {"/Title": title, "/Author": author, "/Subject": subject, "/Creator": "sendtrack"}
        )
        writer._root_object[NameObject("/Lang")] = TextStringObject(language)
        preferences = writer.create_viewer_preferences()
        preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
        writer.page_mode = "/UseOutlines"
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue(), self.total
