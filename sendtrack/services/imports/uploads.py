"""CSV import through the web: upload, a dry-run preview, then confirm.

The uploaded bytes are kept server-side (table import_upload) under a random UUID, and
"Confirm import" applies exactly those bytes: the person does not have to pick the file
again, and the form sends back the SHA-256 of the file it previewed, which must match, so a
confirmation can never apply a different file from the one checked. The store is in the
database rather than on one worker's disk so any web worker can take the confirmation.
Uploads are area-wide like the data they hold: any LA officer or administrator may see one."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from sendtrack.extensions import db
from sendtrack.models import AuditAction, ImportUpload, User
from sendtrack.services import audit, transactions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.imports import ImportFileError, ImportResult, kinds, run_import

KEEP_FOR = timedelta(hours=1)
PREVIEW_ROWS = 5


@dataclass
class Preview:
    upload: ImportUpload
    result: ImportResult | None
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.file_error is None and self.result is not None and self.result.ok


def kind_names() -> list[str]:
    return list(kinds())


def _dry_run(kind: str, data: bytes, actor: User) -> tuple[ImportResult | None, str | None]:
    # A dry run still writes to find problems only the database can see, inside savepoints
    # that are always rolled back. On SQLite each batch has its own, ending its transaction
    # so that the write lock is not held for the whole file (docs/concurrency.md).
    batched = transactions.one_writer_at_a_time()
    nested = None if batched else db.session.begin_nested()
    try:
        result = run_import(
            kind,
            data,
            actor=actor,
            dry_run=True,
            preview_rows=PREVIEW_ROWS,
            batch=transactions.rolled_back_batch if batched else None,
        )
    except ImportFileError as exc:
        return None, str(exc)
    finally:
        if nested is not None:
            nested.rollback()
    return result, None


def upload(actor: User, kind: str, filename: str, data: bytes) -> Preview:
    """Keep the file and check it; nothing is imported yet."""
    if kind not in kinds():
        raise DomainError("Choose what the file holds", field="kind")
    if not data:
        raise DomainError("The selected file is empty", field="file")
    _purge_old()
    stored = ImportUpload(
        user_id=actor.id,
        kind=kind,
        filename=(filename or f"upload.{'xml' if kind == 'ctf' else 'csv'}")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    result, problem = _dry_run(kind, data, actor)
    db.session.add(stored)
    db.session.flush()
    return Preview(upload=stored, result=result, file_error=problem)


def get_upload(actor: User, upload_id: uuid.UUID) -> ImportUpload:
    """An upload that has not expired (area-wide users only)."""
    stored = db.session.get(ImportUpload, upload_id)
    if stored is None or _expired(stored) or not actor.is_area_wide:
        raise NotFound("upload")
    return stored


def preview(actor: User, upload_id: uuid.UUID) -> Preview:
    stored = get_upload(actor, upload_id)
    result, problem = _dry_run(stored.kind, stored.data, actor)
    return Preview(upload=stored, result=result, file_error=problem)


def confirm(
    actor: User, upload_id: uuid.UUID, sha256: str, *, accepted: set[str] | None = None
) -> ImportResult:
    """Apply the previewed file, whose SHA-256 the confirmation carries. Every row is checked
    before anything is written. On PostgreSQL the rows are written in the request's one
    transaction, all or nothing. On SQLite, which has one writer at a time, they are written
    in batches, each committed, so that people using the service meanwhile are not kept
    waiting for the whole file (docs/concurrency.md)."""
    stored = get_upload(actor, upload_id)
    if sha256 != stored.sha256 or hashlib.sha256(stored.data).hexdigest() != stored.sha256:
        raise DomainError("This is not the file that was checked: upload it again")
    # Checking the rows only reads: it need not hold the write lock the request took.
    transactions.commit_keeping_loaded()
    try:
        batch = transactions.batch if transactions.one_writer_at_a_time() else None
        result = run_import(stored.kind, stored.data, actor=actor, batch=batch, accepted=accepted)
    except ImportFileError as exc:
        raise DomainError(str(exc)) from None
    if not result.ok:
        # The data changed since the preview (someone else imported or edited): the view
        # shows the problems and the request rolls back the batch that found them.
        return result
    audit.record(
        actor,
        AuditAction.IMPORT,
        "import_upload",
        summary=f"{stored.filename} (SHA-256 {stored.sha256[:16]}...): {result.summary()}",
    )
    db.session.delete(stored)
    db.session.flush()
    return result


def _expired(stored: ImportUpload) -> bool:
    created = stored.created_at
    if created.tzinfo is None:  # SQLite hands back naive UTC
        created = created.replace(tzinfo=UTC)
    return datetime.now(UTC) - created > KEEP_FOR


def _purge_old() -> None:
    db.session.execute(
        delete(ImportUpload).where(ImportUpload.created_at < datetime.now(UTC) - KEEP_FOR)
    )
