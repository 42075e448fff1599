"""A child's SEN history and needs downloaded as a Common Transfer File fragment, for a
school outside the council's area (docs/data-exchange.md, CTF)."""

from __future__ import annotations

import uuid

from flask import Response

from sendtrack.permissions import Permission, requires
from sendtrack.pupils import bp
from sendtrack.services.pupils import ctf_out
from sendtrack.web import acting_user


@bp.route("/<uuid:pupil_id>/ctf.xml")
@requires(Permission.TRANSFER_PUPIL)
def ctf_export(pupil_id: uuid.UUID) -> Response:
    filename, data = ctf_out.export(acting_user(), pupil_id)
    return Response(
        data,
        mimetype="application/xml",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
