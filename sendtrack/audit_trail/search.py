"""Searching the audit trail, and downloading the events found as CSV."""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context
from flask_login import current_user

from sendtrack.audit_trail import bp
from sendtrack.audit_trail.forms import AuditSearchForm
from sendtrack.forms import page_number
from sendtrack.models import AuditAction
from sendtrack.permissions import Permission, requires
from sendtrack.services import audit_search, spreadsheets


def _filter(form: AuditSearchForm) -> audit_search.AuditFilter:
    return audit_search.AuditFilter(
        child=form.child.data or None,
        user=form.user.data or None,
        action=AuditAction(form.action.data) if form.action.data else None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


@bp.route("/")
@requires(Permission.VIEW_AUDIT)
def search() -> str | tuple[str, int]:
    form = AuditSearchForm(request.args)
    if request.args and not form.validate():
        return render_template(
            "audit_trail/search.html", form=form, events=[], total=0, page=1, pages=1
        ), 400
    events, total, page = audit_search.search(
        current_user, _filter(form), page_number(request.args.get("page"))
    )
    pages = max((total + 49) // 50, 1)
    return render_template(
        "audit_trail/search.html", form=form, events=events, total=total, page=page, pages=pages
    )


@bp.route("/export.csv")
@requires(Permission.VIEW_AUDIT)
def export() -> Response | tuple[str, int]:
    form = AuditSearchForm(request.args)
    if request.args and not form.validate():
        return render_template(
            "audit_trail/search.html", form=form, events=[], total=0, page=1, pages=1
        ), 400
    rows = audit_search.export_csv(current_user, _filter(form))
    return Response(
        stream_with_context(rows),
        mimetype=spreadsheets.CSV_TYPE,
        headers={"Content-Disposition": "attachment; filename=audit-trail.csv"},
    )
