"""The SEN2 download: one module of the DfE's SEN2 return for a year, as CSV."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from sendtrack.ehcna import bp
from sendtrack.ehcna.forms import Sen2Form
from sendtrack.forms import set_choices
from sendtrack.models import AuditAction
from sendtrack.permissions import Permission, requires
from sendtrack.services import audit, spreadsheets
from sendtrack.services.ehcna import sen2 as sen2_export
from sendtrack.web import acting_user, render_form


@bp.route("/ehcna/sen2")
@requires(Permission.MANAGE_EHCNA)
def sen2() -> Any:
    user = acting_user()
    form = Sen2Form(request.args)
    set_choices(form.year, [(str(y), str(y)) for y in sen2_export.years()])
    set_choices(form.module, [(k, v[0]) for k, v in sen2_export.MODULES.items()])
    year_text = form.year.data or ""
    module = form.module.data or ""
    if "download" in request.args:
        if (
            year_text.isdigit()
            and int(year_text) in sen2_export.years()
            and (module in sen2_export.MODULES)
        ):
            year = int(year_text)
            text, count = sen2_export.to_csv(module, year)
            audit.record(
                user,
                AuditAction.EXPORT,
                "sen2_export",
                summary=f"SEN2 {module} module for {year}: {count} rows",
            )
            return Response(
                "\ufeff" + text,
                mimetype=spreadsheets.CSV_TYPE,
                headers={"Content-Disposition": f'attachment; filename="sen2-{year}-{module}.csv"'},
            )
        form.year.errors = ["Choose a year from the list"]
    return render_form("ehcna/sen2.html", form, modules=sen2_export.MODULES)
