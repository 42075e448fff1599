"""Rendered cases kept on disk, keyed by a hash of their data and the templates and CSS.

A cache entry holds a child's personal data, so it lives under the instance folder with
owner-only permissions and is removed when unused for CACHE_DAYS. Entries are named by
their key and written atomically, so concurrent builds can share the folder safely; losing
the folder only costs a re-render. It is deliberately not the store for issued packs,
which live in the database with their version."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

CACHE_DAYS = 30


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
        return self.folder / key[:2] / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        os.utime(path)  # last used: pruning keeps what builds still use
        return data

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def prune(self, max_age_days: int = CACHE_DAYS) -> int:
        if not self.folder.exists():
            return 0
        cutoff = time.time() - max_age_days * 86400
        removed = 0
        for path in self.folder.glob("*/*.pdf"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
