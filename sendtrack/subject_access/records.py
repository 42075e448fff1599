"""One child's complete record, as JSON or as a PDF for the child or their parents."""

from __future__ import annotations

import json
import uuid

from flask import Response, current_app
from flask_login import current_user

from sendtrack.pdf import render_pdf
from sendtrack.permissions import Permission, requires
from sendtrack.services.pupils import subject_access
from sendtrack.subject_access import bp


@bp.route("/<uuid:pupil_id>.json")
@requires(Permission.SUBJECT_ACCESS)
def as_json(pupil_id: uuid.UUID) -> Response:
    record = subject_access.collect(current_user, pupil_id)
    return Response(
        json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=subject-access-{pupil_id}.json"},
    )


@bp.route("/<uuid:pupil_id>.pdf")
@requires(Permission.SUBJECT_ACCESS)
def as_pdf(pupil_id: uuid.UUID) -> Response:
    """The same content as the JSON, laid out for people (the child or their parents)."""
    record = subject_access.collect(current_user, pupil_id, fmt="PDF")
    context = subject_access.pdf_context(record)
    pdf = render_pdf(
        "pdf/subject_access.html",
        {**context, "council_name": current_app.config["COUNCIL_NAME"]},
        f"Subject access: {context['child_name']}",
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=subject-access-{pupil_id}.pdf"},
    )
