"""CSV import through an upload page: choose the kind, upload, see the dry run (counts and
every bad row), then "Confirm import" applies exactly the file previewed."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, flash, redirect, request, url_for

from sendtrack.admin import bp
from sendtrack.admin.forms import ConfirmImportForm, ImportForm
from sendtrack.forms import set_choices
from sendtrack.permissions import Permission, requires
from sendtrack.services.imports import uploads as import_uploads
from sendtrack.web import acting_user, render_form, saved

KIND_LABELS = {
    "clusters": "Clusters (and their delegated budgets)",
    "settings": "Schools and settings",
    "pupils": "Children",
    "referrals": "Referrals and panel decisions",
    "rtf": "Reception transition funding",
    "ehcna": "EHC needs assessment requests",
    "contacts": "Advice and support contacts",
    "ctf": "SEN from a school's Common Transfer File (XML)",
}


def _limit_mb() -> int:
    return int((current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024))


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.IMPORT_DATA)
def import_upload() -> Any:
    form = ImportForm()
    set_choices(form.kind, [(k, KIND_LABELS.get(k, k)) for k in import_uploads.kind_names()])
    if request.method == "GET" and request.args.get("kind") in import_uploads.kind_names():
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        file = request.files.get(form.file.name)
        filename = file.filename if file is not None else None
        if file is None or not filename:
            form.add_error("file", "Select a CSV file")
        else:
            outcome = saved(
                form,
                lambda: import_uploads.upload(
                    acting_user(), form.kind.data or "", filename, file.read()
                ),
            )
            if outcome:
                checked = outcome.result
                return redirect(url_for("admin.import_preview", upload_id=checked.upload.id))
    elif request.method == "POST" and not request.files.get(form.file.name):
        form.add_error("file", "Select a CSV file")
    return render_form("admin/import.html", form, limit_mb=_limit_mb(), labels=KIND_LABELS)


@bp.route("/import/<uuid:upload_id>", methods=["GET", "POST"])
@requires(Permission.IMPORT_DATA)
def import_preview(upload_id: uuid.UUID) -> Any:
    """The dry-run result of an uploaded file; its form confirms the import."""
    user = acting_user()
    form = ConfirmImportForm()
    if request.method == "POST" and form.validate_on_submit():
        # No dry run first: confirming checks every row before it writes any, and a dry run
        # of a large file would keep other people's saves waiting once more.
        checked = import_uploads.Preview(import_uploads.get_upload(user, upload_id), None)
        # A Common Transfer File writes only the differences ticked on its reconciliation.
        accepted = set(request.form.getlist("accept")) if checked.upload.kind == "ctf" else None
        outcome = saved(
            form,
            lambda: import_uploads.confirm(
                user, upload_id, form.sha256.data or "", accepted=accepted
            ),
        )
        if not outcome:
            checked = import_uploads.preview(user, upload_id)
        else:
            result = outcome.result
            if result.ok:
                flash(f"Imported {checked.upload.filename}. {result.summary()}", "success")
                return redirect(url_for("admin.import_upload"))
            form.add_error(None, "This file has problems: correct them and upload it again")
            checked.result = result
    else:
        checked = import_uploads.preview(user, upload_id)
        if request.method == "GET":
            form.sha256.data = checked.upload.sha256
        else:
            form.add_error(None, "This file has problems: correct them and upload it again")
    return render_form(
        "admin/import_preview.html",
        form,
        checked=checked,
        label=KIND_LABELS.get(checked.upload.kind, checked.upload.kind),
    )
