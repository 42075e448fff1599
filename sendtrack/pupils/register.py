"""The SEN support register: a setting's list of children, filtered and sorted, and its
download as CSV or Excel."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Response, render_template, request, url_for

from sendtrack.forms import as_uuid, page_number, set_choices
from sendtrack.models import NeedCode, SenStatus, User
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.pupils import bp
from sendtrack.pupils.forms import RegisterFilterForm
from sendtrack.school_year import year_group_label
from sendtrack.services import spreadsheets
from sendtrack.services.errors import NotFound
from sendtrack.services.pupils import register
from sendtrack.web import acting_user


def _filter(form: RegisterFilterForm, setting_id: uuid.UUID) -> register.RegisterFilter:
    need = form.need.data if form.need.data in NeedCode.__members__.values() else None
    year = form.year.data or ""
    status = form.status.data if form.status.data in {s.value for s in SenStatus} else None
    page = form.page.data or ""
    return register.RegisterFilter(
        setting_id=setting_id,
        query=(form.q.data or "")[:100],
        need=NeedCode(need) if need else None,
        year_group=int(year) if year.lstrip("-").isdigit() and len(year) <= 3 else None,
        status=SenStatus(status) if status else None,
        review=form.review.data if form.review.data in register.REVIEW_FILTERS else None,
        sort=form.sort.data if form.sort.data in register.SORTS else "name",
        page=page_number(page),
    )


def _filter_form() -> RegisterFilterForm:
    form = RegisterFilterForm(request.args)
    set_choices(
        form.need, [("", "Any need")] + [(n.value, f"{n.label} ({n.value})") for n in NeedCode]
    )
    set_choices(
        form.year, [("", "Any year group")] + [(str(y), year_group_label(y)) for y in range(-2, 15)]
    )
    set_choices(
        form.status,
        [("", "SEN support and EHC plans"), ("K", "SEN support (K)"), ("E", "EHC plan (E)"),
         ("N", "No longer on the register (N)")],
    )  # fmt: skip
    set_choices(form.review, [("", "Any"), *register.REVIEW_FILTERS.items()])
    set_choices(form.sort, list(register.SORTS.items()))
    return form


def _chosen_setting(user: User) -> Any:
    settings = register.choosable_settings(user)
    wanted = as_uuid(request.args.get("setting"))
    chosen = next((s for s in settings if s.id == wanted), None)
    if chosen is None and len(settings) == 1:
        chosen = settings[0]
    return settings, chosen


@bp.route("/", endpoint="register")
@requires(Permission.VIEW_REGISTER)
def register_page() -> Any:
    user = acting_user()
    settings, setting = _chosen_setting(user)
    if setting is None:
        return render_template("pupils/choose_setting.html", settings=settings)
    form = _filter_form()
    f = _filter(form, setting.id)
    found = register.register_page(user, setting, f)
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page" and v}
    args["setting"] = str(setting.id)
    return render_template(
        "pupils/register.html",
        found=found,
        filter_form=form,
        setting=setting,
        several=len(settings) > 1,
        today=date.today(),
        page_url=lambda n: url_for("pupils.register", **args, page=n),
        export_url=lambda fmt: url_for(
            "pupils.export",
            fmt=fmt,
            setting_id=setting.id,
            **{k: v for k, v in args.items() if k != "setting"},
        ),
        can_add=user_has(user, Permission.EDIT_PUPIL),
    )


@bp.route("/settings/<uuid:setting_id>/export/<fmt>")
@requires(Permission.VIEW_REGISTER)
def export(setting_id: uuid.UUID, fmt: str) -> Any:
    if fmt not in ("csv", "xlsx"):
        raise NotFound("format")
    user = acting_user()
    setting = next((s for s in register.choosable_settings(user) if s.id == setting_id), None)
    if setting is None:
        raise NotFound("setting")
    rows = register.export_rows(user, setting, _filter(_filter_form(), setting.id), fmt)
    name = f"register-{setting.urn}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        body: Any = register.to_csv(setting, rows)
        mimetype = spreadsheets.CSV_TYPE
    else:
        body = register.to_xlsx(setting, rows)
        mimetype = spreadsheets.XLSX_TYPE
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
