"""Children's names out of pseudonymised documents, and a check that none is left.

A pseudonymised pack or decision record shows each child by their initials ("F.K."). The
names also turn up in free text people type: a conflict "Mrs Okafor teaches Finley
Kowalczyk", a rationale, an action, another child's reason for referral. So every string
that goes into such a document passes through `Pseudonyms.text`, which replaces every
known name of every child on that document (legal and preferred forenames and surnames,
full names in either order, each part of a hyphenated or spaced name), case-insensitively,
as whole words, with that child's initials; "Finley's" becomes "F.K.'s".

Before a pseudonymised document is stored or returned, `names_in_pdf` reads the final
PDF's text back (poppler's pdftotext, as a reader would) and the document is refused if a
name is still there: a template field that forgets the replacement fails the build instead
of leaking. A name that is also an ordinary word of the documents' own wording (a child
called May, whose pack prints "12 May 2026") is looked for only next to the child's other
name, so such a child's pack can still be built."""

from __future__ import annotations

import calendar
import io
import re
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pikepdf

from sendtrack.models import Pupil
from sendtrack.services.errors import DomainError

# What joins the words of a name: spaces, line breaks, hyphens, apostrophes.
_JOIN = r"[\s\-\u2010\u2011'\u2019]+"
# Keys whose values are identifiers, never shown as text (and needed unchanged).
_ID_KEYS = frozenset({"id", "referral_id", "fingerprint"})


class NotIssued(DomainError):
    """A pseudonymised document still names a child, or could not be checked: it must not
    be stored or returned. The message names no child."""


@dataclass(frozen=True)
class Child:
    """A child on the document: the initials it shows and every name it must not."""

    initials: str
    names: tuple[str | None, ...]  # legal forename, legal surname, preferred forename, surname


def child(pupil: Pupil) -> Child:
    return Child(
        ".".join(pupil.initials) + ".",
        (
            pupil.legal_forename,
            pupil.legal_surname,
            pupil.preferred_forename,
            pupil.preferred_surname,
        ),
    )


def _key(name: str) -> str:
    return " ".join(re.split(_JOIN, unicodedata.normalize("NFKC", name).casefold().strip()))


def _variants(c: Child) -> set[str]:
    """Full names (forename surname and surname forename), whole names and their parts."""
    forenames = [n for n in (c.names[0], c.names[2]) if n and n.strip()]
    surnames = [n for n in (c.names[1], c.names[3]) if n and n.strip()]
    found = {f"{f} {s}" for f in forenames for s in surnames}
    found |= {f"{s} {f}" for f in forenames for s in surnames}
    found |= set(forenames) | set(surnames)
    # Single letters ("O" of O'Brien) would eat every "o": parts of two letters or more.
    found |= {p for n in forenames + surnames for p in re.split(_JOIN, n) if len(p) > 1}
    return {_key(v) for v in found if _key(v)}


def _pattern(keys: Iterable[str]) -> re.Pattern[str] | None:
    # Longest first, so "Finley Kowalczyk" is one match, not two; whole words only, so
    # "Ann" does not eat into "Annual".
    ordered = sorted(set(keys), key=lambda k: (-len(k), k))
    if not ordered:
        return None
    alternatives = "|".join(_JOIN.join(re.escape(w) for w in k.split(" ")) for k in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_MONTHS = frozenset(m.casefold() for m in calendar.month_name if m)


def _is_date(text: str, match: re.Match[str]) -> bool:
    """A month name with a day before it or a year after it."""
    before = text[max(0, match.start() - 6) : match.start()]
    after = text[match.end() : match.end() + 6]
    return bool(re.search(r"\d(st|nd|rd|th)?\s+$", before) or re.match(r"\s+\d{4}", after))


@dataclass
class Leak:
    initials: str
    page: int | None


class Pseudonyms:
    """The names of the children on one document, and what each is replaced with."""

    def __init__(self, children: Sequence[Child]) -> None:
        self.children = list(children)
        self._initials: dict[str, str] = {}
        # A name two children share is given the first child's initials, unless the text
        # is about the other (see `text(own=...)`).
        for c in reversed(self.children):
            for key in _variants(c):
                self._initials[key] = c.initials
        self._pattern = _pattern(self._initials)
        # What the check looks for: a name that is an ordinary word of the documents'
        # wording counts only as part of a full name; a full name always counts.
        wanted = [
            (c.initials, {k for k in _variants(c) if " " in k or k not in _wording()})
            for c in self.children
        ]
        self._search = [(initials, _pattern(keys)) for initials, keys in wanted]
        # One pass for all the children first: a clean document (the usual case) is read once.
        self._search_any = _pattern(k for _, keys in wanted for k in keys)
        self._own: dict[Child, dict[str, str]] = {}

    def _initials_for(self, own: Child | None) -> dict[str, str]:
        if own is None:
            return self._initials
        if own not in self._own:
            self._own[own] = {**self._initials, **dict.fromkeys(_variants(own), own.initials)}
        return self._own[own]

    def text(self, value: str, own: Child | None = None) -> str:
        """`value` with every child's names replaced by their initials; a name shared by
        several children becomes the initials of `own` (the child the text is about)."""
        if not value or self._pattern is None:
            return value
        initials = self._initials_for(own)
        text = unicodedata.normalize("NFKC", value)

        def replace(match: re.Match[str]) -> str:
            key = _key(match.group(0))
            if key in _MONTHS and _is_date(text, match):
                return match.group(0)  # "21 May 2026" stays a date, though a child is May
            found = initials[key]
            # "Ann Lee." -> "F.K." rather than "F.K..".
            if text[match.end() : match.end() + 1] == ".":
                return found[:-1]
            return found

        return self._pattern.sub(replace, text)

    def replaced(self, value: Any, own: Child | None = None) -> Any:
        """Every string inside dicts and lists passed through `text`, identifiers kept."""
        if isinstance(value, str):
            return self.text(value, own)
        if isinstance(value, dict):
            return {k: v if k in _ID_KEYS else self.replaced(v, own) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.replaced(v, own) for v in value)
        return value

    def found_in(self, text: str) -> list[str]:
        """The initials of every child whose name is in `text` (a document's text)."""
        readings = _readings(text)
        if self._search_any is None or not any(self._search_any.search(r) for r in readings):
            return []
        return [
            initials
            for initials, pattern in self._search
            if pattern is not None and any(pattern.search(r) for r in readings)
        ]


def _readings(text: str) -> list[str]:
    """The text as extracted, with whitespace normalised, and with words a line break
    hyphenated joined again ("Kowal-\\nczyk"), ligatures and soft hyphens undone."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    joined = re.sub(r"[\-\u2010\u2011]\s*\n\s*", "", text)
    return [" ".join(text.split()), " ".join(joined.split())]


@lru_cache(maxsize=1)
def _wording() -> frozenset[str]:
    """Every word of the PDF templates' own wording, plus month and day names (dates)."""
    folder = Path(__file__).resolve().parents[3] / "templates" / "pdf"
    words: set[str] = set()
    for path in folder.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        source = re.sub(r"<style.*?</style>", " ", source, flags=re.S | re.I)
        source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]*>", " ", source, flags=re.S)
        words |= {w.casefold() for w in re.findall(r"[^\W\d_]{2,}", source)}
    words |= {w.casefold() for w in [*calendar.month_name, *calendar.day_name] if w}
    return frozenset(words)


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, as poppler's pdftotext reads it (it keeps reading order)."""
    try:
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=300,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError) as exc:
        # Unchecked is unsafe: no text, no pseudonymised document.
        raise NotIssued(
            "The pseudonymised document was not stored: it could not be checked for "
            "children's names on this server (poppler's pdftotext is missing or failed). "
            "Tell the service desk, quoting this message."
        ) from exc
    return out.split("\f")


def _metadata(pdf: bytes) -> str:
    """The document's title, subject and bookmarks: a reader shows them too."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        parts = [str(v) for v in doc.docinfo.values()]
        with doc.open_outline() as outline:
            stack = list(outline.root)
            while stack:
                item = stack.pop()
                parts.append(str(item.title))
                stack.extend(item.children)
    return "\n".join(parts)


def names_in_pdf(pdf: bytes, names: Pseudonyms) -> list[Leak]:
    """Where the final PDF still names a child: (initials, page), page None when only the
    title or bookmarks do, or when the name runs over a page break."""
    pages = pdf_text(pdf)
    # The whole text at once (a name hyphenated over a page break counts), then the page.
    found = names.found_in("\n".join(pages) + "\n" + _metadata(pdf))
    leaks = []
    for initials in found:
        single = Pseudonyms([c for c in names.children if c.initials == initials])
        page = next((n for n, text in enumerate(pages, 1) if single.found_in(text)), None)
        leaks.append(Leak(initials, page))
    return leaks


def refuse_names(pdf: bytes, names: Pseudonyms, what: str) -> None:
    """Raise NotIssued when the PDF names a child; the message gives initials, not names."""
    leaks = names_in_pdf(pdf, names)
    if leaks:
        first = leaks[0]
        where = f"page {first.page}" if first.page else "its title, bookmarks or a page break"
        raise NotIssued(
            f"The {what} was not stored: after pseudonymising, its text still named a child "
            f"({first.initials}, {where}). Nothing was issued. Tell the service desk, quoting "
            "this message."
        )
