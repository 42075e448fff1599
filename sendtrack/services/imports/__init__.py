"""CSV imports in the formats of docs/data-exchange.md (the contract with councils).

An import is all-or-nothing: every row is validated first and any problem rejects the whole
file, reported as `row N, column C: message` (N is the spreadsheet row: the header is row 1).
Rows are matched on their natural key, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from sendtrack.models import AuditAction, User
from sendtrack.services import audit
from sendtrack.services.imports.clusters import ClustersImport
from sendtrack.services.imports.contacts import ContactsImport
from sendtrack.services.imports.ctf import CtfImport
from sendtrack.services.imports.ehcna import EhcnaImport
from sendtrack.services.imports.pupils import PupilsImport
from sendtrack.services.imports.ranges import RangesImport
from sendtrack.services.imports.referrals import ReferralsImport
from sendtrack.services.imports.rows import (
    ImportFileError,
    ImportKind,
    ImportResult,
    Row,
    RowError,
    read_rows,
)
from sendtrack.services.imports.rtf import RtfImport
from sendtrack.services.imports.settings import SettingsImport

__all__ = [
    "BATCH_ROWS",
    "ImportFileError",
    "ImportKind",
    "ImportResult",
    "Row",
    "RowError",
    "kinds",
    "run_import",
]


def kinds() -> dict[str, ImportKind]:
    """A fresh instance of every kind, in the documented load order: clusters, settings,
    pupils, referrals, rtf, ehcna, contacts (children are matched against pupils already loaded)."""
    registry: dict[str, ImportKind] = {}
    for make in KINDS:
        kind = make()
        registry[kind.name] = kind
    return registry


KINDS: list[Callable[[], ImportKind]] = [
    ClustersImport,
    SettingsImport,
    PupilsImport,
    # Cluster panel referral history: meetings, referrals, decisions and awards.
    ReferralsImport,
    # Reception Transition Funding history (after pupils, so children can be matched).
    RtfImport,
    # EHC needs assessment request history (after pupils and rtf).
    EhcnaImport,
    # Advice and support contact history (after settings and pupils).
    ContactsImport,
    # The council's ranges framework, into the draft (docs/ranges.md).
    RangesImport,
    # The SEN parts of a school's Common Transfer File (XML), reconciled (issue 27).
    CtfImport,
]


# Rows written in one batch when the caller writes in batches (the web's preview and
# confirm): on SQLite a batch holds the write lock, so it must stay well inside the busy
# timeout that other writers wait (database.BUSY_TIMEOUT_SECONDS); 5,000 pupils took about
# 1.5 s on a loaded two-core server.
BATCH_ROWS = 5000


def run_import(
    kind_name: str,
    data: bytes,
    *,
    actor: User | None,
    dry_run: bool = False,
    preview_rows: int = 0,
    batch: Callable[[], AbstractContextManager[None]] | None = None,
    accepted: set[str] | None = None,
) -> ImportResult:
    """Validate every row, then write all of them or none. The caller commits (or, for a dry
    run or a failure, rolls back). With `batch`, the rows are written BATCH_ROWS at a time,
    each inside `batch()` (which commits it, or rolls it back for a dry run, and lets other
    writers have their turn): a problem only the database finds then keeps the batches
    before it, and importing the corrected file again completes it, since rows are matched
    on their natural key (docs/concurrency.md)."""
    registry = kinds()
    if kind_name not in registry:
        raise ImportFileError(f"Unknown kind '{kind_name}'. Choose from {', '.join(registry)}")
    kind = registry[kind_name]
    result = ImportResult(kind=kind_name, dry_run=dry_run)
    if isinstance(kind, CtfImport):
        # A whole XML file, reconciled rather than loaded row by row: `accepted` names the
        # differences to write (None: the preview, or the command line's default).
        result.details = kind.run(data, actor, result, accepted)
        if result.ok and not dry_run:
            audit.record(actor, AuditAction.IMPORT, f"import:{kind_name}", summary=result.summary())
        return result
    columns, rows = read_rows(data)
    missing = [c for c in kind.required_columns if c not in columns]
    if missing:
        raise ImportFileError(f"The file is missing the column(s): {', '.join(missing)}")
    unknown = [c for c in columns if c not in kind.required_columns + kind.optional_columns]
    if unknown:
        raise ImportFileError(f"The file has unknown column(s): {', '.join(unknown)}")
    records = []
    for number, values in rows:
        result.rows += 1
        if len(result.preview) < preview_rows:
            result.preview.append(values)
        record = kind.parse(Row(number, values, result.errors))
        if record is not None:
            records.append(record)
        if len(result.errors) >= 1000:
            break
    if result.errors:
        return result
    if batch is None:
        kind.apply(records, actor, result)
    else:
        for start in range(0, len(records), BATCH_ROWS):
            with batch():
                kind.apply(records[start : start + BATCH_ROWS], actor, result)
            if result.errors:
                break
    if result.errors:
        return result
    if not dry_run:
        audit.record(actor, AuditAction.IMPORT, f"import:{kind_name}", summary=result.summary())
    return result
