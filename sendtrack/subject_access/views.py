"""Subject access requests: one child's complete record for the child or their parents."""

from __future__ import annotations

import json
import uuid

from flask import Blueprint, Response
from flask_login import current_user

from sendtrack.permissions import Permission, requires
from sendtrack.services import subject_access

bp = Blueprint("subject_access", __name__, url_prefix="/subject-access")


@bp.route("/<uuid:pupil_id>.json")
@requires(Permission.SUBJECT_ACCESS)
def as_json(pupil_id: uuid.UUID) -> Response:
    record = subject_access.collect(current_user, pupil_id)
    return Response(
        json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=subject-access-{pupil_id}.json"},
    )
