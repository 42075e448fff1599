"""Sending a PDF (a pack version, a decision record, an outcome letter) as a download."""

from __future__ import annotations

from flask import Response


def pdf_download(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
