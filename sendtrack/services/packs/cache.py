"""Rendered cases kept on disk, keyed by a hash of their data and the templates and CSS.

A cache entry holds a child's personal data, so it lives under the instance folder with
owner-only permissions and is removed when unused for CACHE_DAYS. Entries are named by
their key and written atomically, so concurrent builds can share the folder safely; losing
the folder only costs a re-render. It is deliberately not the store for issued packs,
which live in the database with their version.

An entry is one line giving the part's page count, then the PDF: a rebuild needs every
part's page count for the agenda, and reading it from the PDF meant parsing each cached
part while the changed cases were rendering on the same cores (about a tenth of a
30-case rebuild, measured)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

CACHE_DAYS = 30
SUFFIX = ".part"
_HEADER = b"sendtrack-part pages="


def case_key(case: dict[str, Any], number: int, template_fingerprint: str) -> str:
    payload = json.dumps(
        {"case": case, "number": number, "templates": template_fingerprint},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class PartCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{SUFFIX}"

    def get(self, key: str) -> tuple[bytes, int] | None:
        """The part's PDF and page count, or None when it is not cached (or unreadable)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        head, newline, pdf = data.partition(b"\n")
        count = head.removeprefix(_HEADER)
        if not (newline and head.startswith(_HEADER) and count.isdigit()):
            return None
        os.utime(path)  # last used: pruning keeps what builds still use
        return pdf, int(count)

    def put(self, key: str, data: bytes, pages: int) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_HEADER + str(int(pages)).encode() + b"\n")
            handle.write(data)
        os.replace(tmp, path)

    def prune(self, max_age_days: int = CACHE_DAYS) -> int:
        if not self.folder.exists():
            return 0
        cutoff = time.time() - max_age_days * 86400
        removed = 0
        # *.pdf: entries of the first format, which had no page count.
        for path in [*self.folder.glob(f"*/*{SUFFIX}"), *self.folder.glob("*/*.pdf")]:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
